import Foundation

// MARK: - NovaClient

/// Nova server groups (catalog type `compute`, URL ending in `/v2.1`) over an ``OpenStackSession``.
///
/// Every call sends the microversion twice, as `OpenStack-API-Version: compute <v>` and as the older
/// `X-OpenStack-Nova-API-Version: <v>` (default 2.64, where a group has one `policy` and `rules`; below it a
/// create sends `policies: [policy]`). Negotiation is ``MicroversionNegotiation``'s, Magnum's too: a 406 naming a lower maximum
/// (`OpenStack-API-Maximum-Version`, or "maximum is 2.60" in the error text) repeats the call once at that
/// version, and this client and its copies keep it. A 406 naming no maximum falls back to ``fallbackVersion``
/// (2.15, the oldest with `soft-anti-affinity`), where a group is created with `policies`; a 406 there is thrown.
/// `POST /os-server-groups` answers 200, not 201. Errors are
/// `{"itemNotFound": {"code", "message"}}`, `{"badRequest": …}`…; a 404 reads as nil or as done.
public struct NovaClient: Sendable {
  public static let serviceTypes = ["compute"]

  /// The first microversion where a server group has `policy` and `rules` instead of `policies`.
  static let singlePolicy = Microversion(major: 2, minor: 64)

  /// The version tried after a 406 that names no maximum: the oldest with `soft-anti-affinity` (Mitaka, 2016).
  static let fallback = Microversion(major: 2, minor: 15)
  public static var fallbackVersion: String { fallback.description }

  public let session: OpenStackSession
  private let version: MicroversionNegotiation

  public init(session: OpenStackSession, microversion: String = "2.64") {
    self.session = session
    self.version = MicroversionNegotiation(
      service: "compute", requested: microversion, legacyHeader: "X-OpenStack-Nova-API-Version", fallback: Self.fallback
    )
  }

  /// The microversion requested now (lower than the initial one after a 406 negotiation).
  public var microversion: String { version.requested }

  // MARK: - Server groups

  /// Creates the group (Nova answers 200 with it). `soft-anti-affinity` needs microversion 2.15 or later.
  public func createServerGroup(_ request: ServerGroupCreateRequest) async throws -> ServerGroup {
    let path = "/os-server-groups"
    let response = try await call("POST", path) { served in
      if served.map({ $0 >= Self.singlePolicy }) ?? true {
        return try JSONBody.encode(
          ["server_group": CreateBody(name: request.name, policy: request.policy, rules: request.rules)])
      }
      return try JSONBody.encode(["server_group": CreateBody(name: request.name, policies: [request.policy])])
    }
    return try response.decoded(
      Envelope<ServerGroup>.self, key: "server_group", method: "POST", path: path, service: "nova")
  }

  /// The group with this id; nil when Nova answers 404.
  public func serverGroup(id: String) async throws -> ServerGroup? {
    let path = "/os-server-groups/\(PathSegment.encode(id))"
    do {
      let response = try await call("GET", path)
      return try response.decoded(
        Envelope<ServerGroup>.self, key: "server_group", method: "GET", path: path, service: "nova")
    } catch let error as OpenStackError where error.isNotFound {
      return nil
    }
  }

  /// The project's server groups; with a name, only those so named (Nova does not filter by name).
  public func serverGroups(name: String? = nil) async throws -> [ServerGroup] {
    let path = "/os-server-groups"
    let response = try await call("GET", path)
    let groups = try response.decoded(
      Envelope<[ServerGroup]>.self, key: "server_groups", method: "GET", path: path, service: "nova")
    guard let name else { return groups }
    return groups.filter { $0.name == name }
  }

  /// Deletes the group; a 404 counts as done.
  public func deleteServerGroup(id: String) async throws {
    do {
      _ = try await call("DELETE", "/os-server-groups/\(PathSegment.encode(id))")
    } catch let error as OpenStackError where error.isNotFound {
      return
    }
  }

  // MARK: - Calls

  /// Sends the call through the negotiation (see ``MicroversionNegotiation``); `body` is built for the version the
  /// call is served at (nil: `latest`, not yet known).
  private func call(
    _ method: String, _ path: String, body: (Microversion?) throws -> Data? = { _ in nil }
  ) async throws -> HTTPResponse {
    try await version.negotiate { microversion, served in
      let response = try await session.send(
        serviceTypes: Self.serviceTypes, method: method, path: path, body: try body(served),
        headers: version.headers(for: microversion))
      version.record(response)
      return response
    }
  }

  // MARK: - Wire shapes

  /// `{"name", "policy", "rules"}` (≥ 2.64) or `{"name", "policies"}` (below).
  private struct CreateBody: Encodable {
    var name: String
    var policy: String?
    var rules: [String: Int]?
    var policies: [String]?
  }
}
