import Foundation
import TestSupport
import Testing

@testable import CloudSimulator

/// `CUTOVER_SIMULATOR_DRIFT_NODE_COUNT`: a named cluster resized behind the client's back once it is built.
@Suite struct NodeCountDriftTests {
  private static func configuration(
    drift: [String: Int], buildSeconds: Double = 0, databasePath: String? = nil
  ) -> SimulatorConfiguration {
    SimulatorConfiguration(
      databasePath: databasePath, buildSeconds: buildSeconds, faults: FaultInjection(nodeCountDrift: drift))
  }

  @Test func aNamedClusterReportsTheDriftedCountOnceComplete() async throws {
    let clock = ManualClock()
    let configuration = clock.driving(Self.configuration(drift: ["paws-127d": 3], buildSeconds: 3))
    try await SimulatorHarness.with(configuration) { cloud in
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      let drifted = try await cloud.createCluster(token: token, name: "paws-127d", template: template, workers: 5)
      let building = try await cloud.cluster(drifted, token: token).json
      #expect(building["status"] == "CREATE_IN_PROGRESS")
      #expect(building["node_count"] == 5, "nothing drifts while the cluster builds")
      let untouched = try await cloud.createCluster(token: token, name: "paws-128a", template: template, workers: 5)

      clock.advance(by: 3)
      let body = try await cloud.cluster(drifted, token: token).json
      #expect(body["status"] == "UPDATE_COMPLETE")
      #expect(body["node_count"] == 3)
      #expect(body["node_addresses"]?.arrayValue?.count == 3)
      #expect(body["status_reason"] == "Stack UPDATE completed successfully")
      let listed = try await cloud.magnum(.GET, "/clusters", token: token).json["clusters"]?.arrayValue ?? []
      #expect(listed.first { $0["uuid"]?.stringValue == drifted }?["node_count"] == 3)

      let other = try await cloud.cluster(untouched, token: token).json
      #expect(other["status"] == "CREATE_COMPLETE")
      #expect(other["node_count"] == 5)
      #expect(other["node_addresses"]?.arrayValue?.count == 5)
    }
  }

  @Test func growingAddsFreshAddressesAndAClientResizeIsNotUndone() async throws {
    try await SimulatorHarness.with(Self.configuration(drift: ["paws-127d": 4])) { cloud in
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      let uuid = try await cloud.createCluster(token: token, name: "paws-127d", template: template, workers: 2)
      let body = try await cloud.cluster(uuid, token: token).json
      #expect(body["status"] == "UPDATE_COMPLETE")
      #expect(body["node_count"] == 4)
      let addresses = body["node_addresses"]?.arrayValue?.compactMap(\.stringValue) ?? []
      #expect(Set(addresses).count == 4)
      #expect(addresses.allSatisfy { $0.hasPrefix("127.") })

      let patch: JSONValue = [["op": "replace", "path": "/node_count", "value": 2]]
      #expect(try await cloud.magnum(.PATCH, "/clusters/\(uuid)", token: token, body: patch).status == 202)
      let resized = try await cloud.waitForCluster(uuid, token: token, status: "UPDATE_COMPLETE")
      #expect(resized["node_count"] == 2)
      #expect(try await cloud.cluster(uuid, token: token).json["node_count"] == 2)
    }
  }

  @Test func theDriftIsPersistedAndHappensOnce() async throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cutover-drift-\(UUID().uuidString).sqlite"
    ).path
    defer {
      for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
    let (token, uuid) = try await SimulatorHarness.with(Self.configuration(drift: [:], databasePath: path)) { cloud in
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      let uuid = try await cloud.createCluster(token: token, name: "paws-127d", template: template, workers: 5)
      #expect(try await cloud.cluster(uuid, token: token).json["node_count"] == 5)
      return (token, uuid)
    }
    // A later process with the fault set resizes the built cluster, as an operator in Horizon would.
    try await SimulatorHarness.with(Self.configuration(drift: ["paws-127d": 1], databasePath: path)) { cloud in
      let body = try await cloud.cluster(uuid, token: token).json
      #expect(body["node_count"] == 1)
      #expect(body["status"] == "UPDATE_COMPLETE")
      let patch: JSONValue = [["op": "replace", "path": "/node_count", "value": 5]]
      #expect(try await cloud.magnum(.PATCH, "/clusters/\(uuid)", token: token, body: patch).status == 202)
    }
    // Without the fault, the drift and the client's repair both stay recorded; with it, nothing drifts again.
    for drift in [[:], ["paws-127d": 1]] {
      let body = try await SimulatorHarness.with(Self.configuration(drift: drift, databasePath: path)) { cloud in
        try await cloud.cluster(uuid, token: token).json
      }
      #expect(body["node_count"] == 5, "with drift \(drift)")
    }
  }

  @Test func aFailedOrDeletedClusterDoesNotDrift() async throws {
    let clock = ManualClock()
    var configuration = clock.driving(Self.configuration(drift: ["paws-bad": 3, "paws-gone": 3], buildSeconds: 4))
    configuration.faults.failingClusters = ["paws-bad"]
    try await SimulatorHarness.with(configuration) { cloud in
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      let failing = try await cloud.createCluster(token: token, name: "paws-bad", template: template, workers: 5)
      let deleted = try await cloud.createCluster(token: token, name: "paws-gone", template: template, workers: 5)
      #expect(try await cloud.magnum(.DELETE, "/clusters/\(deleted)", token: token).status == 204)
      clock.advance(by: 4)
      let failed = try await cloud.cluster(failing, token: token).json
      #expect(failed["status"] == "CREATE_FAILED")
      #expect(failed["node_count"] == 5)
      #expect(try await cloud.cluster(deleted, token: token).status == 404)
    }
  }
}
