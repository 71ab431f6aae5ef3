import GRDB

/// A Neutron security group; its rules are `SecurityGroupRuleRecord`s, deleted with it.
struct SecurityGroupRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "securityGroup"

  var id: String
  var name: String
  var description: String
  var projectID: String
  var revisionNumber: Int
  var createdAt: Double
  var updatedAt: Double
}

// MARK: - Queries

extension SecurityGroupRecord {
  static func all(project: String, in db: Database) throws -> [SecurityGroupRecord] {
    try SecurityGroupRecord.filter(Column("projectID") == project).order(Column("createdAt"), Column.rowID)
      .fetchAll(db)
  }

  /// The project's group with this id; 404 in Neutron's words otherwise.
  static func find(_ id: String, project: String, in db: Database) throws -> SecurityGroupRecord {
    guard let group = try SecurityGroupRecord.fetchOne(db, key: id), group.projectID == project else {
      throw ServiceError.neutron(.notFound, "SecurityGroupNotFound", "Security group \(id) does not exist")
    }
    return group
  }
}
