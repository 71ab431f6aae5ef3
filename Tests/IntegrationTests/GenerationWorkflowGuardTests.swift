import Foundation
import OpenStack
import TestSupport
import Testing

/// Each guard of the generation commands on its own.
@Suite("generation switch, rollback and retire: the guards")
struct GenerationWorkflowGuardTests {
  @Test("--force switches to a generation that does not verify, saying so; the switch is recorded as forced")
  func forcedSwitch() async throws {
    var desired = try DesiredStateFixture.eqiad1()
    try desired.addKubernetesWork()
    try desired.setGenerations([("127d", "{}"), ("128a", "{}")])
    let workspace = try Workspace.with(desired)
    try workspace.writeKubernetesSources()
    // 127d whole, and 128a's cluster but not its releases.
    let targets = (PAWS.domains.map { "web_proxy.\($0)" } + ["kubeconfig.128a"]).flatMap { ["--target", $0] }
    try requireExit(0, try await workspace.apply(targets))
    let forced = try requireExit(
      0, try await workspace.generation(["switch", "eqiad1", "128a", "--force", "--auto-approve"]))
    #expect(forced.stderr.contains("although it did not verify"), "\(forced)")
    #expect(forced.stdout.contains("Switched eqiad1 from 127d to 128a"), "\(forced)")
    let switches = try #require(try workspace.stateStore()).switches()
    #expect(switches.last?.forced == true)
    // Traffic did move: the cloud's routes and the kube.config link point at 128a.
    let snapshot = try await workspace.cloudSnapshot()
    let green = try workspace.cluster("128a", in: snapshot)
    for domain in PAWS.domains {
      #expect(Set(snapshot.route(domain)?.backends ?? []) == PAWS.backends(of: green), "\(domain)")
    }
    #expect(
      try FileManager.default.destinationOfSymbolicLink(atPath: workspace.path("state/eqiad1/kube.config"))
        == "kube/128a.config")
    #expect(try workspace.desiredText().contains("live: 128a"))
  }

  @Test("switching to the live generation changes nothing; to an unknown one is a usage error")
  func switchNoOpAndUnknown() async throws {
    let workspace = try await Workspace.withTwoBuiltGenerations()
    let before = try await SwitchOutcome(of: workspace)
    #expect(before.routes.values.allSatisfy { $0 == before.backends["127d"] }, "127d serves: \(before.routes)")
    let same = try requireExit(0, try await workspace.generation(["switch", "eqiad1", "127d", "--auto-approve"]))
    #expect(same.stdout.contains("127d is already live"), "\(same)")
    #expect(try await SwitchOutcome(of: workspace) == before, "the switch to the live generation changed something")
    let unknown = try requireExit(64, try await workspace.generation(["switch", "eqiad1", "999z", "--auto-approve"]))
    #expect(unknown.stderr.contains("no generation 999z"), "\(unknown)")
    #expect(try await SwitchOutcome(of: workspace) == before, "the refused switch changed something")
  }

  @Test("without --auto-approve and no terminal, a switch asks, and changes nothing")
  func switchNeedsConfirmation() async throws {
    let workspace = try await Workspace.withTwoBuiltGenerations()
    let before = try workspace.desiredText()
    let asked = try requireExit(64, try await workspace.generation(["switch", "eqiad1", "128a"]))
    #expect(asked.stderr.contains("--auto-approve"), "\(asked)")
    #expect(try workspace.desiredText() == before)
  }

  @Test("rollback with no recorded switch is a usage error naming the alternative")
  func rollbackWithoutSwitch() async throws {
    let workspace = try await Workspace.withTwoBuiltGenerations()
    let result = try requireExit(64, try await workspace.generation(["rollback", "eqiad1", "--auto-approve"]))
    #expect(result.stderr.contains("nothing to roll back to"), "\(result)")
  }

  @Test("the live generation cannot be retired, even with --force")
  func retireLive() async throws {
    let workspace = try await Workspace.withTwoBuiltGenerations()
    let result = try requireExit(
      1, try await workspace.generation(["retire", "eqiad1", "127d", "--force", "--auto-approve"]))
    #expect(result.stderr.contains("it is the live generation"), "\(result)")
    #expect(try workspace.desiredText().contains("  127d: {}"))
  }

  @Test("a generation a proxy still points at cannot be retired, even with --force; nothing is deleted")
  func retireRouted() async throws {
    let workspace = try await Workspace.withTwoBuiltGenerations()
    try requireExit(0, try await workspace.generation(["switch", "eqiad1", "128a", "--auto-approve"]))
    // Someone points a proxy back at 127d by hand (in Horizon), and the state learns of it on refresh.
    let snapshot = try await workspace.cloudSnapshot()
    let old = try workspace.cluster("127d", in: snapshot)
    try await SimulatedCloud.withClients(databasePath: workspace.simulatedCloudFile()) { clients in
      try await clients.webProxy.replaceBackends(
        domain: PAWS.domains[1], backends: Array(PAWS.backends(of: old)).sorted())
    }
    try requireExit(0, try await workspace.run(["refresh", "eqiad1", "--simulate"]))
    let result = try requireExit(
      1, try await workspace.generation(["retire", "eqiad1", "127d", "--force", "--auto-approve"]))
    #expect(result.stderr.contains("web_proxy.\(PAWS.domains[1])"), "\(result)")
    #expect(result.stderr.contains("still send traffic"), "\(result)")
    #expect(try workspace.cluster("127d", in: try await workspace.cloudSnapshot()).uuid == old.uuid)
    #expect(try workspace.desiredText().contains("  127d: {}"))
  }

  @Test("within the grace period retire is refused; --grace 0 (or a generation never live) is not")
  func retireGrace() async throws {
    let workspace = try await Workspace.withTwoBuiltGenerations()
    try requireExit(0, try await workspace.generation(["switch", "eqiad1", "128a", "--auto-approve"]))
    let refused = try requireExit(
      1, try await workspace.generation(["retire", "eqiad1", "127d", "--grace", "48h", "--auto-approve"]))
    #expect(refused.stderr.contains("kept for rollback for 48h"), "\(refused)")
    let bad = try requireExit(64, try await workspace.generation(["retire", "eqiad1", "127d", "--grace", "soon"]))
    #expect(bad.stderr.contains("--grace soon"), "\(bad)")
    let retired = try requireExit(
      0, try await workspace.generation(["retire", "eqiad1", "127d", "--grace", "0", "--auto-approve"]))
    #expect(retired.stdout.contains("- helm_release.127d.paws"), "\(retired)")
    #expect(retired.stdout.contains("- cluster.127d"), "\(retired)")
    #expect(!retired.stdout.contains("128a will be"), "only 127d's objects are touched: \(retired)")
  }

  @Test("rollback to a retired generation is refused")
  func rollbackToRetired() async throws {
    let workspace = try await Workspace.withTwoBuiltGenerations()
    try requireExit(0, try await workspace.generation(["switch", "eqiad1", "128a", "--auto-approve"]))
    try requireExit(0, try await workspace.generation(["retire", "eqiad1", "127d", "--force", "--auto-approve"]))
    let result = try requireExit(1, try await workspace.generation(["rollback", "eqiad1", "--auto-approve"]))
    #expect(result.stderr.contains("cannot roll back to 127d"), "\(result)")
  }

  @Test("a switch moves only what routes traffic: a pending release upgrade is left for apply, and named")
  func switchLeavesPendingReleaseChanges() async throws {
    let workspace = try await Workspace.withTwoBuiltGenerations()
    try workspace.writeKubernetesSources(productionValues: "jupyterhub:\n  singleuser:\n    memory: {limit: 4G}\n")
    let switched = try requireExit(0, try await workspace.generation(["switch", "eqiad1", "128a", "--auto-approve"]))
    #expect(!switched.stdout.contains("helm_release"), "no release is deployed by a switch: \(switched)")
    #expect(
      switched.stderr.contains("not part of a switch, so left for `cutover apply eqiad1 --simulate`"), "\(switched)")
    #expect(switched.stderr.contains("helm_release.128a.paws (update)"), "\(switched)")
    let plan = try requireExit(2, try await workspace.plan(["--detailed-exitcode"]))
    #expect(plan.stdout.contains("~ helm_release.128a.paws"), "\(plan)")
    #expect(plan.stdout.contains("~ helm_release.127d.paws"), "\(plan)")
  }

  @Test("a switch that only reached the file (live: edited, proxies not moved) is finished by switching again")
  func finishingASwitch() async throws {
    let workspace = try await Workspace.withTwoBuiltGenerations()
    try workspace.writeDesiredState(
      try workspace.desiredText().replacingOccurrences(of: "live: 127d", with: "live: 128a"))
    let finished = try requireExit(0, try await workspace.generation(["switch", "eqiad1", "128a", "--auto-approve"]))
    #expect(finished.stdout.contains("not everything routes to it yet: finishing the switch"), "\(finished)")
    // Where traffic came from is read from the recorded routes, so rollback and the grace period work.
    #expect(finished.stdout.contains("Switched eqiad1 from 127d to 128a"), "\(finished)")
    #expect(finished.stdout.contains("To roll back: cutover generation rollback eqiad1 --simulate"), "\(finished)")
    #expect(try #require(try workspace.stateStore()).switches().last?.fromGeneration == "127d")
    #expect(finished.stdout.contains("~ web_proxy.hub-paws.wmcloud.org"), "\(finished)")
    let snapshot = try await workspace.cloudSnapshot()
    let green = try workspace.cluster("128a", in: snapshot)
    #expect(Set(snapshot.route(PAWS.domains[0])?.backends ?? []) == PAWS.backends(of: green))
    let again = try requireExit(0, try await workspace.generation(["switch", "eqiad1", "128a", "--auto-approve"]))
    #expect(again.stdout.contains("everything routes to it; nothing to switch"), "\(again)")
  }

  @Test("a route Cutover does not manage, pointing at the generation, stops retire before anything is touched")
  func retireRefusedByUnmanagedRoute() async throws {
    let workspace = try await Workspace.withTwoBuiltGenerations()
    let green = try workspace.cluster("128a", in: try await workspace.cloudSnapshot())
    try await SimulatedCloud.withClients(databasePath: workspace.simulatedCloudFile()) { clients in
      try await clients.webProxy.createRoute(
        domain: "paws-legacy.wmcloud.org", backends: [Array(PAWS.backends(of: green)).sorted()[0]])
    }
    let before = try workspace.desiredText()
    let result = try requireExit(1, try await workspace.generation(["retire", "eqiad1", "128a", "--auto-approve"]))
    #expect(result.stderr.contains("web proxy paws-legacy.wmcloud.org still sends traffic"), "\(result)")
    #expect(!result.stdout.contains("Destroying"), "\(result)")
    #expect(try workspace.desiredText() == before)
  }

  @Test("a forced switch to a generation never built fails before traffic moves; rollback then returns cleanly")
  func forcedSwitchToUnbuilt() async throws {
    let workspace = try await Workspace.withTwoBuiltGenerations()
    var desired = DesiredStateFixture(text: try workspace.desiredText())
    try desired.insert("  129a: {}", after: "  128a: {}")
    try workspace.write(desired)
    let forced = try requireExit(
      1, try await workspace.generation(["switch", "eqiad1", "129a", "--force", "--auto-approve"]))
    #expect(forced.stderr.contains("generation switch eqiad1 129a --force"), "the hint keeps --force: \(forced)")
    #expect(try workspace.desiredText().contains("live: 129a"))
    let blue = try workspace.cluster("127d", in: try await workspace.cloudSnapshot())
    #expect(Set(try await workspace.cloudSnapshot().route(PAWS.domains[0])?.backends ?? []) == PAWS.backends(of: blue))

    let rollback = try requireExit(0, try await workspace.generation(["rollback", "eqiad1", "--auto-approve"]))
    #expect(!rollback.stdout.contains("kubeconfig.129a will be created"), "\(rollback)")
    #expect(try workspace.desiredText().contains("live: 127d"))
    try requireExit(0, try await workspace.plan(["--target", "web_proxy.hub-paws.wmcloud.org", "--detailed-exitcode"]))
  }
}

/// Everything a switch may change: the cloud's routes, the kube.config link, the file's `live:`, the state's serial
/// and its recorded switches.
private struct SwitchOutcome: Equatable {
  /// Each proxied domain's backends in the cloud.
  var routes: [String: Set<String>]
  /// Each generation's worker backends, to say whose the routes are.
  var backends: [String: Set<String>]
  var kubeconfigLink: String
  var desiredText: String
  var serial: Int
  var switches: Int

  init(of workspace: Workspace) async throws {
    let snapshot = try await workspace.cloudSnapshot()
    routes = Dictionary(uniqueKeysWithValues: PAWS.domains.map { ($0, Set(snapshot.route($0)?.backends ?? [])) })
    backends = Dictionary(
      uniqueKeysWithValues: try ["127d", "128a"].map {
        ($0, PAWS.backends(of: try workspace.cluster($0, in: snapshot)))
      }
    )
    kubeconfigLink = try FileManager.default.destinationOfSymbolicLink(
      atPath: workspace.path("state/eqiad1/kube.config"))
    desiredText = try workspace.desiredText()
    let store = try #require(try workspace.stateStore())
    serial = try store.version().serial
    switches = try store.switches().count
  }
}
