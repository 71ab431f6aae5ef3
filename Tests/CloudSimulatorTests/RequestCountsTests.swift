import Foundation
import Testing

@testable import CloudSimulator

/// The simulator counts the requests it answers by method and route, so a benchmark can say how many a refresh or an
/// apply takes.
@Suite("Simulator: request counts")
struct RequestCountsTests {
  @Test(
    "a path's object ids become {id}: uuids, numbers, a proxy's domain, a release's namespace and name",
    arguments: [
      ("/magnum/v1/clusters/0562d357-8641-4759-8fed-8173f02c9633", "/magnum/v1/clusters/{id}"),
      ("/magnum/v1/clusters/detail", "/magnum/v1/clusters/detail"),
      ("/proxy/v1/paws/mapping/hub-paws.wmcloud.org", "/proxy/v1/paws/mapping/{id}"),
      ("/network/v2.0/ports/7b3ce1f0e1f54d8f8e0c8f6a3f0b1c2d", "/network/v2.0/ports/{id}"),
      (
        "/kubernetes/v1/clusters/731387cf-a92b-4c36-981e-3271d63e5597/releases/prod/paws",
        "/kubernetes/v1/clusters/{id}/releases/{id}/{id}"
      ),
      ("/object-store/v1/AUTH_paws/paws-state", "/object-store/v1/AUTH_{project}/paws-state"),
      ("/compute/v2.1/os-server-groups/12", "/compute/v2.1/os-server-groups/{id}"),
    ])
  func routes(_ path: String, _ route: String) {
    #expect(RequestCounts.route(of: path) == route)
  }

  @Test("counts by method and route; the summary puts the most used first; reset empties them")
  func counting() {
    let counts = RequestCounts()
    counts.record(method: "GET", path: "/magnum/v1/clusters/0562d357-8641-4759-8fed-8173f02c9633")
    counts.record(method: "GET", path: "/magnum/v1/clusters/731387cf-a92b-4c36-981e-3271d63e5597")
    counts.record(method: "POST", path: "/magnum/v1/clusters")
    #expect(counts.snapshot == ["GET /magnum/v1/clusters/{id}": 2, "POST /magnum/v1/clusters": 1])
    #expect(counts.summary == "3 requests: GET /magnum/v1/clusters/{id} 2, POST /magnum/v1/clusters 1")
    counts.reset()
    #expect(counts.total == 0)
  }

  @Test("a running simulator answers GET /_simulator/requests with its counts, uncounted, and DELETE resets them")
  func endpoint() async throws {
    try await SimulatorHarness.with { harness in
      _ = try await harness.issueToken()
      let counts = try await harness.send(.GET, RequestCounts.endpointPath)
      #expect(counts.status == 200)
      let body = try #require(try JSONSerialization.jsonObject(with: counts.body) as? [String: Any])
      #expect(body["total"] as? Int == 1, "\(body)")
      #expect((body["requests"] as? [String: Int])?["POST /identity/v3/auth/tokens"] == 1, "\(body)")
      let reset = try await harness.send(.DELETE, RequestCounts.endpointPath)
      #expect(reset.status == 204)
      #expect(harness.cloud.requests.total == 0)
    }
  }
}
