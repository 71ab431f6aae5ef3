import Foundation
import NIOHTTP1
import Testing

@testable import CloudSimulator

/// Shortcuts for tests of the worker ingress ports and the data plane.
extension SimulatorHarness {
  static let ingressPort = 30001

  /// The worker addresses of a cluster, as Magnum reports them.
  func workerAddresses(_ cluster: String, token: String) async throws -> [String] {
    let shown = try await self.cluster(cluster, token: token)
    return shown.json["node_addresses"]?.arrayValue?.compactMap(\.stringValue) ?? []
  }

  /// Waits until exactly `addresses` of `among` have an open ingress port (the others none), for at most 10 s.
  func waitForListeners(_ addresses: [String], among: [String] = [], timeout: Duration = .seconds(10)) async throws {
    let expected = Set(addresses)
    let others = Set(among).subtracting(expected)
    _ = try await Polling.until(timeout: timeout, "ingress ports \(addresses.sorted()) never opened alone") {
      let open = await self.cloud.ingressAddresses
      return expected.isSubset(of: open) && open.isDisjoint(with: others) ? true : nil
    }
  }

  /// Records `paws` (or another release) as deployed on the cluster.
  func deployRelease(_ name: String = "paws", namespace: String = "prod", on cluster: String, token: String)
    async throws
  {
    let body: JSONValue = ["chart": "./paws", "values_sha256": "00", "wait": true]
    let answer = try await kubernetes(
      .PUT, cluster: cluster, "/releases/\(namespace)/\(name)", token: token, body: body)
    try #require(answer.status == 200, "release PUT answered \(answer.status): \(answer.text)")
  }

  /// GET of a worker's ingress port.
  func ingress(_ address: String, _ path: String = "/hub/health") async throws -> WireResponse {
    try await send(.GET, url: "http://\(address):\(Self.ingressPort)\(path)")
  }

  /// A request through the data plane with the given `Host`.
  func throughDataPlane(
    _ method: HTTPMethod = .GET, host: String, path: String = "/hub/health", body: String? = nil
  ) async throws -> WireResponse {
    let base = try #require(cloud.dataPlaneURL, "the simulator serves no data plane")
    return try await send(method, url: base + path, body: body, headers: [("Host", host)])
  }

  /// Replaces (or creates) the web-proxy route of `domain`.
  func route(_ domain: String, to addresses: [String], token: String, replacing: Bool = false) async throws {
    let backends = JSONValue.strings(addresses.map { "http://\($0):\(Self.ingressPort)" })
    let body: JSONValue = ["domain": .string(domain), "backends": backends]
    let answer =
      replacing
      ? try await send(.POST, "/proxy/v1/paws/mapping/\(domain)", token: token, body: body)
      : try await send(.PUT, "/proxy/v1/paws/mapping", token: token, body: body)
    try #require(answer.status == 200 && answer.json["error"] == nil, "mapping answered \(answer.text)")
  }
}
