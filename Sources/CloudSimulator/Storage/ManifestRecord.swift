import GRDB

/// A plain Kubernetes manifest recorded against a simulated cluster, as `kubectl apply --server-side -f` leaves
/// it: each apply adds a revision.
struct ManifestRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "manifest"

  /// What the latest apply did.
  enum Status: String, Codable, Sendable {
    case applied
    case failed
  }

  var clusterUUID: String
  var name: String
  var revision: Int
  var status: Status
  /// Digest of the manifest file, as the client computed it.
  var sha256: String
  /// The kinds of the objects it holds (`StorageClass`, `Ingress`…).
  var kinds: [String]
  /// Seconds since 1970 of the latest apply.
  var lastApplied: Double
}

// MARK: - Queries

extension ManifestRecord {
  static func all(clusterUUID: String, in db: Database) throws -> [ManifestRecord] {
    try ManifestRecord.filter(Column("clusterUUID") == clusterUUID).order(Column("name")).fetchAll(db)
  }

  static func find(clusterUUID: String, name: String, in db: Database) throws -> ManifestRecord? {
    try ManifestRecord.fetchOne(
      db, cached: "SELECT * FROM \(databaseTableName) WHERE clusterUUID = ? AND name = ?", [clusterUUID, name])
  }
}
