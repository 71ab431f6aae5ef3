import GRDB

/// A Helm release recorded against a simulated cluster, as `helm upgrade --install` leaves it: every install or
/// upgrade adds a revision, whatever changed.
struct ReleaseRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "release"

  /// Helm's release statuses that the simulator produces.
  enum Status: String, Codable, Sendable {
    case deployed
    case failed
  }

  var clusterUUID: String
  var namespace: String
  var name: String
  var revision: Int
  var status: Status
  var chart: String
  var version: String?
  /// Digest of the values files, in order, as the client computed it.
  var valuesSHA256: String
  /// Digest of the `set:` values, if any.
  var setSHA256: String?
  var wait: Bool
  /// Seconds since 1970 of the latest install or upgrade.
  var lastDeployed: Double
}

// MARK: - Queries

extension ReleaseRecord {
  static func all(clusterUUID: String, namespace: String?, in db: Database) throws -> [ReleaseRecord] {
    var request = ReleaseRecord.filter(Column("clusterUUID") == clusterUUID)
    if let namespace {
      request = request.filter(Column("namespace") == namespace)
    }
    return try request.order(Column("namespace"), Column("name")).fetchAll(db)
  }

  static func find(clusterUUID: String, namespace: String, name: String, in db: Database) throws -> ReleaseRecord? {
    try ReleaseRecord.fetchOne(
      db, cached: "SELECT * FROM \(databaseTableName) WHERE clusterUUID = ? AND namespace = ? AND name = ?",
      [clusterUUID, namespace, name])
  }

  /// Whether a release named `name` is deployed, in any namespace, on the cluster.
  static func isDeployed(name: String, clusterUUID: String, in db: Database) throws -> Bool {
    try ReleaseRecord.filter(
      Column("clusterUUID") == clusterUUID && Column("name") == name && Column("status") == Status.deployed.rawValue
    ).fetchCount(db) > 0
  }
}
