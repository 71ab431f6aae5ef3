import GRDB

/// A Neutron port as persisted: its addresses, allowed address pairs and security groups (JSON columns).
struct PortRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "port"

  var id: String
  var name: String
  var networkID: String
  var projectID: String
  var macAddress: String
  var fixedIPs: [FixedIP]
  var allowedAddressPairs: [AddressPair]
  var securityGroups: [String]
  var description: String
  var deviceID: String
  var deviceOwner: String
  var adminStateUp: Bool
  var revisionNumber: Int
  var createdAt: Double
  var updatedAt: Double

  /// One address on one subnet.
  struct FixedIP: Codable, Sendable, Equatable {
    var subnetID: String
    var ipAddress: String
  }

  /// An extra address (or CIDR) the port may use, with the MAC it goes with.
  struct AddressPair: Codable, Sendable, Equatable {
    var ipAddress: String
    var macAddress: String
  }
}

// MARK: - Queries

extension PortRecord {
  static func all(project: String, in db: Database) throws -> [PortRecord] {
    try PortRecord.filter(Column("projectID") == project).order(Column("createdAt"), Column.rowID).fetchAll(db)
  }

  /// The project's port with this id; 404 in Neutron's words otherwise.
  static func find(_ id: String, project: String, in db: Database) throws -> PortRecord {
    guard let port = try PortRecord.fetchOne(db, key: id), port.projectID == project else {
      throw ServiceError.neutron(.notFound, "PortNotFound", "Port \(id) could not be found.")
    }
    return port
  }

  /// Whether any port on the network holds this address.
  static func isAddressInUse(_ address: String, network: String, in db: Database) throws -> Bool {
    try PortRecord.filter(Column("networkID") == network).fetchAll(db)
      .contains { $0.fixedIPs.contains { $0.ipAddress == address } }
  }
}
