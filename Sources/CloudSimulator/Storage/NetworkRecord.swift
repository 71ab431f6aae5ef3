import GRDB

/// A Neutron network. The simulator has two, made by the schema migration: PAWS's tenant network and the
/// external network floating IPs come from; nothing creates or deletes networks over the API.
struct NetworkRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "network"

  var id: String
  var name: String
  var projectID: String
  var isShared: Bool
  var isExternal: Bool
  var mtu: Int
  var description: String
  var createdAt: Double

  // MARK: - Premade networks

  /// The VXLAN tenant network every Cloud VPS project's instances (and PAWS's cluster) live on.
  static let tenant = NetworkRecord(
    id: "7425e328-560c-4f00-8e99-706f3fb90bb4", name: "VXLAN/IPv6-dualstack", projectID: "admin", isShared: true,
    isExternal: false, mtu: 8950, description: "", createdAt: 1_700_000_000)
  /// The external network floating IPs are allocated on.
  static let external = NetworkRecord(
    id: "5c9ee953-3a19-4e84-be0f-069b5da75123", name: "wan-transport-eqiad", projectID: "admin", isShared: false,
    isExternal: true, mtu: 1500, description: "", createdAt: 1_700_000_000)
}

// MARK: - Queries

extension NetworkRecord {
  /// Whether a project may see and use the network (its own, shared ones and external ones).
  func isVisible(to project: String) -> Bool {
    isShared || isExternal || projectID == project
  }

  static func visible(to project: String, in db: Database) throws -> [NetworkRecord] {
    try NetworkRecord.order(Column("createdAt"), Column.rowID).fetchAll(db).filter { $0.isVisible(to: project) }
  }
}
