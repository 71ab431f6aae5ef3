/// Renders a token the way Keystone v3 does: methods, user, project, roles, timestamps and the service catalog.
struct TokenDocument {
  let token: TokenRecord
  let baseURL: String

  /// Region every endpoint is in (Cloud VPS eqiad1).
  static let region = "eqiad1-r"
  static let roles = ["member", "reader"]

  // MARK: - Body

  var body: JSONValue {
    let domain: JSONValue = [
      "id": .string(KeystoneAuthenticator.defaultDomainID), "name": .string(KeystoneAuthenticator.defaultDomainName),
    ]
    var document: [String: JSONValue] = [
      "methods": .strings(token.methods),
      "expires_at": .string(WireTimestamp.keystone(token.expiresAt)),
      "issued_at": .string(WireTimestamp.keystone(token.issuedAt)),
      "audit_ids": .strings([token.auditID]),
      "is_domain": false,
      "user": [
        "id": .string(token.userID), "name": .string(token.userName), "domain": domain, "password_expires_at": .null,
      ],
      "project": ["id": .string(token.projectID), "name": .string(token.projectName), "domain": domain],
      "roles": .array(
        Self.roles.map { ["id": .string(Identifiers.stableHex(for: "role:" + $0)), "name": .string($0)] }),
      "catalog": catalog,
    ]
    if let credentialID = token.applicationCredentialID {
      document["application_credential_restricted"] = true
      document["application_credential"] = [
        "id": .string(credentialID), "name": .string(credentialID), "restricted": true,
      ]
    }
    return ["token": .object(document)]
  }

  // MARK: - Catalog

  /// Identity, container-infra (Magnum), network (Neutron, unversioned like the real entry), compute (Nova,
  /// ending in `/v2.1`), proxy (web proxies, with the literal `$(tenant_id)s` the client substitutes) and object-store
  /// (Swift, the account `AUTH_{project id}` filled in as Keystone fills in `%(tenant_id)s`), each with a public and
  /// an internal endpoint.
  var catalog: JSONValue {
    [
      Self.service(type: "identity", name: "keystone", url: baseURL + "/identity/v3"),
      Self.service(type: "container-infra", name: "magnum", url: baseURL + "/magnum/v1"),
      Self.service(type: "network", name: "neutron", url: baseURL + "/network"),
      Self.service(type: "compute", name: "nova", url: baseURL + "/compute/v2.1"),
      Self.service(type: "proxy", name: "proxy", url: baseURL + "/proxy/v1/$(tenant_id)s"),
      Self.service(type: "object-store", name: "swift", url: baseURL + "/object-store/v1/AUTH_" + token.projectID),
    ]
  }

  private static func service(type: String, name: String, url: String) -> JSONValue {
    let endpoints = ["public", "internal"].map { interface -> JSONValue in
      [
        "id": .string(Identifiers.stableHex(for: "endpoint:\(type):\(interface)")),
        "interface": .string(interface),
        "region": .string(region),
        "region_id": .string(region),
        "url": .string(url),
      ]
    }
    return [
      "type": .string(type),
      "name": .string(name),
      "id": .string(Identifiers.stableHex(for: "service:\(type)")),
      "endpoints": .array(endpoints),
    ]
  }
}
