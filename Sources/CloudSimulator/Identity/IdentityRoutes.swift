import Hummingbird

/// Keystone v3 under `/identity`: version discovery and token issue, validation and revocation.
struct IdentityRoutes {
  let store: CloudStore

  static let versionID = "v3.14"

  func register(on router: Router<SimulatorRequestContext>) {
    router.get("/identity") { _, _ in versions() }
    router.get("/identity/v3") { _, _ in JSONResponse.make(.ok, ["version": version]) }
    router.post("/identity/v3/auth/tokens") { request, _ in try await issueToken(request) }
    router.get("/identity/v3/auth/tokens") { request, _ in try await validateToken(request) }
    router.delete("/identity/v3/auth/tokens") { request, _ in try await revokeToken(request) }
  }

  // MARK: - Versions

  private var version: JSONValue {
    [
      "id": .string(Self.versionID),
      "status": "stable",
      "updated": "2020-04-07T00:00:00Z",
      "links": [["rel": "self", "href": .string(store.endpoint.baseURL + "/identity/v3/")]],
      "media-types": [["base": "application/json", "type": "application/vnd.openstack.identity-v3+json"]],
    ]
  }

  /// Keystone answers its root with 300 Multiple Choices listing the versions.
  private func versions() -> Response {
    JSONResponse.make(.multipleChoices, ["versions": ["values": [version]]])
  }

  // MARK: - Tokens

  private func issueToken(_ request: Request) async throws -> Response {
    let body = try await RequestBodyReader.json(request)
    guard body != nil else { throw ServiceError.badRequest("The request body is not valid JSON.") }
    let grant = try KeystoneAuthenticator(configuration: store.configuration).authenticate(body)
    let project = store.configuration.project
    let lifetime = store.configuration.tokenLifetimeSeconds
    let token = try await store.transaction { db, now in
      let token = TokenRecord(
        id: "gAAAAA" + Identifiers.randomHex(bytes: 32), methods: grant.methods,
        userID: SimulatorConfiguration.userName, userName: SimulatorConfiguration.userName,
        projectID: project, projectName: project, issuedAt: now, expiresAt: now + lifetime,
        auditID: Identifiers.auditID(), applicationCredentialID: grant.applicationCredentialID)
      try token.insert(db)
      return token
    }
    let document = TokenDocument(token: token, baseURL: store.endpoint.baseURL)
    return JSONResponse.make(.created, document.body, headers: [.subjectToken: token.id])
  }

  /// `GET /auth/tokens`: the caller's `X-Auth-Token` authorizes looking at `X-Subject-Token`.
  private func validateToken(_ request: Request) async throws -> Response {
    _ = try await requireCallerToken(request)
    guard let subjectID = request.headers[.subjectToken],
      let subject = try await store.validToken(id: subjectID)
    else {
      throw ServiceError.notFound("Could not find token: \(request.headers[.subjectToken] ?? "").")
    }
    let document = TokenDocument(token: subject, baseURL: store.endpoint.baseURL)
    return JSONResponse.make(.ok, document.body, headers: [.subjectToken: subject.id])
  }

  /// `DELETE /auth/tokens`: revokes `X-Subject-Token`.
  private func revokeToken(_ request: Request) async throws -> Response {
    _ = try await requireCallerToken(request)
    guard let subjectID = request.headers[.subjectToken] else {
      throw ServiceError.notFound("Could not find token: .")
    }
    let deleted = try await store.transaction { db, _ in try TokenRecord.deleteOne(db, key: subjectID) }
    guard deleted else { throw ServiceError.notFound("Could not find token: \(subjectID).") }
    return JSONResponse.empty(.noContent)
  }

  private func requireCallerToken(_ request: Request) async throws -> TokenRecord {
    guard let callerID = request.headers[.authToken], let caller = try await store.validToken(id: callerID) else {
      throw ServiceError.unauthenticated
    }
    return caller
  }
}
