import Foundation
import GRDB

/// Snapshots of the state (what is published to object storage and pulled back), and the record of each publication.
extension SQLiteStateStore {
  /// A consistent copy of the whole state, history included, as one SQLite file's bytes: taken in one read
  /// transaction (`VACUUM INTO`), with the lock lease left out (a copy restored elsewhere must not hold this
  /// machine's lock).
  public func snapshot() throws -> StateSnapshot {
    let directory = try PrivateDirectory.make(prefix: "cutover-snapshot")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let copy = directory + "/state.sqlite"
    let applyRunning: Bool
    do {
      // VACUUM INTO runs outside a transaction, and is itself one consistent read.
      applyRunning = try database.inDatabase { db -> Bool in
        try db.execute(sql: "VACUUM INTO ?", arguments: [copy])
        return try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM applies WHERE outcome = 'running')") ?? false
      }
    } catch {
      throw CutoverError.state("cannot copy state \(path): \(Self.describe(error))")
    }
    do {
      let queue = try DatabaseQueue(path: copy)
      try queue.write { db in try db.execute(sql: "DELETE FROM lock") }
      try queue.writeWithoutTransaction { db in try db.execute(sql: "VACUUM") }
      try queue.close()
    } catch {
      throw CutoverError.state("cannot copy state \(path): \(Self.describe(error))")
    }
    guard let data = FileManager.default.contents(atPath: copy) else {
      throw CutoverError.state("cannot read the copy of state \(path)")
    }
    let summary = try Self.summary(ofSnapshot: data, named: "the copy of \(path)")
    return StateSnapshot(
      data: data, version: summary.version, environment: summary.environment, applyRunning: applyRunning)
  }

  /// What a snapshot's bytes hold: its environment and version, read from a private scratch copy.
  /// - Throws: `CutoverError.state` when the bytes are not a Cutover state.
  public static func summary(ofSnapshot data: Data, named name: String) throws -> (
    environment: String, version: StateVersion
  ) {
    let directory = try PrivateDirectory.make(prefix: "cutover-snapshot")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/state.sqlite"
    do {
      try data.write(to: URL(fileURLWithPath: path))
      var configuration = Configuration()
      configuration.readonly = true
      let queue = try DatabaseQueue(path: path, configuration: configuration)
      defer { try? queue.close() }
      return try queue.read { db in
        let meta = try Dictionary(
          uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT key, value FROM meta").map {
            (row: Row) -> (String, String) in (row["key"], row["value"])
          })
        guard let lineage = meta["lineage"], let serial = meta["serial"].flatMap({ Int($0) }),
          let environment = meta["environment"]
        else { throw CutoverError.state("\(name) is not a Cutover state (no lineage, serial or environment)") }
        return (environment, StateVersion(lineage: lineage, serial: serial))
      }
    } catch let error as CutoverError {
      throw error
    } catch {
      throw CutoverError.state("\(name) is not a Cutover state: \(describe(error))")
    }
  }

  /// Replaces the state file at `path` with a snapshot's bytes: written beside it (0600), then renamed over it, and
  /// the old file's write-ahead log removed, so no reader ever sees half of either. Nothing may have `path` open.
  public static func restore(_ data: Data, to path: String) throws {
    let directory = (path as NSString).deletingLastPathComponent
    do {
      try FileManager.default.createDirectory(
        atPath: directory.isEmpty ? "." : directory, withIntermediateDirectories: true)
      let scratch = path + ".pulling"
      try? FileManager.default.removeItem(atPath: scratch)
      try createPrivateFile(at: scratch)
      let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch))
      try handle.write(contentsOf: data)
      try handle.synchronize()
      try handle.close()
      guard rename(scratch, path) == 0 else {
        throw CutoverError.state("cannot replace \(path): \(String(cString: strerror(errno)))")
      }
      for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    } catch let error as CutoverError {
      throw error
    } catch {
      throw CutoverError.state("cannot write \(path): \(error.localizedDescription)")
    }
  }

  /// Folds the write-ahead log into the file and closes it, so the file alone is the whole state (before it is
  /// replaced).
  public func closeForReplacement() throws {
    do {
      _ = try database.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
      try database.close()
    } catch {
      throw CutoverError.state("cannot close state \(path): \(Self.describe(error))")
    }
  }

  // MARK: - Publications

  /// Records an attempt to publish. The serial stays: publishing changes nothing a plan is made from.
  public func recordPublication(_ publication: StatePublication) throws {
    try write(bumpingSerial: false) { db in try Self.insert(publication, in: db) }
  }

  static func insert(_ publication: StatePublication, in db: Database) throws {
    try db.execute(
      sql: """
        INSERT INTO publications (at, user, host, command, serial, container, object, published, detail)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        publication.at.timeIntervalSince1970, publication.user, publication.host, publication.command,
        publication.serial, publication.container, publication.object, publication.published, publication.detail,
      ])
  }

  /// Every recorded publication, oldest first.
  public func publications() throws -> [StatePublication] {
    try read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM publications ORDER BY id").map { row in
        StatePublication(
          at: Date(timeIntervalSince1970: row["at"]), user: row["user"], host: row["host"], command: row["command"],
          serial: row["serial"], container: row["container"], object: row["object"], published: row["published"],
          detail: row["detail"])
      }
    }
  }
}

/// A copy of a whole state, as published.
public struct StateSnapshot: Sendable {
  public var data: Data
  public var version: StateVersion
  public var environment: String
  /// Whether an apply was recorded as running when it was taken.
  public var applyRunning: Bool
}

/// One attempt to publish a snapshot.
public struct StatePublication: Sendable, Equatable {
  public var at: Date
  public var user: String
  public var host: String
  public var command: String
  public var serial: Int
  public var container: String
  /// The snapshot's object, when it was stored.
  public var object: String?
  public var published: Bool
  /// What was published, or why it failed (the status and request id the store gave).
  public var detail: String

  public init(
    at: Date, user: String, host: String, command: String, serial: Int, container: String, object: String?,
    published: Bool, detail: String
  ) {
    self.at = at
    self.user = user
    self.host = host
    self.command = command
    self.serial = serial
    self.container = container
    self.object = object
    self.published = published
    self.detail = detail
  }
}

/// A scratch directory only this user can read.
enum PrivateDirectory {
  static func make(prefix: String) throws -> String {
    let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    var template = Array((base + "/" + prefix + ".XXXXXX").utf8CString)
    guard let made = mkdtemp(&template) else {
      throw CutoverError.state("cannot make a scratch directory in \(base): \(String(cString: strerror(errno)))")
    }
    return String(cString: made)
  }
}
