import Foundation

// MARK: - WebProxyClient

/// The Cloud VPS web-proxy API (catalog type `proxy`, endpoint `…/v1/$(tenant_id)s`) over an
/// ``OpenStackSession``.
///
/// Quirks handled: an unknown domain answers 400 "No such domain" (read as nil or as done); `PUT /mapping` on an
/// existing domain appends backends (so it is never repeated automatically); a malformed body can answer 200 with
/// `{"error": …}` (the session throws it).
public struct WebProxyClient: Sendable {
  public static let serviceTypes = ["proxy"]

  public let session: OpenStackSession

  public init(session: OpenStackSession) {
    self.session = session
  }

  /// Every route of the project (`GET /mapping`).
  public func routes() async throws -> [ProxyRoute] {
    let response = try await send("GET", "/mapping")
    return try response.decoded(RouteList.self, service: "web-proxy", method: "GET", path: "/mapping").routes
  }

  /// The route of one domain; nil for an unknown domain.
  public func route(domain: String) async throws -> ProxyRoute? {
    let path = Self.path(domain)
    do {
      let response = try await send("GET", path)
      return try response.decoded(ProxyRoute.self, service: "web-proxy", method: "GET", path: path)
    } catch let error as OpenStackError where Self.isUnknownDomain(error) {
      return nil
    }
  }

  /// Creates a route (`PUT /mapping`). On an existing domain the service appends the backends instead, so
  /// check with ``route(domain:)`` first and use ``replaceBackends(domain:backends:)`` to change one. Not repeated
  /// after an ambiguous failure (a repeat could append twice).
  public func createRoute(domain: String, backends: [String]) async throws {
    let body = try JSONBody.encode(ProxyRoute(domain: domain, backends: backends))
    _ = try await send("PUT", "/mapping", body: body, idempotent: false)
  }

  /// Replaces the backends of an existing route (`POST /mapping/{domain}`): the cutover call. Idempotent, so it
  /// is retried like a read.
  public func replaceBackends(domain: String, backends: [String]) async throws {
    let body = try JSONBody.encode(ProxyRoute(domain: domain, backends: backends))
    _ = try await send("POST", Self.path(domain), body: body, idempotent: true)
  }

  /// Deletes a route; an unknown domain counts as done.
  public func deleteRoute(domain: String) async throws {
    do {
      _ = try await send("DELETE", Self.path(domain))
    } catch let error as OpenStackError where Self.isUnknownDomain(error) {
      return
    }
  }

  // MARK: - Helpers

  private func send(_ method: String, _ path: String, body: Data? = nil, idempotent: Bool? = nil) async throws
    -> HTTPResponse
  {
    try await session.send(
      serviceTypes: Self.serviceTypes, method: method, path: path, body: body, idempotent: idempotent
    )
  }

  private static func path(_ domain: String) -> String {
    "/mapping/\(PathSegment.encode(domain))"
  }

  /// 404, or the service's 400 "No such domain".
  static func isUnknownDomain(_ error: OpenStackError) -> Bool {
    guard error.kind == .http else { return false }
    return error.status == 404
      || (error.status == 400 && error.message.range(of: "no such domain", options: .caseInsensitive) != nil)
  }

  private struct RouteList: Decodable {
    var routes: [ProxyRoute]
  }
}
