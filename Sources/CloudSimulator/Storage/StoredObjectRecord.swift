import Crypto
import Foundation
import GRDB

/// A container of the object store (Swift API): its project's account, its name and its read ACL.
struct ObjectContainerRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "objectContainer"

  var project: String
  var name: String
  /// `X-Container-Read` as set (`.r:*,.rlistings` makes it public); nil when none is.
  var readACL: String?
  var createdAt: Double
}

/// An object of the object store, its bytes held in the simulated cloud's database.
struct StoredObjectRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "storedObject"

  var project: String
  var container: String
  var name: String
  var data: Data
  /// The MD5 of the bytes, in hex: Swift's `ETag`.
  var etag: String
  var contentType: String
  /// `X-Object-Meta-*` headers, by their name after the prefix (lower-case).
  var metadata: [String: String]
  var lastModified: Double

  static func etag(of data: Data) -> String {
    Insecure.MD5.hash(data: data).map { String(format: "%02x", $0) }.joined()
  }
}

// MARK: - Queries

extension ObjectContainerRecord {
  static func find(project: String, name: String, in db: Database) throws -> ObjectContainerRecord? {
    try ObjectContainerRecord.fetchOne(db, key: ["project": project, "name": name])
  }

  static func all(project: String, in db: Database) throws -> [ObjectContainerRecord] {
    try ObjectContainerRecord.filter(Column("project") == project).order(Column("name")).fetchAll(db)
  }
}

extension StoredObjectRecord {
  static func find(project: String, container: String, name: String, in db: Database) throws -> StoredObjectRecord? {
    try StoredObjectRecord.fetchOne(db, key: ["project": project, "container": container, "name": name])
  }

  /// Name, size, ETag, type and time of every object in a container, in name order, without their bytes.
  static func listing(project: String, container: String, in db: Database) throws -> [ObjectListing] {
    try Row.fetchAll(
      db,
      sql: """
        SELECT name, length(data) AS bytes, etag, contentType, lastModified FROM \(databaseTableName)
        WHERE project = ? AND container = ? ORDER BY name
        """, arguments: [project, container]
    ).map { row in
      ObjectListing(
        name: row["name"], bytes: row["bytes"], etag: row["etag"], contentType: row["contentType"],
        lastModified: row["lastModified"])
    }
  }

  /// The object count and bytes of each container of a project.
  static func usage(project: String, in db: Database) throws -> [String: (count: Int, bytes: Int)] {
    var usage: [String: (count: Int, bytes: Int)] = [:]
    let rows = try Row.fetchAll(
      db,
      sql: """
        SELECT container, count(*) AS count, coalesce(sum(length(data)), 0) AS bytes FROM \(databaseTableName)
        WHERE project = ? GROUP BY container
        """, arguments: [project])
    for row in rows { usage[row["container"]] = (row["count"], row["bytes"]) }
    return usage
  }
}

/// One line of a container listing.
struct ObjectListing: Sendable {
  var name: String
  var bytes: Int
  var etag: String
  var contentType: String
  var lastModified: Double
}
