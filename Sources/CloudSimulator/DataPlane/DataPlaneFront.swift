import Foundation
import GRDB
import Hummingbird
import Logging
import Synchronization

/// The web-proxy data plane: an HTTP front on loopback that routes each request by its `Host` to the backends of
/// that domain's web-proxy route, as the Cloud VPS proxy does, and returns the backend's answer.
///
/// The route is read at every request and replaced atomically by `POST /mapping/{domain}`, so a cutover switches
/// requests from one generation to the next without any in between. Backends are taken round-robin; one that
/// refuses the connection is skipped for the next (the real proxy is simpler, but a switch must not be what
/// fails a request). An unknown `Host` answers 404; no backend answering, 502.
final class DataPlaneFront: Sendable {
  private let server: LoopbackServer

  private init(server: LoopbackServer) {
    self.server = server
  }

  /// The port the front listens on.
  var port: Int { server.port }

  static let backendHeader = HeaderName("X-Cutover-Backend")!
  /// Request bodies larger than this are refused (413), as the PAWS ingress' `proxy-body-size` does.
  static let maximumBodySize = 16 << 20

  /// Starts the front on `host:port` (0 picks a free port).
  static func start(host: String, port: Int, database: DatabaseQueue, logger: Logger) async throws -> DataPlaneFront {
    let router = DataPlaneRouter(database: database)
    let server = try await LoopbackServer.start(host: host, port: port, logger: logger) { request, _ in
      try await router.forward(request)
    }
    return DataPlaneFront(server: server)
  }

  func stop() async {
    await server.stop()
  }
}

// MARK: - Routing

/// Finds the route of a request's `Host` and forwards the request to one of its backends.
private final class DataPlaneRouter: Sendable {
  let database: DatabaseQueue
  /// Whose turn it is among a route's backends.
  private let turn = Mutex(0)

  init(database: DatabaseQueue) {
    self.database = database
  }

  func forward(_ request: Request) async throws -> Response {
    guard let host = Self.domain(of: request) else {
      return JSONResponse.text(.badRequest, "400 Bad Request: the request names no Host")
    }
    let route = try await database.read { db in
      try ProxyRouteRecord.filter(Column("domain").lowercased == host).order(Column("createdAt")).fetchOne(db)
    }
    guard let route, !route.backends.isEmpty else {
      return JSONResponse.text(.notFound, "404 Not Found: no web proxy is set up for \(host)")
    }
    let body: ByteBuffer
    do {
      body = try await request.body.collect(upTo: DataPlaneFront.maximumBodySize)
    } catch {
      return JSONResponse.text(.contentTooLarge, "413 Request Entity Too Large")
    }
    let first = turn.withLock { turn in
      defer { turn &+= 1 }
      return turn
    }
    let idempotent: Set<HTTPRequest.Method> = [.get, .head, .options]
    var failures: [String] = []
    for offset in 0..<route.backends.count {
      let backend = route.backends[(first + offset) % route.backends.count]
      guard let target = Self.target(backend) else {
        failures.append("\(backend): not an http:// URL")
        continue
      }
      do {
        let answer = try await BackendForwarder.send(
          Self.forwardedHead(of: request, host: host, pathPrefix: target.pathPrefix, bodyLength: body.readableBytes),
          body: body, host: target.host, port: target.port)
        var headers = answer.head.headerFields.removingHopByHopFields()
        headers[DataPlaneFront.backendHeader] = backend
        return Response(status: answer.head.status, headers: headers, body: .init(byteBuffer: answer.body))
      } catch BackendForwarder.Failure.unreachable(let reason) {
        failures.append("\(backend): \(reason)")
      } catch let failure as BackendForwarder.Failure {
        failures.append("\(backend): \(failure)")
        guard idempotent.contains(request.method) else { break }
      }
    }
    return JSONResponse.text(
      .badGateway, "502 Bad Gateway: no backend of \(host) answered: " + failures.joined(separator: "; "))
  }

  // MARK: - Request parts

  /// The `Host` without its port, lower-cased.
  private static func domain(of request: Request) -> String? {
    guard var host = request.head.authority, !host.isEmpty else { return nil }
    if host.hasPrefix("[") {
      host = String(host.prefix { $0 != "]" }) + "]"
    } else if let colon = host.firstIndex(of: ":") {
      host = String(host[..<colon])
    }
    if host.hasSuffix(".") { host.removeLast() }
    return host.isEmpty ? nil : host.lowercased()
  }

  private struct Target {
    var host: String
    var port: Int
    var pathPrefix: String
  }

  /// A backend URL (`http://127.1.2.3:30001`, optionally with a path prefix).
  private static func target(_ backend: String) -> Target? {
    guard let components = URLComponents(string: backend), components.scheme?.lowercased() == "http",
      let host = components.host, !host.isEmpty
    else { return nil }
    var prefix = components.path
    while prefix.hasSuffix("/") { prefix.removeLast() }
    return Target(host: host, port: components.port ?? 80, pathPrefix: prefix)
  }

  /// The request as the backend gets it: same method, path, `Host` and fields, minus hop-by-hop fields, plus
  /// `X-Forwarded-Host` and `X-Forwarded-Proto`, on a connection that closes after the answer.
  private static func forwardedHead(of request: Request, host: String, pathPrefix: String, bodyLength: Int)
    -> HTTPRequest
  {
    var head = request.head
    head.scheme = "http"
    head.path = pathPrefix + (request.head.path ?? "/")
    var fields = request.headers.removingHopByHopFields()
    fields[.connection] = "close"
    if bodyLength > 0 || [.post, .put, .patch].contains(request.method) {
      fields[.contentLength] = String(bodyLength)
    }
    fields[HeaderName("X-Forwarded-Host")!] = host
    fields[HeaderName("X-Forwarded-Proto")!] = "http"
    head.headerFields = fields
    return head
  }
}
