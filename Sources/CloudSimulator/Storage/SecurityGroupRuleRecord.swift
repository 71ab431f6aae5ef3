import GRDB

/// One rule of a security group. Rules have no update in Neutron: only create and delete.
struct SecurityGroupRuleRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "securityGroupRule"

  var id: String
  var securityGroupID: String
  var direction: String
  var ethertype: String
  var `protocol`: String?
  var portRangeMin: Int?
  var portRangeMax: Int?
  var remoteIPPrefix: String?
  var remoteGroupID: String?
  var description: String
  var projectID: String
  var revisionNumber: Int
  var createdAt: Double
  var updatedAt: Double

  /// Whether two rules allow the same traffic (Neutron refuses such a duplicate with 409).
  func isDuplicate(of other: SecurityGroupRuleRecord) -> Bool {
    securityGroupID == other.securityGroupID && direction == other.direction && ethertype == other.ethertype
      && `protocol` == other.protocol && portRangeMin == other.portRangeMin && portRangeMax == other.portRangeMax
      && remoteIPPrefix == other.remoteIPPrefix && remoteGroupID == other.remoteGroupID
  }
}

// MARK: - Queries

extension SecurityGroupRuleRecord {
  static func all(group: String, in db: Database) throws -> [SecurityGroupRuleRecord] {
    try SecurityGroupRuleRecord.filter(Column("securityGroupID") == group).order(Column("createdAt"), Column.rowID)
      .fetchAll(db)
  }
}
