import GRDB

/// A named, persisted, ever-increasing counter (node address allocation).
struct CounterRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "counter"

  var name: String
  var value: Int

  /// Reserves `count` consecutive values and returns the first one; values are never handed out twice.
  static func reserve(_ count: Int, of name: String, in db: Database) throws -> Int {
    var counter = try CounterRecord.fetchOne(db, key: name) ?? CounterRecord(name: name, value: 0)
    let first = counter.value
    counter.value += count
    try counter.save(db)
    return first
  }
}
