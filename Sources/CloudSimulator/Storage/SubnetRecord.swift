import GRDB

/// A subnet of a simulated network. Whatever its CIDR says, addresses on it are handed out by
/// `NodeAddressAllocator` in 127.0.0.0/8, so every address stays on this machine.
struct SubnetRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "subnet"

  var id: String
  var networkID: String
  var name: String
  var projectID: String
  var ipVersion: Int
  var cidr: String
  var gatewayIP: String?
  var createdAt: Double

  // MARK: - Premade subnets

  static let tenantIPv4 = SubnetRecord(
    id: "a69bdf11-cce4-4a0a-9f1e-9e27fa7bc3b4", networkID: NetworkRecord.tenant.id,
    name: "VXLAN/IPv6-dualstack-subnet-v4", projectID: "admin", ipVersion: 4, cidr: "127.0.0.0/8",
    gatewayIP: "127.0.0.254", createdAt: 1_700_000_000)
  static let externalIPv4 = SubnetRecord(
    id: "3ac9b1f8-6a1e-4bd1-bb2b-0a6b0ad0c3e7", networkID: NetworkRecord.external.id,
    name: "wan-transport-eqiad-v4", projectID: "admin", ipVersion: 4, cidr: "127.0.0.0/8",
    gatewayIP: "127.0.0.253", createdAt: 1_700_000_000)
}

// MARK: - Queries

extension SubnetRecord {
  static func all(network: String, in db: Database) throws -> [SubnetRecord] {
    try SubnetRecord.filter(Column("networkID") == network).order(Column("createdAt"), Column.rowID).fetchAll(db)
  }
}
