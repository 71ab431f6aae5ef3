import CutoverKit
import Foundation
import TestSupport
import Testing

/// Switch, rollback and retire as operations run in this process, against the simulator started here: what they
/// change in the cloud, the file and the state, and what they refuse.
@Suite("generation operations, in-process", .serialized)
struct GenerationOperationTests {
  /// 127d live and 128a built beside it, both applied in-process.
  private func twoGenerations(onlyClusterOf128a: Bool = false) async throws -> Workspace {
    var desired = try DesiredStateFixture.eqiad1()
    try desired.addKubernetesWork()
    try desired.setGenerations([("127d", "{}"), ("128a", "{}")])
    let workspace = try Workspace.with(desired)
    try workspace.writeKubernetesSources()
    // 127d whole and, when asked, only 128a's cluster and kubeconfig (its releases missing: it cannot verify).
    let targets =
      onlyClusterOf128a
      ? (PAWS.domains.map { ResourceAddress(type: "web_proxy", name: $0) } + [
        ResourceAddress(type: "kubeconfig", name: "128a")
      ])
      : []
    try await ApplyOperation(session: workspace.session(), autoApprove: true, targets: targets).run()
    return workspace
  }

  private func routesGo(to generation: String, in workspace: Workspace) async throws -> Bool {
    let snapshot = try await workspace.cloudSnapshot()
    let cluster = try workspace.cluster(generation, in: snapshot)
    return PAWS.domains.allSatisfy { Set(snapshot.route($0)?.backends ?? []) == PAWS.backends(of: cluster) }
  }

  @Test("a switch verifies, moves the routes in the cloud and the kube.config link, edits live:, and records it")
  func switchMovesTraffic() async throws {
    let workspace = try await twoGenerations()
    let output = RecordingOutput()
    try await SwitchOperation(session: workspace.session(output: output), generation: "128a", autoApprove: true).run()
    #expect(try await routesGo(to: "128a", in: workspace))
    #expect(
      try FileManager.default.destinationOfSymbolicLink(atPath: workspace.path("state/eqiad1/kube.config"))
        == "kube/128a.config")
    #expect(try workspace.desiredText().contains("live: 128a"))
    let last = try #require(try workspace.stateStore()?.switches().last)
    #expect((last.fromGeneration, last.toGeneration, last.forced) == ("127d", "128a", false))
    #expect(output.lines.contains { $0.hasPrefix("Switched eqiad1 from 127d to 128a in ") }, "\(output.text)")
    #expect(output.lines.filter { $0.hasPrefix("Apply complete!") }.count == 1, "\(output.text)")
  }

  @Test("a switch to a generation that does not verify is refused and changes nothing; forced, it switches")
  func unverifiedSwitch() async throws {
    let workspace = try await twoGenerations(onlyClusterOf128a: true)
    let refused = RecordingOutput()
    let error = await #expect(throws: CutoverError.self) {
      try await SwitchOperation(session: workspace.session(output: refused), generation: "128a", autoApprove: true)
        .run()
    }
    #expect(error?.errorDescription?.contains("it did not verify") == true, "\(String(describing: error))")
    #expect(try await routesGo(to: "127d", in: workspace))
    #expect(try workspace.desiredText().contains("live: 127d"))
    #expect(try workspace.stateStore()?.switches().isEmpty == true)

    let forced = RecordingOutput()
    try await SwitchOperation(
      session: workspace.session(output: forced), generation: "128a", force: true, autoApprove: true
    ).run()
    #expect(forced.warnings.contains { $0.contains("although it did not verify") }, "\(forced.warnings)")
    #expect(try await routesGo(to: "128a", in: workspace))
    #expect(try workspace.stateStore()?.switches().last?.forced == true)
  }

  @Test("a switch asks first, and a `no` leaves the file, the routes and the state as they were")
  func declinedSwitch() async throws {
    let workspace = try await twoGenerations()
    let declined = RecordingOutput(answers: false)
    await #expect(throws: CutoverError.self) {
      try await SwitchOperation(session: workspace.session(output: declined), generation: "128a").run()
    }
    #expect(declined.questions == ["Switch eqiad1 to 128a?"])
    #expect(try await routesGo(to: "127d", in: workspace))
    #expect(try workspace.desiredText().contains("live: 127d"))
    #expect(try workspace.stateStore()?.switches().isEmpty == true)
  }

  @Test("rollback goes back to the generation live before the last switch, and is itself recorded")
  func rollbackGoesBack() async throws {
    let workspace = try await twoGenerations()
    try await SwitchOperation(session: workspace.session(), generation: "128a", autoApprove: true).run()
    let output = RecordingOutput()
    try await RollbackOperation(session: workspace.session(output: output), autoApprove: true).run()
    #expect(output.lines.first?.hasPrefix("Rolling back eqiad1 from 128a to 127d") == true, "\(output.text)")
    #expect(try await routesGo(to: "127d", in: workspace))
    #expect(try workspace.desiredText().contains("live: 127d"))
    #expect(try workspace.stateStore()?.switches().map(\.toGeneration) == ["128a", "127d"])
  }

  @Test("retire refuses the live generation, one still routed, and one within its grace period")
  func retireRefusals() async throws {
    let workspace = try await twoGenerations()
    await #expect(throws: CutoverError.self) {
      try await RetireOperation(session: workspace.session(), generation: "127d", autoApprove: true).run()
    }
    // Routed: live moved in the file only, so the proxies still send traffic to 127d.
    try workspace.writeDesiredState(
      try workspace.desiredText().replacingOccurrences(of: "live: 127d", with: "live: 128a"))
    let routed = await #expect(throws: CutoverError.self) {
      try await RetireOperation(session: workspace.session(), generation: "127d", force: true, autoApprove: true).run()
    }
    #expect(routed?.errorDescription?.contains("still send traffic to its nodes") == true)
    try await SwitchOperation(session: workspace.session(), generation: "128a", autoApprove: true).run()
    let soon = Date().addingTimeInterval(3600)
    let withinGrace = await #expect(throws: CutoverError.self) {
      try await RetireOperation(
        session: workspace.session(), generation: "127d", grace: 86_400, graceText: "24h", autoApprove: true,
        now: { soon }
      ).run()
    }
    #expect(withinGrace?.errorDescription?.contains("kept for rollback for 24h") == true)
    #expect(try workspace.desiredText().contains("127d:"), "nothing was removed")
    #expect(try await workspace.cloudSnapshot().clusters(named: "paws-127d").count == 1)
  }

  @Test("retire after the grace period removes the generation from the file and its objects from cloud and state")
  func retireStandby() async throws {
    let workspace = try await twoGenerations()
    try await SwitchOperation(session: workspace.session(), generation: "128a", autoApprove: true).run()
    let later = Date().addingTimeInterval(25 * 3600)
    let output = RecordingOutput()
    try await RetireOperation(
      session: workspace.session(output: output), generation: "127d", autoApprove: true, now: { later }
    ).run()
    #expect(output.lines.last == "Retired generation 127d of eqiad1.")
    #expect(!(try workspace.desiredText().contains("127d:")))
    let snapshot = try await workspace.cloudSnapshot()
    #expect(snapshot.clusters(named: "paws-127d").isEmpty)
    #expect(snapshot.templates(named: "paws-127d").isEmpty)
    #expect(snapshot.clusters(named: "paws-128a").count == 1)
    let left = try #require(try workspace.stateStore()).resources().filter { $0.address.name.hasPrefix("127d") }
    #expect(left.isEmpty, "\(left.map(\.address))")
  }
}
