import Foundation

// MARK: - KeystoneToken

/// A Keystone v3 token: its value (from `X-Subject-Token`), expiry, project and service catalog.
struct KeystoneToken: Sendable {
  var value: String
  var expiresAt: Date?
  var projectID: String?
  var projectName: String?
  var catalog: ServiceCatalog

  /// Whether the token should be replaced before use: it expires within `margin`.
  func isExpiring(within margin: TimeInterval, now: Date = Date()) -> Bool {
    guard let expiresAt else { return false }
    return expiresAt.timeIntervalSince(now) < margin
  }

  // MARK: - Request bodies

  /// The `POST /auth/tokens` body for an authentication method. Application credentials carry no scope
  /// (Keystone rejects a scoped application-credential request); passwords are scoped to the project.
  static func requestBody(for auth: CloudConfig.Auth) throws -> Data {
    let body: [String: Any]
    switch auth {
    case .applicationCredential(let id, let name, let secret, let userName, let userID, let userDomainName):
      var credential: [String: Any] = ["secret": secret]
      if let id {
        credential["id"] = id
      } else {
        credential["name"] = name ?? ""
        var user: [String: Any] = [:]
        if let userID {
          user["id"] = userID
        } else {
          user["name"] = userName ?? ""
          user["domain"] = ["name": userDomainName ?? "Default"]
        }
        credential["user"] = user
      }
      body = [
        "auth": [
          "identity": ["methods": ["application_credential"], "application_credential": credential]
        ]
      ]
    case .password(
      let username, let password, let userDomainName, let projectName, let projectID,
      let projectDomainName):
      let identity: [String: Any] = [
        "methods": ["password"],
        "password": ["user": ["name": username, "password": password, "domain": ["name": userDomainName]]],
      ]
      var auth: [String: Any] = ["identity": identity]
      if let projectID {
        auth["scope"] = ["project": ["id": projectID]]
      } else if let projectName {
        auth["scope"] = ["project": ["name": projectName, "domain": ["name": projectDomainName]]]
      }
      body = ["auth": auth]
    case .storageToken:
      throw OpenStackError(
        service: "keystone", method: "POST", path: "/auth/tokens", status: nil,
        message: "a storage token (OS_AUTH_TOKEN with OS_STORAGE_URL) reaches only the object store",
        kind: .configuration)
    }
    return try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
  }

  // MARK: - Response

  /// Reads a `POST /auth/tokens` response body; `value` comes from the `X-Subject-Token` header.
  init(value: String, responseBody: Data) throws {
    let envelope = try JSONDecoder().decode(TokenEnvelope.self, from: responseBody)
    self.value = value
    self.expiresAt = envelope.token.expiresAt.flatMap(Self.parseTimestamp)
    self.projectID = envelope.token.project?.id
    self.projectName = envelope.token.project?.name
    self.catalog = ServiceCatalog(services: envelope.token.catalog ?? [])
  }

  init(value: String, expiresAt: Date?, projectID: String?, projectName: String? = nil, catalog: ServiceCatalog) {
    self.value = value
    self.expiresAt = expiresAt
    self.projectID = projectID
    self.projectName = projectName
    self.catalog = catalog
  }

  /// Parses Keystone's ISO 8601 timestamps, with or without fractional seconds (`2018-01-15T22:14:05.000000Z`).
  static func parseTimestamp(_ text: String) -> Date? {
    let withoutFraction = text.replacingOccurrences(of: #"\.\d+"#, with: "", options: .regularExpression)
    let hasZone = withoutFraction.range(of: #"(Z|[+-]\d\d:?\d\d)$"#, options: .regularExpression) != nil
    let normalized = hasZone ? withoutFraction : withoutFraction + "Z"
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.date(from: normalized)
  }

  // MARK: - Wire shapes

  private struct TokenEnvelope: Decodable {
    var token: TokenBody
  }

  private struct TokenBody: Decodable {
    var expiresAt: String?
    var project: Project?
    var catalog: [ServiceCatalog.Service]?

    enum CodingKeys: String, CodingKey {
      case expiresAt = "expires_at"
      case project
      case catalog
    }
  }

  private struct Project: Decodable {
    var id: String
    var name: String?
  }
}
