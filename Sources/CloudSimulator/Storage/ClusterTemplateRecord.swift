import Foundation
import GRDB

/// A Magnum cluster template. Its attributes (everything but the server-set fields) live as one JSON object.
struct ClusterTemplateRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "clusterTemplate"

  var uuid: String
  var name: String
  /// JSON object of the template's attributes (`coe`, `image_id`, `labels`, …) without `uuid`, `name`,
  /// `created_at`, `updated_at` and `links`.
  var attributes: String
  var createdAt: Double
  var updatedAt: Double?

  var attributeValues: [String: JSONValue] {
    get { JSONValue.parse(Data(attributes.utf8))?.objectValue ?? [:] }
    set { attributes = JSONValue.object(newValue).serializedString() }
  }
}

// MARK: - Queries

extension ClusterTemplateRecord {
  /// All templates, oldest first.
  static func all(in db: Database) throws -> [ClusterTemplateRecord] {
    try ClusterTemplateRecord.order(Column("createdAt"), Column.rowID).fetchAll(db)
  }

  /// Whether a cluster that still exists (including one being deleted) was built from this template.
  func isReferenced(in db: Database) throws -> Bool {
    try ClusterRecord.filter(Column("clusterTemplateID") == uuid).fetchCount(db) > 0
  }
}
