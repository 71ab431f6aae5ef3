import CloudSimulator
import CutoverKit
import Foundation
import OpenStack
import Synchronization
import TestSupport
import Testing

/// PAWS's upgrade runbook as Cutover runs it, end to end on the simulator: 127d live; `generation new` 128a; apply
/// its cluster; verify fails before helm, passes after; switch with traffic flowing through the web-proxy data
/// plane; rollback; switch; retire 127d, refused within its grace period, accepted with --force; no changes left.
@Suite("the PAWS runbook")
struct RunbookTests {
  @Test("127d live → new 128a → verify → switch under traffic → rollback → switch → retire 127d → no changes")
  func wholeRunbook() async throws {
    var desired = try DesiredStateFixture.eqiad1()
    try desired.addKubernetesWork()
    let workspace = try Workspace.with(desired)
    try workspace.writeKubernetesSources()
    try requireExit(0, try await workspace.apply())

    // A new generation beside the live one, and its cluster (not yet what runs on it).
    let added = try requireExit(0, try await workspace.run(["generation", "new", "eqiad1", "--id", "128a"]))
    #expect(added.stdout.contains("added generation 128a"), "\(added)")
    try requireExit(0, try await workspace.apply(["--target", "kubeconfig.128a"]))

    // Before helm: verification fails, naming what is missing, and a switch is refused with nothing changed.
    let early = try requireExit(1, try await workspace.generation(["verify", "eqiad1", "128a"]))
    #expect(early.stdoutLines.contains("  PASS cluster paws-128a is CREATE_COMPLETE"), "the cluster is built: \(early)")
    // Each missing release is named, with its namespace.
    #expect(
      early.stdoutLines.contains(
        "  FAIL releases: 0/3 deployed; ingress-nginx (ingress-nginx): not installed; paws (prod): not installed; "
          + "prometheus (metrics): not installed"), "\(early)")
    #expect(early.stderr.contains("generation 128a did not verify"), "\(early)")
    let refused = try requireExit(1, try await workspace.generation(["switch", "eqiad1", "128a", "--auto-approve"]))
    #expect(refused.stderr.contains("refusing to switch eqiad1 to 128a: it did not verify"), "\(refused)")
    #expect(try workspace.desiredText().contains("live: 127d"))

    // Helm runs; now it verifies.
    try requireExit(0, try await workspace.apply())
    let verified = try requireExit(0, try await workspace.generation(["verify", "eqiad1", "128a"]))
    #expect(!verified.stdout.contains("FAIL"), "\(verified)")
    #expect(verified.stdout.contains("generation 128a verified"), "\(verified)")

    // The switch, with requests flowing through the web proxy the whole time.
    let traffic = try await TrafficDuringCommand.run(in: workspace, domain: PAWS.domains[0]) {
      try await workspace.generation(
        ["switch", "eqiad1", "128a", "--auto-approve"], environment: TrafficDuringCommand.commandEnvironment)
    }
    try requireExit(0, traffic.result)
    #expect(traffic.result.stdout.contains("Switched eqiad1 from 127d to 128a in"), "\(traffic.result)")
    #expect(
      traffic.result.stdout.contains("To roll back: cutover generation rollback eqiad1 --simulate"), "\(traffic.result)"
    )
    #expect(traffic.failures.isEmpty, "requests failed during the switch: \(traffic.failures.prefix(5))")
    // Traffic moves before the kube.config link does.
    let proxies = traffic.result.lineIndex(containing: "web_proxy.hub-paws.wmcloud.org: Modifications complete")
    let link = traffic.result.lineIndex(containing: "kubeconfig.128a: Modifying")
    #expect(proxies != nil && link != nil && proxies! < link!, "\(traffic.result)")
    #expect(traffic.servedBy.first == "paws-127d", "traffic started on the old generation")
    #expect(traffic.afterwards.allSatisfy { $0 == "paws-128a" }, "after the switch: \(traffic.afterwards)")
    print(
      "runbook switch: \(traffic.sent) requests from \(TrafficDuringCommand.concurrentClients) clients during "
        + "`generation switch` (\(traffic.duration)), "
        + "\(traffic.failures.count) failed; \(traffic.servedBy.filter { $0 == "paws-127d" }.count) served by 127d, "
        + "\(traffic.servedBy.filter { $0 == "paws-128a" }.count) by 128a; \(traffic.result.lastLine ?? "")")
    try await expectRoutes(in: workspace, to: "128a")
    #expect(try workspace.desiredText().contains("live: 128a"))

    // Roll back, then forward again.
    let rollback = try requireExit(0, try await workspace.generation(["rollback", "eqiad1", "--auto-approve"]))
    #expect(rollback.stdout.contains("Switched eqiad1 from 128a to 127d"), "\(rollback)")
    try await expectRoutes(in: workspace, to: "127d")
    try requireExit(0, try await workspace.generation(["switch", "eqiad1", "128a", "--auto-approve"]))
    try await expectRoutes(in: workspace, to: "128a")

    // 127d just stopped being live: kept for rollback unless forced.
    let early127d = try requireExit(
      1, try await workspace.generation(["retire", "eqiad1", "127d", "--auto-approve"]))
    #expect(early127d.stderr.contains("kept for rollback for 24h"), "\(early127d)")
    #expect(try workspace.desiredText().contains("  127d: {}"))
    let retired = try requireExit(
      0, try await workspace.generation(["retire", "eqiad1", "127d", "--force", "--auto-approve"]))
    #expect(retired.stdout.contains("Retired generation 127d"), "\(retired)")
    #expect(!(try workspace.desiredText().contains("127d:")))
    let after = try await workspace.cloudSnapshot()
    #expect(after.clusters(named: "paws-127d").isEmpty)
    #expect(after.templates(named: "paws-127d").isEmpty)

    let final = try requireExit(0, try await workspace.plan(["--detailed-exitcode"]))
    #expect(final.lastLine == "Plan: 0 to add, 0 to change, 0 to destroy.", "\(final)")

    // The story, in the journal.
    let history = try requireExit(0, try await workspace.run(["state", "history", "eqiad1", "--simulate"]))
    for step in [
      "generation verify eqiad1", "generation switch eqiad1 128a", "generation rollback eqiad1",
      "generation retire eqiad1 127d", "switched live 127d -> 128a", "switched live 128a -> 127d",
    ] {
      #expect(history.stdout.contains(step), "\(step) is missing from the history: \(history)")
    }
    let status = try requireExit(0, try await workspace.generation(["status", "eqiad1", "--format", "json"]))
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any], "\(status)")
    let generations = try #require(document["generations"] as? [[String: Any]], "\(status)")
    #expect(generations.map { $0["generation"] as? String } == ["128a"], "127d is gone: \(status)")
    let green = try #require(generations.first, "\(status)")
    #expect(green["role"] as? String == "live", "\(status)")
    #expect((green["cluster"] as? [String: Any])?["status"] as? String == "CREATE_COMPLETE", "\(status)")
    #expect(green["health"] as? String == "healthy", "\(status)")
    let releases = try #require(green["releases"] as? [String: Int], "\(status)")
    #expect(releases["deployed"] == 3 && releases["declared"] == 3, "every release deployed: \(status)")
    #expect(
      (green["routed_from"] as? [String])?.sorted() == PAWS.domains.map { "web_proxy.\($0)" }.sorted(),
      "both proxies route to it: \(status)")

    // The secret set: value never left the desired state.
    for file in ["state/eqiad1.sqlite", "state/eqiad1.simulated-cloud.sqlite"] {
      let data = try Data(contentsOf: URL(fileURLWithPath: workspace.path(file)))
      #expect(data.range(of: Data(DesiredStateFixture.cookieSecret.utf8)) == nil, "\(file) holds the secret")
    }
  }

  private func expectRoutes(
    in workspace: Workspace, to generation: String, sourceLocation: SourceLocation = #_sourceLocation
  ) async throws {
    let snapshot = try await workspace.cloudSnapshot()
    let cluster = try workspace.cluster(generation, in: snapshot)
    for domain in PAWS.domains {
      #expect(
        Set(snapshot.route(domain)?.backends ?? []) == PAWS.backends(of: cluster), "\(domain)",
        sourceLocation: sourceLocation)
    }
    let link = workspace.path("state/eqiad1/kube.config")
    #expect(
      try FileManager.default.destinationOfSymbolicLink(atPath: link) == "kube/\(generation).config",
      sourceLocation: sourceLocation)
  }
}

extension Workspace {
  /// `cutover generation ARGS --simulate`.
  func generation(_ arguments: [String], environment: [String: String] = [:]) async throws -> CommandResult {
    try await run(["generation"] + arguments + ["--simulate"], environment: environment)
  }

  /// The text of `clusters/eqiad1.yaml` now.
  func desiredText() throws -> String {
    try String(contentsOfFile: desiredStateFile(), encoding: .utf8)
  }
}

/// Requests sent through the simulated web proxy, one after another, for as long as a command runs, and a few after.
struct TrafficDuringCommand {
  /// How many clients send requests at once.
  static let concurrentClients = 4
  /// The command's own simulator serves no ingress ports: this test's simulator, on the same cloud, serves them.
  static let commandEnvironment = ["CUTOVER_SIMULATOR_INGRESS_PORT": "0"]

  var result: CommandResult
  /// Requests sent while the command ran.
  var sent: Int
  /// Requests that did not answer 200, with what they got.
  var failures: [String]
  /// The generation's cluster that answered each request sent while the command ran (each client's in order).
  var servedBy: [String]
  /// Who answered the requests sent after the command finished.
  var afterwards: [String]
  /// How long the command ran.
  var duration: Duration

  static func run(
    in workspace: Workspace, domain: String, during command: @Sendable () async throws -> CommandResult
  ) async throws -> TrafficDuringCommand {
    var configuration = SimulatorConfiguration(
      databasePath: workspace.simulatedCloudFile(), buildSeconds: 0, project: "paws")
    configuration.dataPlanePort = 0
    configuration.ingressPort = PAWS.ingressPort
    let simulator = try await CloudSimulator.start(configuration: configuration)
    let http = try AsyncHTTPClientTransport()
    let url = try #require(simulator.dataPlaneURL) + "/hub/health"
    let request = HTTPRequest(method: "GET", url: url, headers: [("Host", domain)])

    @Sendable func send() async -> (cluster: String?, failure: String?) {
      do {
        let response = try await http.send(request, timeout: .seconds(10))
        let cluster = response.header("X-Cutover-Cluster")
        guard response.status == 200 else {
          return (
            cluster, "\(response.status) from \(cluster ?? "?"): \(String(decoding: response.body, as: UTF8.self))"
          )
        }
        return (cluster, nil)
      } catch {
        return (nil, "\(error)")
      }
    }

    do {
      // Traffic flows before the command starts: the first answer must come from the live generation.
      let first = await send()
      try #require(first.failure == nil, "the proxy does not serve before the switch: \(first.failure ?? "")")
      let done = StopFlag()
      // A few clients at once, each sending its next request as soon as the last one answers.
      let senders = (0..<Self.concurrentClients).map { _ in
        Task {
          var served: [String] = []
          var failures: [String] = []
          while !done.isSet {
            let answer = await send()
            served.append(answer.cluster ?? "?")
            if let failure = answer.failure { failures.append(failure) }
          }
          return (served, failures)
        }
      }
      let clock = ContinuousClock()
      let started = clock.now
      let result: CommandResult
      do {
        result = try await command()
      } catch {
        done.set()
        for sender in senders { _ = await sender.value }
        throw error
      }
      let duration = clock.now - started
      done.set()
      var served = [first.cluster ?? "?"]
      var failures: [String] = []
      for sender in senders {
        let (own, failed) = await sender.value
        served += own
        failures += failed
      }
      let sent = served.count
      var afterwards: [String] = []
      var laterFailures: [String] = []
      for _ in 0..<20 {
        let answer = await send()
        afterwards.append(answer.cluster ?? "?")
        if let failure = answer.failure { laterFailures.append(failure) }
      }
      try? await http.shutdown()
      await simulator.shutdown()
      return TrafficDuringCommand(
        result: result, sent: sent, failures: failures + laterFailures, servedBy: served, afterwards: afterwards,
        duration: duration)
    } catch {
      try? await http.shutdown()
      await simulator.shutdown()
      throw error
    }
  }
}

/// Tells the request senders to stop.
final class StopFlag: Sendable {
  private let value = Atomic<Bool>(false)

  var isSet: Bool { value.load(ordering: .acquiring) }

  func set() {
    value.store(true, ordering: .releasing)
  }
}
