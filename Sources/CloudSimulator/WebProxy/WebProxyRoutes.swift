import Hummingbird

/// The Cloud VPS web-proxy API under `/proxy/v1/{project}`, quirks included: `PUT /mapping` on an existing
/// domain appends backends, only `POST /mapping/{domain}` replaces them, an unknown domain answers 400
/// "No such domain", and a body missing `domain` or `backends` answers 200 with `{"error": "…"}`.
struct WebProxyRoutes {
  let store: CloudStore

  static let malformedBodyMessage = "Valid JSON but invalid format. Needs domain string and backends array"

  func register(on router: Router<SimulatorRequestContext>) {
    let mapping = "/proxy/v1/:project/mapping"
    router.get(RouterPath(mapping)) { _, context in try await listRoutes(project: try project(context)) }
    router.put(RouterPath(mapping)) { request, context in try await addRoute(project: try project(context), request) }
    router.get(RouterPath(mapping + "/:domain")) { _, context in
      try await showRoute(project: try project(context), domain: context.parameters.require("domain"))
    }
    router.post(RouterPath(mapping + "/:domain")) { request, context in
      try await replaceBackends(project: try project(context), domain: context.parameters.require("domain"), request)
    }
    router.delete(RouterPath(mapping + "/:domain")) { _, context in
      try await deleteRoute(project: try project(context), domain: context.parameters.require("domain"))
    }
  }

  /// The project in the path, which must be the token's own (403 otherwise).
  private func project(_ context: SimulatorRequestContext) throws -> String {
    let project = try context.parameters.require("project")
    guard project == (try context.requireToken()).projectID else {
      throw ServiceError(.forbidden, "Forbidden: the token is not scoped to project \(project).")
    }
    return project
  }

  // MARK: - Handlers

  private func listRoutes(project: String) async throws -> Response {
    let routes = try await store.transaction { db, _ in try ProxyRouteRecord.all(project: project, in: db) }
    let body: JSONValue = [
      "project": .string(project),
      "routes": .array(routes.map { ["domain": .string($0.domain), "backends": .strings($0.backends)] }),
    ]
    return JSONResponse.make(.ok, body)
  }

  private func showRoute(project: String, domain: String) async throws -> Response {
    let route = try await store.transaction { db, _ in
      try ProxyRouteRecord.find(project: project, domain: domain, in: db)
    }
    guard let route else { throw Self.noSuchDomain }
    return JSONResponse.make(.ok, ["domain": .string(route.domain), "backends": .strings(route.backends)])
  }

  /// `PUT /mapping`: creates the route, or appends the backends to an existing one.
  private func addRoute(project: String, _ request: Request) async throws -> Response {
    guard let mapping = try await Self.mapping(request) else { return Self.malformedBody }
    try await store.transaction { db, now in
      if var route = try ProxyRouteRecord.find(project: project, domain: mapping.domain, in: db) {
        route.backends += mapping.backends
        try route.update(db)
      } else {
        try ProxyRouteRecord(project: project, domain: mapping.domain, backends: mapping.backends, createdAt: now)
          .insert(db)
      }
    }
    return JSONResponse.empty(.ok)
  }

  /// `POST /mapping/{domain}`: replaces the route's backends (the cutover call).
  private func replaceBackends(project: String, domain: String, _ request: Request) async throws -> Response {
    let mapping = try await Self.mapping(request)
    let replaced = try await store.transaction { db, _ -> Bool in
      guard var route = try ProxyRouteRecord.find(project: project, domain: domain, in: db) else {
        throw Self.noSuchDomain
      }
      guard let mapping else { return false }
      route.backends = mapping.backends
      try route.update(db)
      return true
    }
    return replaced ? JSONResponse.empty(.ok) : Self.malformedBody
  }

  private func deleteRoute(project: String, domain: String) async throws -> Response {
    try await store.transaction { db, _ in
      guard let route = try ProxyRouteRecord.find(project: project, domain: domain, in: db) else {
        throw Self.noSuchDomain
      }
      try route.delete(db)
    }
    return JSONResponse.empty(.ok)
  }

  // MARK: - Bodies

  /// A `{"domain": "…", "backends": ["…"]}` body.
  private struct Mapping: Sendable {
    var domain: String
    var backends: [String]
  }

  /// The mapping in the body; nil when the JSON lacks a domain string or a backends array of strings.
  /// A body that is not JSON at all is a 400, as Flask answers it.
  private static func mapping(_ request: Request) async throws -> Mapping? {
    guard let body = try await RequestBodyReader.json(request) else {
      throw ServiceError.badRequest(
        "Bad Request: The browser (or proxy) sent a request that this server could not understand.")
    }
    guard let domain = body["domain"]?.stringValue, !domain.isEmpty,
      let backends = body["backends"]?.arrayValue
    else { return nil }
    let urls = backends.compactMap(\.stringValue)
    guard urls.count == backends.count else { return nil }
    return Mapping(domain: domain, backends: urls)
  }

  private static var malformedBody: Response {
    JSONResponse.make(.ok, ["error": .string(malformedBodyMessage)])
  }

  private static var noSuchDomain: ServiceError {
    .badRequest("No such domain")
  }
}
