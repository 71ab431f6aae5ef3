import Foundation

// MARK: - MagnumClient

/// Magnum v1 (cluster templates and clusters) over an ``OpenStackSession``.
///
/// Every call sends `OpenStack-API-Version: container-infra <microversion>` (default 1.10; without the header
/// Magnum serves 1.1, which has no resize action).
///
/// Version negotiation (``MicroversionNegotiation``, shared with Nova): when Magnum answers 406 (the version is not supported), the client reads the highest
/// version the server supports from the `OpenStack-API-Maximum-Version` header (Magnum always sends it), or else
/// from the `[min, max]` range in the error text. If that is lower than the requested version, the call is
/// repeated once with it, and this client and its copies keep using it. The client never guesses a version
/// (no fallback to 1.1): with no usable maximum, or one not lower than what was asked, the 406 is thrown.
public struct MagnumClient: Sendable {
  /// Catalog types, tried in order: the historical `container-infra`, then the newer name.
  public static let serviceTypes = ["container-infra", "container-infrastructure-management"]

  /// The lowest version with `POST /clusters/{id}/actions/resize`.
  static let resizeAction = Microversion(major: 1, minor: 7)

  public let session: OpenStackSession
  private let version: MicroversionNegotiation

  public init(session: OpenStackSession, microversion: String = "1.10") {
    self.session = session
    self.version = MicroversionNegotiation(service: "container-infra", requested: microversion)
  }

  /// The microversion requested now (lower than the initial one after a 406 negotiation).
  public var microversion: String { version.requested }

  // MARK: - Cluster templates

  public func createClusterTemplate(_ request: ClusterTemplateCreateRequest) async throws -> ClusterTemplate {
    let path = "/clustertemplates"
    let response = try await call("POST", path, body: try JSONBody.encode(request))
    return try response.decoded(ClusterTemplate.self, service: "magnum", method: "POST", path: path)
  }

  /// The template with this uuid (or name); nil when Magnum answers 404.
  public func clusterTemplate(id: String) async throws -> ClusterTemplate? {
    let path = "/clustertemplates/\(PathSegment.encode(id))"
    do {
      let response = try await call("GET", path)
      return try response.decoded(ClusterTemplate.self, service: "magnum", method: "GET", path: path)
    } catch let error as OpenStackError where error.isNotFound {
      return nil
    }
  }

  public func clusterTemplates() async throws -> [ClusterTemplate] {
    try await list(path: "/clustertemplates", page: TemplatePage.self)
  }

  /// All templates with every field (`GET /clustertemplates/detail`, gophercloud's `ListDetail`).
  public func clusterTemplatesInDetail() async throws -> [ClusterTemplate] {
    try await list(path: "/clustertemplates/detail", page: TemplatePage.self)
  }

  /// Deletes the template; a 404 counts as done. A template a cluster still uses answers 400 (thrown).
  public func deleteClusterTemplate(id: String) async throws {
    do {
      _ = try await call("DELETE", "/clustertemplates/\(PathSegment.encode(id))")
    } catch let error as OpenStackError where error.isNotFound {
      return
    }
  }

  // MARK: - Clusters

  /// Starts creating a cluster; returns its uuid from the 202 answer.
  public func createCluster(_ request: ClusterCreateRequest) async throws -> String {
    let path = "/clusters"
    let response = try await call("POST", path, body: try JSONBody.encode(request))
    return try response.decoded(UUIDBody.self, service: "magnum", method: "POST", path: path).uuid
  }

  /// The cluster with this uuid (or name), full detail; nil when Magnum answers 404 (also once a delete is done).
  public func cluster(id: String) async throws -> Cluster? {
    let path = "/clusters/\(PathSegment.encode(id))"
    do {
      let response = try await call("GET", path)
      return try response.decoded(Cluster.self, service: "magnum", method: "GET", path: path)
    } catch let error as OpenStackError where error.isNotFound {
      return nil
    }
  }

  /// All clusters in the summary shape (detail fields nil).
  public func clusters() async throws -> [Cluster] {
    try await list(path: "/clusters", page: ClusterPage.self)
  }

  /// All clusters with every field a single GET gives (`GET /clusters/detail`, gophercloud's `ListDetail`).
  public func clustersInDetail() async throws -> [Cluster] {
    try await list(path: "/clusters/detail", page: ClusterPage.self)
  }

  /// Sets the worker count: `POST /clusters/{id}/actions/resize` at microversion ≥ 1.7, else the JSON-patch
  /// `PATCH /clusters/{id}` of `/node_count`. With `latest` requested and no answer seen yet, the action is used.
  public func resizeCluster(id: String, nodeCount: Int) async throws {
    let clusterPath = "/clusters/\(PathSegment.encode(id))"
    if version.effective.map({ $0 >= Self.resizeAction }) ?? true {
      _ = try await call("POST", clusterPath + "/actions/resize", body: try JSONBody.encode(["node_count": nodeCount]))
    } else {
      let patch = [NodeCountPatch(value: nodeCount)]
      _ = try await call("PATCH", clusterPath, body: try JSONBody.encode(patch))
    }
  }

  /// Starts deleting the cluster; a 404 counts as done.
  public func deleteCluster(id: String) async throws {
    do {
      _ = try await call("DELETE", "/clusters/\(PathSegment.encode(id))")
    } catch let error as OpenStackError where error.isNotFound {
      return
    }
  }

  // MARK: - Certificates

  /// The PEM of the cluster's CA certificate (`GET /certificates/{cluster_uuid}`, the `pem` field); a 404 for an
  /// unknown cluster is thrown.
  public func certificateAuthority(clusterID: String) async throws -> String {
    let path = "/certificates/\(PathSegment.encode(clusterID))"
    let response = try await call("GET", path)
    return try response.decoded(CertificateBody.self, service: "magnum", method: "GET", path: path).pem
  }

  /// Has the cluster's CA sign a PKCS#10 certificate request (`POST /certificates` with `cluster_uuid` and `csr`);
  /// returns the signed certificate's PEM. Signing the same request twice is harmless, so the call is retried
  /// like any idempotent one.
  public func signCertificate(clusterID: String, csrPEM: String) async throws -> String {
    let path = "/certificates"
    let body = try JSONBody.encode(CertificateSignRequest(clusterUUID: clusterID, csr: csrPEM))
    let response = try await call("POST", path, body: body, idempotent: true)
    return try response.decoded(CertificateBody.self, service: "magnum", method: "POST", path: path).pem
  }

  // MARK: - Calls

  private func call(_ method: String, _ path: String, body: Data? = nil, idempotent: Bool? = nil) async throws
    -> HTTPResponse
  {
    try await version.negotiate { microversion, _ in
      let response = try await session.send(
        serviceTypes: Self.serviceTypes, method: method, path: path, body: body,
        headers: version.headers(for: microversion), idempotent: idempotent)
      version.record(response)
      return response
    }
  }

  /// Every page of a list, following Magnum's `next` link.
  private func list<Page: MagnumPage>(path: String, page: Page.Type) async throws -> [Page.Item] {
    var items: [Page.Item] = []
    var query = ""
    var seenQueries: Set<String> = []
    while true {
      let response = try await call("GET", path + query)
      let current = try response.decoded(Page.self, service: "magnum", method: "GET", path: path + query)
      items += current.items
      guard let next = current.next, let nextQuery = URLComponents(string: next)?.percentEncodedQuery,
        seenQueries.insert(nextQuery).inserted
      else { return items }
      query = "?" + nextQuery
    }
  }
}

// MARK: - Wire shapes

/// A page of a Magnum list: its items and the `next` link when more follow.
private protocol MagnumPage: Decodable {
  associatedtype Item: Decodable
  var items: [Item] { get }
  var next: String? { get }
}

private struct TemplatePage: MagnumPage {
  var clustertemplates: [ClusterTemplate]
  var next: String?
  var items: [ClusterTemplate] { clustertemplates }
}

private struct ClusterPage: MagnumPage {
  var clusters: [Cluster]
  var next: String?
  var items: [Cluster] { clusters }
}

private struct UUIDBody: Decodable {
  var uuid: String
}

/// `{"cluster_uuid": "…", "csr": "-----BEGIN CERTIFICATE REQUEST-----…"}`.
private struct CertificateSignRequest: Encodable {
  var clusterUUID: String
  var csr: String

  enum CodingKeys: String, CodingKey {
    case clusterUUID = "cluster_uuid"
    case csr
  }
}

/// The `pem` of a CA show or sign answer (its `cluster_uuid`, `csr` and `links` are not needed).
private struct CertificateBody: Decodable {
  var pem: String
}

/// `{"op": "replace", "path": "/node_count", "value": N}`.
private struct NodeCountPatch: Encodable {
  var op = "replace"
  var path = "/node_count"
  var value: Int
}
