import Foundation
import GRDB

/// A Magnum cluster as persisted: its shape plus the timestamps its status is derived from
/// (see `ClusterLifecycle`). Nothing ever rewrites a status; time alone moves a cluster along.
struct ClusterRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "cluster"

  var uuid: String
  var name: String
  var clusterTemplateID: String
  var stackID: String
  var masterCount: Int
  var nodeCount: Int
  var createTimeout: Int
  var keypair: String?
  var flavorID: String?
  var masterFlavorID: String?
  var dockerVolumeSize: Int?
  var discoveryURL: String?
  var labels: [String: String]
  var masterAddresses: [String]
  var nodeAddresses: [String]
  /// Seconds since 1970 when the create request was accepted.
  var createdAt: Double
  /// When the create finishes (`createdAt` + build time).
  var createFinishesAt: Double
  /// Whether the create ends in `CREATE_FAILED` (fault injection).
  var failsOnCreate: Bool
  /// The latest resize: when it was accepted and when it finishes.
  var updateStartedAt: Double?
  var updateFinishesAt: Double?
  /// The delete: when it was accepted and when the cluster is gone.
  var deleteStartedAt: Double?
  var deleteFinishesAt: Double?
}

// MARK: - Queries

extension ClusterRecord {
  /// Clusters whose delete has not finished, oldest first.
  static func existing(at now: Double, in db: Database) throws -> [ClusterRecord] {
    try ClusterRecord.order(Column("createdAt"), Column.rowID).fetchAll(db).filter { !$0.lifecycle(at: now).isGone }
  }

  /// Removes clusters whose delete has finished, and, as the web-proxy service does when instances go away,
  /// scrubs their addresses from every route, deleting routes left with no backend.
  static func purgeFinishedDeletions(at now: Double, in db: Database) throws {
    // Asked first without reading rows: every transaction asks, and almost always nothing has finished.
    let any = try Bool.fetchOne(
      db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM \(databaseTableName) WHERE deleteFinishesAt <= ?)"),
      arguments: [now])
    guard any == true else { return }
    let finished = try ClusterRecord.fetchAll(
      db, cached: "SELECT * FROM \(databaseTableName) WHERE deleteFinishesAt <= ?", [now])
    for cluster in finished {
      try ProxyRouteRecord.scrubBackends(onHosts: Set(cluster.masterAddresses + cluster.nodeAddresses), in: db)
      try cluster.delete(db)
    }
  }
}

// MARK: - Reading a row

extension ClusterRecord {
  /// Read column by column, not through `Decodable`: every Magnum and Kubernetes request looks its cluster up, and
  /// the generic row decoder was most of that. The lists and labels are JSON text, as `Encodable` wrote them.
  init(row: Row) throws {
    uuid = row["uuid"]
    name = row["name"]
    clusterTemplateID = row["clusterTemplateID"]
    stackID = row["stackID"]
    masterCount = row["masterCount"]
    nodeCount = row["nodeCount"]
    createTimeout = row["createTimeout"]
    keypair = row["keypair"]
    flavorID = row["flavorID"]
    masterFlavorID = row["masterFlavorID"]
    dockerVolumeSize = row["dockerVolumeSize"]
    discoveryURL = row["discoveryURL"]
    labels = try Self.decodeJSON(row["labels"])
    masterAddresses = try Self.decodeJSON(row["masterAddresses"])
    nodeAddresses = try Self.decodeJSON(row["nodeAddresses"])
    createdAt = row["createdAt"]
    createFinishesAt = row["createFinishesAt"]
    failsOnCreate = row["failsOnCreate"]
    updateStartedAt = row["updateStartedAt"]
    updateFinishesAt = row["updateFinishesAt"]
    deleteStartedAt = row["deleteStartedAt"]
    deleteFinishesAt = row["deleteFinishesAt"]
  }

  private static func decodeJSON<T: Decodable>(_ text: String) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(text.utf8))
  }
}
