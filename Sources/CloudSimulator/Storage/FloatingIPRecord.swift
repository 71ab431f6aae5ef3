import GRDB

/// A Neutron floating IP: an address on the external network, NAT'd to a port's fixed address when associated.
struct FloatingIPRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "floatingIP"

  var id: String
  var floatingNetworkID: String
  var floatingIPAddress: String
  var portID: String?
  var fixedIPAddress: String?
  var projectID: String
  var description: String
  var revisionNumber: Int
  var createdAt: Double
  var updatedAt: Double
}

// MARK: - Queries

extension FloatingIPRecord {
  static func all(project: String, in db: Database) throws -> [FloatingIPRecord] {
    try FloatingIPRecord.filter(Column("projectID") == project).order(Column("createdAt"), Column.rowID)
      .fetchAll(db)
  }

  /// The project's floating IP with this id; 404 in Neutron's words otherwise.
  static func find(_ id: String, project: String, in db: Database) throws -> FloatingIPRecord {
    guard let floatingIP = try FloatingIPRecord.fetchOne(db, key: id), floatingIP.projectID == project else {
      throw ServiceError.neutron(.notFound, "FloatingIPNotFound", "Floating IP \(id) could not be found")
    }
    return floatingIP
  }
}
