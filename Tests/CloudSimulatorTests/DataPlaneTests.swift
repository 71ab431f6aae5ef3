import Foundation
import NIOHTTP1
import Synchronization
import Testing

@testable import CloudSimulator

/// The web-proxy data plane: a front on loopback routing by `Host` to the backends of the domain's route.
@Suite struct DataPlaneTests {
  private static let hub = "hub-paws.wmcloud.org"
  private static let publicHub = "public-paws.wmcloud.org"

  private static var withDataPlane: SimulatorConfiguration {
    var configuration = SimulatorConfiguration(buildSeconds: 0)
    configuration.dataPlanePort = 0
    return configuration
  }

  /// Two generations with `paws` deployed, their ingress ports open; answers their worker addresses.
  private static func twoGenerations(_ cloud: SimulatorHarness, token: String) async throws -> (
    old: [String], new: [String]
  ) {
    let template = try await cloud.createTemplate(token: token)
    let old = try await cloud.createCluster(token: token, name: "paws-127d", template: template, workers: 2)
    let new = try await cloud.createCluster(token: token, name: "paws-128a", template: template, workers: 2)
    try await cloud.deployRelease(on: old, token: token)
    try await cloud.deployRelease(on: new, token: token)
    let oldWorkers = try await cloud.workerAddresses(old, token: token)
    let newWorkers = try await cloud.workerAddresses(new, token: token)
    try await cloud.waitForListeners(oldWorkers + newWorkers)
    return (oldWorkers, newWorkers)
  }

  @Test func routesByHostToTheRoutesBackendsRoundRobin() async throws {
    try await SimulatorHarness.with(Self.withDataPlane) { cloud in
      #expect(cloud.cloud.dataPlanePort.map { $0 > 0 } == true)
      let token = try await cloud.issueToken()
      let (old, new) = try await Self.twoGenerations(cloud, token: token)
      try await cloud.route(Self.hub, to: old, token: token)
      try await cloud.route(Self.publicHub, to: new, token: token)

      var nodes = Set<String>()
      for _ in 0..<4 {
        let answer = try await cloud.throughDataPlane(host: Self.hub)
        #expect(answer.status == 200)
        #expect(answer.json == ["status": "ok"])
        #expect(answer.header("X-Cutover-Cluster") == "paws-127d")
        #expect(answer.header("X-Cutover-Backend")?.hasSuffix(":30001") == true)
        nodes.insert(answer.header("X-Cutover-Node") ?? "")
      }
      #expect(nodes.count == 2, "both workers take turns")

      let other = try await cloud.throughDataPlane(host: "PUBLIC-paws.wmcloud.org:80")
      #expect(other.header("X-Cutover-Cluster") == "paws-128a")

      let posted = try await cloud.throughDataPlane(.POST, host: Self.hub, path: "/hub/api/users?x=1", body: "{}")
      #expect(posted.status == 200)
      #expect(posted.json["method"] == "POST")
      #expect(posted.json["path"] == "/hub/api/users")

      let unknown = try await cloud.throughDataPlane(host: "nope.wmcloud.org")
      #expect(unknown.status == 404)
      #expect(unknown.text.contains("nope.wmcloud.org"))
    }
  }

  @Test func aRefusingBackendIsSkippedAndNoAnsweringBackendIs502() async throws {
    try await SimulatorHarness.with(Self.withDataPlane) { cloud in
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      let cluster = try await cloud.createCluster(token: token, name: "paws-127d", template: template, workers: 1)
      try await cloud.deployRelease(on: cluster, token: token)
      let workers = try await cloud.workerAddresses(cluster, token: token)
      try await cloud.waitForListeners(workers)
      // An address of the cloud's block that no node has: nothing listens there.
      let nobody = try #require(workers.first).split(separator: ".").prefix(3).joined(separator: ".") + ".250"

      try await cloud.route(Self.hub, to: [nobody] + workers, token: token)
      for _ in 0..<6 {
        let answer = try await cloud.throughDataPlane(host: Self.hub)
        #expect(answer.status == 200)
        #expect(answer.header("X-Cutover-Cluster") == "paws-127d")
      }
      try await cloud.route(Self.hub, to: [nobody], token: token, replacing: true)
      let failed = try await cloud.throughDataPlane(host: Self.hub)
      #expect(failed.status == 502)
      #expect(failed.text.contains(nobody))
    }
  }

  @Test func noDataPlaneUnlessConfigured() async throws {
    try await SimulatorHarness.with { cloud in
      #expect(cloud.cloud.dataPlanePort == nil)
      #expect(cloud.cloud.dataPlaneURL == nil)
    }
  }

  /// What the senders saw: how many requests, which failed, and for each sender the clusters in order.
  private final class Traffic: Sendable {
    let sent = Mutex(0)
    let failures = Mutex<[String]>([])
    let clusters = Mutex<[Int: [String]]>([:])
    let stopped = Mutex(false)
  }

  @Test func replacingTheBackendsSwitchesAtomicallyWithZeroFailedRequests() async throws {
    try await SimulatorHarness.with(Self.withDataPlane) { cloud in
      let token = try await cloud.issueToken()
      let (old, new) = try await Self.twoGenerations(cloud, token: token)
      try await cloud.route(Self.hub, to: old, token: token)

      let traffic = Traffic()
      let senders = 4
      let started = ContinuousClock.now
      let switched = try await withThrowingTaskGroup(of: Void.self) { group in
        for sender in 0..<senders {
          group.addTask {
            // Cancelled too when the body gives up waiting: a sender must never outlive a failed test.
            while !traffic.stopped.withLock({ $0 }), !Task.isCancelled {
              do {
                let answer = try await cloud.throughDataPlane(host: Self.hub, path: "/hub/api")
                let cluster = answer.header("X-Cutover-Cluster") ?? "?"
                if answer.status != 200 { traffic.failures.withLock { $0.append("\(answer.status) \(answer.text)") } }
                traffic.clusters.withLock { $0[sender, default: []].append(cluster) }
              } catch {
                traffic.failures.withLock { $0.append("\(error)") }
              }
              traffic.sent.withLock { $0 += 1 }
            }
          }
        }
        _ = try await Polling.until(timeout: .seconds(20), "traffic never got going") {
          traffic.sent.withLock { $0 } >= 100 ? true : nil
        }
        let before = ContinuousClock.now
        try await cloud.route(Self.hub, to: new, token: token, replacing: true)
        let switchTook = before.duration(to: .now)
        let sentAtSwitch = traffic.sent.withLock { $0 }
        _ = try await Polling.until(timeout: .seconds(20), "traffic never went on after the switch") {
          traffic.sent.withLock { $0 } >= sentAtSwitch + 200 ? true : nil
        }
        traffic.stopped.withLock { $0 = true }
        try await group.waitForAll()
        return switchTook
      }

      let sent = traffic.sent.withLock { $0 }
      let failures = traffic.failures.withLock { $0 }
      #expect(failures.isEmpty, "\(failures.count) of \(sent) requests failed: \(failures.prefix(3))")
      for (sender, seen) in traffic.clusters.withLock({ $0 }) {
        // Each sender sees the old generation, then only the new one: never back, never anything else.
        let firstNew = seen.firstIndex(of: "paws-128a") ?? seen.endIndex
        #expect(seen[..<firstNew].allSatisfy { $0 == "paws-127d" }, "sender \(sender)")
        #expect(seen[firstNew...].allSatisfy { $0 == "paws-128a" }, "sender \(sender)")
        #expect(seen.last == "paws-128a", "sender \(sender) ended on the new generation")
      }
      print(
        "data plane switch: \(sent) requests from \(senders) senders in \(started.duration(to: .now)), "
          + "none failed; replacing the backends took \(switched)")
    }
  }
}
