import Foundation
import GRDB

/// The SQLite state of one environment: lineage and serial, the recorded resources, the journal of every apply and
/// action, and the lock lease. Every write is its own transaction, so what is committed is always true, and every
/// transaction that changes what is recorded bumps the serial in the same transaction, so a plan saved before it is
/// stale (the lock lease's own upkeep and a verification's record aside: a plan is made from neither).
public final class SQLiteStateStore: StateReading {
  public let path: String
  public let environment: String
  public var location: String { path }
  let database: DatabaseQueue

  /// Opens (and if needed creates, mode 0600) the state database and migrates it to the current schema.
  /// - Throws: `CutoverError.state` when the file cannot be opened or migrated.
  public init(path: String, environment: String) throws {
    self.path = path
    self.environment = environment
    do {
      try Self.createPrivateFile(at: path)
      var configuration = Configuration()
      // What a write replaces is overwritten on disk, not left in free pages: a digest replaced by a keyed one is gone.
      configuration.prepareDatabase { db in
        try db.execute(sql: "PRAGMA secure_delete = ON")
        // Pages read through a mapping rather than a read(2) each: a third of reading a 10,000-object state was
        // system time.
        try db.execute(sql: "PRAGMA mmap_size = 268435456")
      }
      configuration.journalMode = .wal
      configuration.busyMode = .timeout(10)
      configuration.label = "cutover.state"
      database = try DatabaseQueue(path: path, configuration: configuration)
      // Read first: only a state that needs migrating or is new takes a write, so opening one (every command) does
      // not wait for another run's journal write.
      if try !database.read({ db in try StateSchema.migrator.hasCompletedMigrations(db) }) {
        try StateSchema.migrator.migrate(database)
      }
      let lineage = try database.read { db in
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'lineage'")
      }
      if lineage == nil {
        try database.write { db in
          guard try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'lineage'") == nil else { return }
          try db.execute(
            sql: """
              INSERT INTO meta (key, value) VALUES ('lineage', ?), ('serial', '0'), ('environment', ?),
                ('digests', 'keyed')
              """,
            arguments: [UUID().uuidString.lowercased(), environment])
        }
      }
      for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
        chmod(path + suffix, 0o600)
      }
    } catch let error as CutoverError {
      throw error
    } catch {
      throw CutoverError.state("cannot open state \(path): \(Self.describe(error))")
    }
  }

  /// Whether a state file exists for the environment yet.
  public static func exists(at path: String) -> Bool {
    FileManager.default.fileExists(atPath: path)
  }

  static func createPrivateFile(at path: String) throws {
    let directory = (path as NSString).deletingLastPathComponent
    if !directory.isEmpty {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }
    let descriptor = open(path, O_CREAT | O_WRONLY, 0o600)
    guard descriptor >= 0 else {
      throw CutoverError.state("cannot create state \(path): \(String(cString: strerror(errno)))")
    }
    close(descriptor)
  }

  // MARK: - Lineage and serial

  /// The environment's lineage (set when the state was created) and serial (bumped by every change to what is
  /// recorded).
  public func version() throws -> StateVersion {
    try read { db in
      let rows = try Row.fetchAll(db, sql: "SELECT key, value FROM meta")
      var values: [String: String] = [:]
      for row in rows { values[row["key"]] = row["value"] }
      return StateVersion(lineage: values["lineage"] ?? "", serial: Int(values["serial"] ?? "0") ?? 0)
    }
  }

  // MARK: - Resources

  /// Every recorded object, current ones and deposed ones awaiting deletion, sorted by address.
  public func resources() throws -> [RecordedResource] {
    try read { db in
      let rows = try Row.fetchCursor(
        db, sql: "SELECT \(RecordedResource.rowColumns) FROM resources ORDER BY address, deposed")
      var resources: [RecordedResource] = []
      while let row = try rows.next() { resources.append(try Self.resource(from: row)) }
      return resources
    }
  }

  /// The object at an address: the current one, or with `deposedKey` a deposed one.
  public func resource(_ address: ResourceAddress, deposedKey: String? = nil) throws -> RecordedResource? {
    try read { db in try Self.resource(address, deposedKey: deposedKey, in: db) }
  }

  static func resource(_ address: ResourceAddress, deposedKey: String?, in db: Database) throws
    -> RecordedResource?
  {
    try Row.fetchOne(
      db.cachedStatement(
        sql: "SELECT \(RecordedResource.rowColumns) FROM resources WHERE address = ? AND deposed = ?"),
      arguments: [address.description, deposedKey ?? ""]
    ).map(Self.resource(from:))
  }

  /// The object of a row of ``RecordedResource/rowColumns``.
  static func resource(from row: Row) throws -> RecordedResource {
    try RecordedResource.fromRow(
      address: row[0], deposed: row[1], remoteID: row[2], attributes: row[3], dependencies: row[4], status: row[5],
      fingerprint: row[6])
  }

  /// Writes the object's row whole; the row's `fingerprint` is left NULL, as every write but an apply's record of a
  /// converged generation must leave it.
  static func upsert(_ resource: RecordedResource, in db: Database) throws {
    let columns = resource.jsonColumns
    try db.run(
      cached: """
        INSERT OR REPLACE INTO resources (address, deposed, type, remote_id, attributes, dependencies, status, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """,
      [
        resource.address.description, resource.deposedKey ?? "", resource.address.type, resource.remoteID,
        columns.attributes, columns.dependencies, resource.status.rawValue, Date().timeIntervalSince1970,
      ])
  }

  // MARK: - Access

  func read<T>(_ body: (Database) throws -> T) throws -> T {
    do {
      return try database.read(body)
    } catch let error as CutoverError {
      throw error
    } catch {
      throw CutoverError.state("cannot read state \(path): \(Self.describe(error))")
    }
  }

  /// Runs `body` in one immediate transaction. When `bumpingSerial` and the body changed a row, the serial goes up
  /// in the same transaction: one mechanism, so no writer of recorded state can forget it. Only the lock lease's
  /// upkeep (take, beat, give back) and a verification's record leave the serial alone.
  func write<T>(bumpingSerial: Bool = true, _ body: (Database) throws -> T) throws -> T {
    do {
      return try database.writeWithoutTransaction { db in
        var result: T?
        try db.inTransaction(.immediate) {
          let changesBefore = db.totalChangesCount
          result = try body(db)
          if bumpingSerial, db.totalChangesCount > changesBefore {
            try db.run(cached: "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'serial'")
          }
          return .commit
        }
        return result!
      }
    } catch let error as CutoverError {
      throw error
    } catch {
      throw CutoverError.state("cannot write state \(path): \(Self.describe(error))")
    }
  }

  static func describe(_ error: any Error) -> String {
    if let error = error as? DatabaseError { return error.message ?? error.description }
    return String(describing: error)
  }
}

/// The lineage and serial a saved plan is checked against.
public struct StateVersion: Sendable, Equatable, Codable {
  public var lineage: String
  public var serial: Int

  public init(lineage: String, serial: Int) {
    self.lineage = lineage
    self.serial = serial
  }
}

extension Database {
  /// Runs `sql` from the statement this connection compiled the first time: the journal writes the same few
  /// statements for every action, and compiling one cost more than running it.
  func run(cached sql: String, _ arguments: StatementArguments = StatementArguments()) throws {
    try cachedStatement(sql: sql).execute(arguments: arguments)
  }
}
