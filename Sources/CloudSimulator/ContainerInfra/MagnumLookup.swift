import GRDB

/// Finds Magnum resources by uuid or by name, as Magnum does: a uuid-like identifier is a uuid, anything else
/// a name, and a name shared by several resources is ambiguous (409).
enum MagnumLookup {
  // MARK: - Cluster templates

  static func template(_ identifier: String, in db: Database) throws -> ClusterTemplateRecord {
    let matches: [ClusterTemplateRecord]
    if Identifiers.isUUIDLike(identifier) {
      matches = try ClusterTemplateRecord.fetchAll(
        db, cached: "SELECT * FROM \(ClusterTemplateRecord.databaseTableName) WHERE uuid = ?", [identifier.lowercased()]
      )
    } else {
      matches = try ClusterTemplateRecord.fetchAll(
        db, cached: "SELECT * FROM \(ClusterTemplateRecord.databaseTableName) WHERE name = ?", [identifier])
    }
    guard matches.count <= 1 else {
      throw ServiceError(
        .conflict, "Multiple cluster templates exist with same name. Please use the cluster template uuid instead.")
    }
    guard let template = matches.first else {
      throw ServiceError.notFound("ClusterTemplate \(identifier) could not be found.")
    }
    return template
  }

  // MARK: - Clusters

  /// A cluster that still exists at `now` (one being deleted is found; one whose delete finished is not).
  static func cluster(_ identifier: String, at now: Double, in db: Database) throws -> ClusterRecord {
    let candidates: [ClusterRecord]
    if Identifiers.isUUIDLike(identifier) {
      candidates = try ClusterRecord.fetchAll(
        db, cached: "SELECT * FROM \(ClusterRecord.databaseTableName) WHERE uuid = ?", [identifier.lowercased()])
    } else {
      candidates = try ClusterRecord.fetchAll(
        db, cached: "SELECT * FROM \(ClusterRecord.databaseTableName) WHERE name = ?", [identifier])
    }
    let matches = candidates.filter { !$0.lifecycle(at: now).isGone }
    guard matches.count <= 1 else {
      throw ServiceError(.conflict, "Multiple clusters exist with same name. Please use the cluster uuid instead.")
    }
    guard let cluster = matches.first else {
      throw ServiceError.notFound("Cluster \(identifier) could not be found.")
    }
    return cluster
  }
}
