import GRDB

/// A cluster's certificate authority as persisted: the self-signed CA certificate Magnum shows and the private
/// key it signs client certificates with, both PEM. Created on first use; deleted with its cluster.
struct CertificateAuthorityRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "clusterCertificateAuthority"

  var clusterUUID: String
  var certificatePEM: String
  var privateKeyPEM: String
  /// Seconds since 1970 when the CA was made.
  var createdAt: Double
}

// MARK: - Queries

extension CertificateAuthorityRecord {
  /// The cluster's CA, made and stored now if the cluster has none yet.
  static func forCluster(_ cluster: ClusterRecord, at now: Double, in db: Database) throws
    -> CertificateAuthorityRecord
  {
    if let existing = try CertificateAuthorityRecord.fetchOne(
      db, cached: "SELECT * FROM \(databaseTableName) WHERE clusterUUID = ?", [cluster.uuid])
    {
      return existing
    }
    let authority = try ClusterCertificateAuthority.make(clusterName: cluster.name, at: now)
    let record = CertificateAuthorityRecord(
      clusterUUID: cluster.uuid, certificatePEM: authority.certificatePEM, privateKeyPEM: authority.privateKeyPEM,
      createdAt: now)
    try record.insert(db)
    return record
  }
}
