import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

@testable import CloudSimulator

/// A simulated cloud started for one test on an ephemeral loopback port, plus an HTTP client that talks to it.
final class SimulatorHarness: Sendable {
  let cloud: CloudSimulator
  private let http: HTTPClient

  private init(cloud: CloudSimulator, http: HTTPClient) {
    self.cloud = cloud
    self.http = http
  }

  /// Runs `body` against a fresh simulator and always shuts it down afterwards.
  static func with<T: Sendable>(
    _ configuration: SimulatorConfiguration = SimulatorConfiguration(buildSeconds: 0),
    _ body: (SimulatorHarness) async throws -> T
  ) async throws -> T {
    let harness = try await start(configuration)
    do {
      let result = try await body(harness)
      await harness.stop()
      return result
    } catch {
      await harness.stop()
      throw error
    }
  }

  /// Starts a simulator; unless the configuration names one, its node addresses come from a block of 127.0.0.0/8
  /// no other harness of this test process uses, so simulators running in parallel never both listen on the same
  /// node address.
  static func start(_ configuration: SimulatorConfiguration) async throws -> SimulatorHarness {
    var configuration = configuration
    if configuration.nodeAddressBlock == nil {
      configuration.nodeAddressBlock = AddressBlocks.next()
    }
    let cloud = try await CloudSimulator.start(configuration: configuration)
    return SimulatorHarness(cloud: cloud, http: HTTPClient(eventLoopGroupProvider: .singleton))
  }

  func stop() async {
    try? await http.shutdown()
    await cloud.shutdown()
  }

  var baseURL: String { "http://127.0.0.1:\(cloud.port)" }

  // MARK: - Requests

  /// Sends a request to `path` (relative to the simulator's root) and reads the whole response.
  func send(
    _ method: HTTPMethod, _ path: String, token: String? = nil, body: JSONValue? = nil, rawBody: String? = nil,
    headers: [(String, String)] = []
  ) async throws -> WireResponse {
    var request = HTTPClientRequest(url: baseURL + path)
    request.method = method
    if let token { request.headers.add(name: "X-Auth-Token", value: token) }
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let text = rawBody ?? body.map({ String(decoding: $0.serialized(), as: UTF8.self) }) {
      request.headers.add(name: "Content-Type", value: "application/json")
      request.body = .bytes(ByteBuffer(string: text))
    }
    let response = try await http.execute(request, timeout: .seconds(30))
    let buffer = try await response.body.collect(upTo: 4 << 20)
    return WireResponse(
      status: Int(response.status.code), headers: response.headers, body: Data(buffer.readableBytesView))
  }

  /// Sends a request to an absolute URL (a node's ingress port, the data plane) and reads the whole response.
  func send(
    _ method: HTTPMethod, url: String, body: String? = nil, headers: [(String, String)] = [],
    timeout: TimeAmount = .seconds(10)
  ) async throws -> WireResponse {
    var request = HTTPClientRequest(url: url)
    request.method = method
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let body { request.body = .bytes(ByteBuffer(string: body)) }
    let response = try await http.execute(request, timeout: timeout)
    let buffer = try await response.body.collect(upTo: 4 << 20)
    return WireResponse(
      status: Int(response.status.code), headers: response.headers, body: Data(buffer.readableBytesView))
  }

  /// Sends a request to the simulated Kubernetes side of a cluster (`/kubernetes/v1/clusters/{cluster}` + path).
  func kubernetes(
    _ method: HTTPMethod, cluster: String, _ path: String, token: String, body: JSONValue? = nil
  ) async throws -> WireResponse {
    try await send(method, "/kubernetes/v1/clusters/\(cluster)" + path, token: token, body: body)
  }

  /// Sends a Magnum request with a microversion header (`container-infra 1.10` unless told otherwise).
  func magnum(
    _ method: HTTPMethod, _ path: String, token: String, body: JSONValue? = nil, microversion: String? = "1.10"
  ) async throws -> WireResponse {
    let headers = microversion.map { [("OpenStack-API-Version", "container-infra \($0)")] } ?? []
    return try await send(method, "/magnum/v1" + path, token: token, body: body, headers: headers)
  }

  // MARK: - Shortcuts

  /// A token from the default application credential.
  func issueToken() async throws -> String {
    let response = try await send(.POST, "/identity/v3/auth/tokens", body: RequestBodies.applicationCredential())
    try #require(response.status == 201, "token request answered \(response.status): \(response.text)")
    return try #require(response.header("X-Subject-Token"))
  }

  /// Creates the PAWS-like template and returns its uuid.
  func createTemplate(token: String, name: String = "paws-k8s127") async throws -> String {
    let response = try await magnum(.POST, "/clustertemplates", token: token, body: RequestBodies.template(name: name))
    try #require(response.status == 201, "template create answered \(response.status): \(response.text)")
    return try #require(response.json["uuid"]?.stringValue)
  }

  /// Creates a cluster and returns its uuid.
  func createCluster(
    token: String, name: String, template: String, masters: Int = 1, workers: Int = 2
  ) async throws -> String {
    let body = RequestBodies.cluster(name: name, template: template, masters: masters, workers: workers)
    let response = try await magnum(.POST, "/clusters", token: token, body: body)
    try #require(response.status == 202, "cluster create answered \(response.status): \(response.text)")
    return try #require(response.json["uuid"]?.stringValue)
  }

  /// The cluster's full body.
  func cluster(_ identifier: String, token: String) async throws -> WireResponse {
    try await magnum(.GET, "/clusters/\(identifier)", token: token)
  }

  /// Polls the cluster until its status is `status`, for at most `timeout`.
  func waitForCluster(
    _ identifier: String, token: String, status: String, timeout: Duration = .seconds(20)
  ) async throws -> JSONValue {
    try await Polling.until(timeout: timeout, "cluster \(identifier) never reached \(status)") {
      let response = try await self.cluster(identifier, token: token)
      return response.json["status"]?.stringValue == status ? response.json : nil
    }
  }
}

// MARK: - Node address blocks

/// Hands each harness its own /24 block of node addresses, from a random start so that other test processes
/// (drawing their blocks at random) are unlikely to meet it.
enum AddressBlocks {
  private static let counter = Mutex(Int.random(in: 256...60_000))

  static func next() -> Int {
    counter.withLock { block in
      defer { block = block >= 65_000 ? 256 : block + 1 }
      return block
    }
  }
}
