import Foundation
import NIOHTTP1
import Testing

@testable import CloudSimulator

/// Injected errors, rate limits and latency.
@Suite struct FaultInjectionTests {
  @Test func errorRateOneAnswers500InEachServiceShape() async throws {
    let configuration = SimulatorConfiguration(buildSeconds: 0, faults: FaultInjection(errorRate: 1))
    try await SimulatorHarness.with(configuration) { cloud in
      let keystone = try await cloud.send(
        .POST, "/identity/v3/auth/tokens", body: RequestBodies.applicationCredential())
      #expect(keystone.status == 500)
      #expect(keystone.json["error"]?["code"] == 500)
      #expect(keystone.header("X-Subject-Token") == nil)
      #expect(keystone.header("x-openstack-request-id")?.hasPrefix("req-") == true)

      let magnum = try await cloud.magnum(.GET, "/clusters", token: "irrelevant")
      #expect(magnum.status == 500)
      let error = try #require(magnum.json["errors"]?.arrayValue?.first)
      #expect(error["status"] == 500)
      #expect(error["code"] == "server")

      let proxy = try await cloud.send(.GET, "/proxy/v1/paws/mapping", token: "irrelevant")
      #expect(proxy.status == 500)
    }
  }

  @Test func rateLimitRateOneAnswers429WithRetryAfter() async throws {
    let configuration = SimulatorConfiguration(buildSeconds: 0, faults: FaultInjection(rateLimitRate: 1))
    try await SimulatorHarness.with(configuration) { cloud in
      let keystone = try await cloud.send(
        .POST, "/identity/v3/auth/tokens", body: RequestBodies.applicationCredential())
      #expect(keystone.status == 429)
      #expect(keystone.header("Retry-After") == "1")
      #expect(keystone.json["error"]?["code"] == 429)
      let magnum = try await cloud.magnum(.GET, "/clusters", token: "irrelevant")
      #expect(magnum.status == 429)
      #expect(magnum.header("Retry-After") == "1")
      #expect(magnum.json["errors"]?.arrayValue?.first?["status"] == 429)
    }
  }

  @Test func faultedRequestsChangeNothing() async throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cutover-faults-\(UUID().uuidString).sqlite"
    ).path
    defer {
      for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
    let healthy = SimulatorConfiguration(databasePath: path, buildSeconds: 0)
    let (token, template) = try await SimulatorHarness.with(healthy) { cloud in
      let token = try await cloud.issueToken()
      return (token, try await cloud.createTemplate(token: token))
    }
    var failing = healthy
    failing.faults.errorRate = 1
    try await SimulatorHarness.with(failing) { cloud in
      for _ in 0..<5 {
        let response = try await cloud.magnum(
          .POST, "/clusters", token: token, body: RequestBodies.cluster(name: "paws-1", template: template))
        #expect(response.status == 500)
      }
    }
    try await SimulatorHarness.with(healthy) { cloud in
      let clusters = try await cloud.magnum(.GET, "/clusters", token: token).json["clusters"]
      #expect(clusters == [])
    }
  }

  @Test func latencyDelaysEveryResponse() async throws {
    let configuration = SimulatorConfiguration(buildSeconds: 0, faults: FaultInjection(latency: .milliseconds(250)))
    try await SimulatorHarness.with(configuration) { cloud in
      let clock = ContinuousClock()
      let started = clock.now
      let response = try await cloud.send(.GET, "/identity/v3")
      #expect(response.status == 200)
      #expect(clock.now - started >= .milliseconds(250))
    }
  }
}
