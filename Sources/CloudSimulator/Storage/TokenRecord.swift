import GRDB

/// A Keystone token the simulated cloud issued, persisted so it stays valid across processes until it expires.
struct TokenRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "token"

  /// The opaque token string clients send as `X-Auth-Token`.
  var id: String
  /// Keystone auth methods used (`password` or `application_credential`).
  var methods: [String]
  var userID: String
  var userName: String
  var projectID: String
  var projectName: String
  /// Seconds since 1970.
  var issuedAt: Double
  /// Seconds since 1970.
  var expiresAt: Double
  /// Keystone's audit id (22 characters of URL-safe base64).
  var auditID: String
  /// Set when the token came from an application credential.
  var applicationCredentialID: String?

  func isValid(at now: Double) -> Bool {
    now < expiresAt
  }
}

// MARK: - Queries

extension TokenRecord {
  /// The token with this id, if it exists and has not expired.
  static func valid(id: String, at now: Double, in db: Database) throws -> TokenRecord? {
    guard let token = try TokenRecord.fetchOne(db, cached: "SELECT * FROM \(databaseTableName) WHERE id = ?", [id]),
      token.isValid(at: now)
    else { return nil }
    return token
  }

  /// Whether the token with this id is still stored (not revoked) and unexpired, read without decoding it.
  static func stillValid(id: String, at now: Double, in db: Database) throws -> Bool {
    let expiresAt = try Double.fetchOne(
      db.cachedStatement(sql: "SELECT expiresAt FROM \(databaseTableName) WHERE id = ?"), arguments: [id])
    return expiresAt.map { now < $0 } ?? false
  }

  /// Forgets tokens that expired more than a day ago, so the table does not grow forever.
  static func purgeLongExpired(at now: Double, in db: Database) throws {
    try db.cachedStatement(sql: "DELETE FROM \(databaseTableName) WHERE expiresAt < ?").execute(arguments: [
      now - 86_400
    ])
  }
}
