import GRDB

/// A Nova server group: one policy and, for `anti-affinity`, optional rules (`max_server_per_host`).
struct ServerGroupRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "serverGroup"

  var id: String
  var name: String
  var policy: String
  var rules: [String: Int]
  var projectID: String
  var userID: String
  var createdAt: Double
}

// MARK: - Queries

extension ServerGroupRecord {
  static func all(project: String, in db: Database) throws -> [ServerGroupRecord] {
    try ServerGroupRecord.filter(Column("projectID") == project).order(Column("createdAt"), Column.rowID)
      .fetchAll(db)
  }

  /// The project's group with this id; 404 in Nova's words otherwise.
  static func find(_ id: String, project: String, in db: Database) throws -> ServerGroupRecord {
    guard let group = try ServerGroupRecord.fetchOne(db, key: id), group.projectID == project else {
      throw ServiceError.notFound("Instance group \(id) could not be found.")
    }
    return group
  }
}
