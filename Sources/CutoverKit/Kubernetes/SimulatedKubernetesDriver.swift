import Foundation
import OpenStack

/// The Kubernetes driver of `--simulate`: the simulator's Kubernetes API over HTTP
/// (`{base}/clusters/{cluster}/releases/{namespace}/{name}`, `/manifests/{name}`, `/nodes`; see
/// docs/simulator-kubernetes.md), with the session's Keystone token, retries and error reporting.
///
/// Installs and applies are not repeated after an ambiguous failure: a `PUT` adds a revision every time, and a
/// failed install answers 500, which a retry would turn into a second, failed upgrade.
public struct SimulatedKubernetesDriver: KubernetesDriver {
  /// The short service name in errors and logs.
  static let service = "kubernetes"

  /// The authenticated session of the simulated cloud.
  public let session: OpenStackSession
  /// The Kubernetes API's base URL (`http://127.0.0.1:PORT/kubernetes/v1`, `CloudSimulator.kubernetesURL`).
  public let baseURL: String

  public init(session: OpenStackSession, baseURL: String) {
    self.session = session
    self.baseURL = baseURL
  }

  public var name: String { "the simulated cloud" }

  /// Nothing local is needed.
  public func toolProblems() async -> [String] { [] }

  // MARK: - Releases

  public func deploy(
    _ deployment: ReleaseDeployment, on cluster: KubernetesCluster, note: @Sendable (String) async -> Void
  ) async throws -> DeployedRelease {
    let request = deployment.request
    let path = Self.releasePath(cluster, namespace: request.namespace, name: request.name)
    let body = ReleaseBody(
      chart: request.chart, version: request.version, valuesSHA256: deployment.valuesSHA256,
      setSHA256: deployment.setSHA256, wait: request.wait)
    let response: HTTPResponse
    do {
      response = try await send("PUT", path, body: try Self.encode(body), idempotent: false)
    } catch {
      let failure = Self.driverError(error, cluster: cluster)
      await note("PUT \(path) → \(failure.message)")
      throw failure
    }
    let release = try Self.decode(ReleaseDocument.self, response, "PUT", path).deployedRelease
    await note("PUT \(path) → revision \(release.revision) \(release.status)")
    return release
  }

  public func release(name: String, namespace: String, on cluster: KubernetesCluster) async throws
    -> DeployedRelease?
  {
    let path = Self.releasePath(cluster, namespace: namespace, name: name)
    guard let response = try await read(path, cluster: cluster) else { return nil }
    return try Self.decode(ReleaseDocument.self, response, "GET", path).deployedRelease
  }

  public func uninstall(
    name: String, namespace: String, timeout: Duration?, on cluster: KubernetesCluster,
    note: @Sendable (String) async -> Void
  ) async throws {
    let path = Self.releasePath(cluster, namespace: namespace, name: name)
    let removed = try await remove(path, cluster: cluster)
    await note("DELETE \(path) → \(removed ? "uninstalled" : "no such release, nothing to do")")
  }

  // MARK: - Manifests

  public func apply(
    _ manifest: ManifestApplication, on cluster: KubernetesCluster, note: @Sendable (String) async -> Void
  ) async throws -> AppliedManifest {
    let path = Self.manifestPath(cluster, name: manifest.name)
    let body = ManifestBody(sha256: manifest.sha256, kinds: manifest.kinds)
    let response: HTTPResponse
    do {
      response = try await send("PUT", path, body: try Self.encode(body), idempotent: false)
    } catch {
      let failure = Self.driverError(error, cluster: cluster)
      await note("PUT \(path) → \(failure.message)")
      throw failure
    }
    let document = try Self.decode(ManifestDocument.self, response, "PUT", path)
    await note("PUT \(path) → revision \(document.revision) \(document.status)")
    return document.appliedManifest
  }

  public func manifest(_ manifest: ManifestApplication, on cluster: KubernetesCluster) async throws
    -> AppliedManifest?
  {
    let path = Self.manifestPath(cluster, name: manifest.name)
    guard let response = try await read(path, cluster: cluster) else { return nil }
    return try Self.decode(ManifestDocument.self, response, "GET", path).appliedManifest
  }

  public func delete(
    _ manifest: ManifestApplication, on cluster: KubernetesCluster, note: @Sendable (String) async -> Void
  ) async throws {
    let path = Self.manifestPath(cluster, name: manifest.name)
    let removed = try await remove(path, cluster: cluster)
    await note("DELETE \(path) → \(removed ? "deleted" : "no such manifest, nothing to do")")
  }

  // MARK: - Releases and manifests together

  /// Every release and manifest on the cluster in one `GET …/deployed`, each as ``release(name:namespace:on:)`` and
  /// ``manifest(_:on:)`` read it; nil when the cluster is gone (each read then says so).
  public func deployed(on cluster: KubernetesCluster) async throws -> DeployedWork? {
    let path = Self.clusterPath(cluster) + "/deployed"
    guard let response = try await read(path, cluster: cluster) else { return nil }
    let listed = try Self.decode(DeployedList.self, response, "GET", path)
    return DeployedWork(
      releases: listed.releases.map(\.deployedRelease), manifests: listed.manifests.map(\.appliedManifest))
  }

  // MARK: - Nodes

  public func nodes(on cluster: KubernetesCluster) async throws -> [KubernetesNode] {
    let path = Self.clusterPath(cluster) + "/nodes"
    let response: HTTPResponse
    do {
      response = try await send("GET", path)
    } catch {
      throw Self.driverError(error, cluster: cluster)
    }
    return try Self.decode(NodeList.self, response, "GET", path).nodes.map(\.kubernetesNode)
  }

  // MARK: - Calls

  private func send(_ method: String, _ path: String, body: Data? = nil, idempotent: Bool? = nil) async throws
    -> HTTPResponse
  {
    try await session.send(
      baseURL: baseURL, service: Self.service, method: method, path: path, body: body, idempotent: idempotent)
  }

  /// `GET`; nil on 404 (no such object, or no such cluster any more).
  private func read(_ path: String, cluster: KubernetesCluster) async throws -> HTTPResponse? {
    do {
      return try await send("GET", path)
    } catch let error as OpenStackError where error.kind == .http && error.isNotFound {
      return nil
    } catch {
      throw Self.driverError(error, cluster: cluster)
    }
  }

  /// `DELETE`; whether there was something to delete (404 is "already gone").
  private func remove(_ path: String, cluster: KubernetesCluster) async throws -> Bool {
    do {
      _ = try await send("DELETE", path)
      return true
    } catch let error as OpenStackError where error.kind == .http && error.isNotFound {
      return false
    } catch {
      throw Self.driverError(error, cluster: cluster)
    }
  }

  // MARK: - Paths

  static func clusterPath(_ cluster: KubernetesCluster) -> String {
    "/clusters/\(segment(cluster.clusterID))"
  }

  static func releasePath(_ cluster: KubernetesCluster, namespace: String, name: String) -> String {
    clusterPath(cluster) + "/releases/\(segment(namespace))/\(segment(name))"
  }

  static func manifestPath(_ cluster: KubernetesCluster, name: String) -> String {
    clusterPath(cluster) + "/manifests/\(segment(name))"
  }

  private static let segmentCharacters = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))

  private static func segment(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: segmentCharacters) ?? text
  }

  // MARK: - Errors

  /// The API's reason as the user should read it: helm's own words for a failed install or upgrade, the cluster's
  /// state when it is not ready for Kubernetes calls, and the whole call otherwise.
  static func driverError(_ error: any Error, cluster: KubernetesCluster) -> KubernetesDriverError {
    if let error = error as? KubernetesDriverError { return error }
    guard let error = error as? OpenStackError else { return KubernetesDriverError(error.localizedDescription) }
    if error.kind == .http, error.status == 409 {
      return KubernetesDriverError(
        "the Kubernetes API of cluster \(cluster.clusterID) does not answer yet: \(error.message)")
    }
    if error.kind == .http, error.status == 500, error.message.contains("FAILED:") {
      return KubernetesDriverError(error.message)
    }
    return KubernetesDriverError(error.description)
  }

  // MARK: - Documents

  private static func encode(_ body: some Encodable) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return try encoder.encode(body)
  }

  private static func decode<Document: Decodable>(
    _ type: Document.Type, _ response: HTTPResponse, _ method: String, _ path: String
  ) throws -> Document {
    do {
      return try JSONDecoder().decode(type, from: response.body)
    } catch {
      throw KubernetesDriverError(
        "\(service): \(method) \(path) answered \(response.status) with an unreadable body: \(describe(error))")
    }
  }

  /// A decoding error in a few words: which field, and what was wrong.
  private static func describe(_ error: any Error) -> String {
    guard let error = error as? DecodingError else { return "\(error)" }
    func field(_ path: [any CodingKey]) -> String {
      path.isEmpty
        ? "the document" : path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
    switch error {
    case .keyNotFound(let key, let context): return "\(field(context.codingPath + [key])) is missing"
    case .typeMismatch(_, let context), .valueNotFound(_, let context):
      return "\(field(context.codingPath)) has the wrong type"
    case .dataCorrupted(let context): return "\(field(context.codingPath)): \(context.debugDescription)"
    @unknown default: return "\(error)"
    }
  }

  /// RFC 3339 (`2026-11-22T04:00:00Z`), with or without fractional seconds.
  static func date(_ text: String?) -> Date? {
    guard let text else { return nil }
    // The format styles, not `ISO8601DateFormatter`, which loads ICU's calendar for every read of a release.
    return (try? Date.ISO8601FormatStyle().parse(text))
      ?? (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
  }
}

// MARK: - Wire documents

/// `PUT /releases/{namespace}/{name}`.
private struct ReleaseBody: Encodable {
  var chart: String
  var version: String?
  var valuesSHA256: String
  var setSHA256: String
  var wait: Bool

  enum CodingKeys: String, CodingKey {
    case chart, version, wait
    case valuesSHA256 = "values_sha256"
    case setSHA256 = "set_sha256"
  }
}

/// The release document.
/// `{"releases": [...]}`, as the list answers.
private struct DeployedList: Decodable {
  var releases: [ReleaseDocument]
  var manifests: [ManifestDocument]
}

private struct ReleaseDocument: Decodable {
  var name: String
  var namespace: String
  var revision: Int
  var status: String
  var chart: String?
  var version: String?
  var valuesSHA256: String?
  var setSHA256: String?
  var lastDeployed: String?

  enum CodingKeys: String, CodingKey {
    case name, namespace, revision, status, chart, version
    case valuesSHA256 = "values_sha256"
    case setSHA256 = "set_sha256"
    case lastDeployed = "last_deployed"
  }

  /// The fingerprint is both digests the release was deployed with: a deploy with other values files or other
  /// `set:` values changes it.
  var deployedRelease: DeployedRelease {
    let fingerprint = valuesSHA256.map { $0 + "+" + (setSHA256 ?? "") }
    return DeployedRelease(
      name: name, namespace: namespace, revision: revision, status: status, chart: chart, version: version,
      valuesFingerprint: fingerprint, lastDeployed: SimulatedKubernetesDriver.date(lastDeployed))
  }
}

/// `PUT /manifests/{name}`.
private struct ManifestBody: Encodable {
  var sha256: String
  var kinds: [String]
}

/// The manifest document.
/// `{"manifests": [...]}`, as the list answers.
private struct ManifestDocument: Decodable {
  var name: String
  var revision: Int
  var status: String
  var sha256: String?

  var appliedManifest: AppliedManifest {
    AppliedManifest(name: name, status: status, sha256: sha256)
  }
}

/// `GET /nodes`.
private struct NodeList: Decodable {
  struct Node: Decodable {
    var name: String
    var role: String
    var address: String
    var ready: Bool
    var kubeletVersion: String?

    enum CodingKeys: String, CodingKey {
      case name, role, address, ready
      case kubeletVersion = "kubelet_version"
    }

    /// Magnum labels masters `node-role.kubernetes.io/master` and workers with no role.
    var kubernetesNode: KubernetesNode {
      KubernetesNode(
        name: name, ready: ready ? .true : .false, internalIPs: [address], roles: role == "master" ? ["master"] : [],
        kubeletVersion: kubeletVersion)
    }
  }

  var nodes: [Node]
}
