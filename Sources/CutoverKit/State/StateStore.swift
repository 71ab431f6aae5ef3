import Foundation
import GRDB

/// The SQLite state of one environment: lineage and serial, the recorded resources, the journal of every apply and
/// action, and the lock lease. Every write is its own transaction, so what is committed is always true, and every
/// transaction that changes what is recorded bumps the serial in the same transaction, so a plan saved before it is
/// stale (the lock lease's own upkeep and a verification's record aside: a plan is made from neither).
public final class StateStore: Sendable {
  public let path: String
  public let environment: String
  private let database: DatabaseQueue

  /// Opens (and if needed creates, mode 0600) the state database and migrates it to the current schema.
  /// - Throws: `CutoverError.state` when the file cannot be opened or migrated.
  public init(path: String, environment: String) throws {
    self.path = path
    self.environment = environment
    do {
      try Self.createPrivateFile(at: path)
      var configuration = Configuration()
      // What a write replaces is overwritten on disk, not left in free pages: a digest replaced by a keyed one is gone.
      configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA secure_delete = ON") }
      configuration.journalMode = .wal
      configuration.busyMode = .timeout(10)
      configuration.label = "cutover.state"
      database = try DatabaseQueue(path: path, configuration: configuration)
      try StateSchema.migrator.migrate(database)
      try database.write { db in
        if try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'lineage'") == nil {
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

  private static func createPrivateFile(at path: String) throws {
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
      try Row.fetchAll(db, sql: "SELECT * FROM resources ORDER BY address, deposed").map(Self.resource(from:))
    }
  }

  /// The object at an address: the current one, or with `deposedKey` a deposed one.
  public func resource(_ address: ResourceAddress, deposedKey: String? = nil) throws -> RecordedResource? {
    try read { db in try Self.resource(address, deposedKey: deposedKey, in: db) }
  }

  private static func resource(_ address: ResourceAddress, deposedKey: String?, in db: Database) throws
    -> RecordedResource?
  {
    try Row.fetchOne(
      db, sql: "SELECT * FROM resources WHERE address = ? AND deposed = ?",
      arguments: [address.description, deposedKey ?? ""]
    ).map(Self.resource(from:))
  }

  private static func resource(from row: Row) throws -> RecordedResource {
    let addressText: String = row["address"]
    guard let address = ResourceAddress(parsing: addressText) else {
      throw CutoverError.state("state holds a malformed address '\(addressText)'")
    }
    let attributesText: String = row["attributes"]
    let dependenciesText: String = row["dependencies"]
    let deposed: String = row["deposed"]
    guard let attributes = try? Value(json: attributesText.utf8).mapValue,
      let dependencies = try? Value(json: dependenciesText.utf8).stringList?.compactMap(ResourceAddress.init(parsing:))
    else {
      throw CutoverError.state("state holds unreadable attributes for \(addressText)")
    }
    return RecordedResource(
      address: address,
      remoteID: row["remote_id"],
      attributes: attributes,
      dependencies: dependencies,
      status: RecordedResource.Status(rawValue: row["status"]) ?? .ready,
      deposedKey: deposed.isEmpty ? nil : deposed)
  }

  static func upsert(_ resource: RecordedResource, in db: Database) throws {
    try db.execute(
      sql: """
        INSERT OR REPLACE INTO resources (address, deposed, type, remote_id, attributes, dependencies, status, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        resource.address.description, resource.deposedKey ?? "", resource.address.type, resource.remoteID,
        Value.map(resource.attributes).jsonText,
        Value.list(resource.dependencies.map { .string($0.description) }).jsonText,
        resource.status.rawValue, Date().timeIntervalSince1970,
      ])
  }

  /// Records (or replaces) objects outside any apply: adoption, reconciliation, refresh.
  public func record(_ resources: [RecordedResource]) throws {
    try write { db in
      for resource in resources { try Self.upsert(resource, in: db) }
    }
  }

  /// Records what a refresh read, in one transaction: the objects as the cloud has them, and the ones gone from it
  /// forgotten. Bumps the serial when anything changed, so a plan saved before no longer applies.
  public func recordRefresh(_ resources: [RecordedResource], gone: [Drift]) throws {
    let before = try self.resources()
    let changed = !gone.isEmpty || before.count != resources.count || zip(before, resources).contains { $0 != $1 }
    // Nothing read differs from what is recorded: a plan saved before stays valid.
    guard changed else { return }
    try write { db in
      for drift in gone {
        try db.execute(
          sql: "DELETE FROM resources WHERE address = ? AND deposed = ?",
          arguments: [drift.address.description, drift.deposedKey ?? ""])
      }
      for resource in resources { try Self.upsert(resource, in: db) }
    }
  }

  /// Replaces, once, what an older Cutover recorded as plain `sha256:` digests of values that may hold a secret with
  /// keyed ones (`upgrade` says how, per object), then checkpoints the journal file so the plain digests are gone
  /// from disk too. A state made by this version holds none, and is marked so: nothing is read then.
  public func upgradeLegacyDigests(_ upgrade: (RecordedResource) -> RecordedResource) throws {
    let done = try read { db in
      try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'digests'") == "keyed"
    }
    guard !done else { return }
    let upgraded = try resources().compactMap { resource -> RecordedResource? in
      let new = upgrade(resource)
      return new == resource ? nil : new
    }
    try write { db in
      for resource in upgraded { try Self.upsert(resource, in: db) }
      try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('digests', 'keyed')")
    }
    try database.writeWithoutTransaction { db in _ = try Row.fetchAll(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
  }

  /// Forgets an object (it no longer exists in the cloud).
  public func forget(_ address: ResourceAddress, deposedKey: String?) throws {
    try write { db in
      try db.execute(
        sql: "DELETE FROM resources WHERE address = ? AND deposed = ?",
        arguments: [address.description, deposedKey ?? ""])
    }
  }

  /// Moves the current object at an address aside as deposed, so its replacement can be recorded under the address.
  public func depose(_ address: ResourceAddress, key: String) throws {
    try write { db in
      try db.execute(
        sql: "UPDATE resources SET deposed = ? WHERE address = ? AND deposed = ''",
        arguments: [key, address.description])
    }
  }

  // MARK: - Journal

  /// Starts an apply in the journal and, in the same transaction, records what the plan's refresh read of the objects
  /// that changed outside Cutover (`refreshed`): the plan was computed from those values, so the state takes them
  /// as the apply starts, as it would after `cutover refresh`. A drifted object whose record moved since the plan
  /// read it (an earlier phase of the same switch updated it) keeps its newer record.
  /// - Returns: the apply's id.
  public func beginApply(
    command: String, summary: String, identity: ProcessIdentity, refreshed: [Drift] = []
  ) throws -> Int64 {
    try write { db in
      for drift in refreshed where drift.kind == .changed {
        guard var recorded = try Self.resource(drift.address, deposedKey: drift.deposedKey, in: db),
          drift.before.allSatisfy({ recorded.attributes[$0.key] == $0.value })
        else { continue }
        for key in drift.before.keys { recorded.attributes[key] = nil }
        recorded.attributes.merge(drift.after ?? [:]) { _, read in read }
        try Self.upsert(recorded, in: db)
      }
      // This transaction changes what is recorded, so it ends with the serial one higher: the apply's.
      let serial = (try Int.fetchOne(db, sql: "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'serial'") ?? 0) + 1
      try db.execute(
        sql: """
          INSERT INTO applies (command, user, host, pid, started_at, serial, summary, outcome)
          VALUES (?, ?, ?, ?, ?, ?, ?, 'running')
          """,
        arguments: [
          command, identity.user, identity.host, identity.pid, Date().timeIntervalSince1970, serial, summary,
        ])
      return db.lastInsertedRowID
    }
  }

  /// Ends an apply in the journal.
  public func finishApply(_ applyID: Int64, outcome: ApplyRecord.Outcome, error: String? = nil) throws {
    try write { db in
      try db.execute(
        sql: "UPDATE applies SET outcome = ?, finished_at = ?, error = ? WHERE id = ?",
        arguments: [outcome.rawValue, Date().timeIntervalSince1970, error, applyID])
    }
  }

  /// Writes an action as pending, before its cloud call.
  public func beginAction(applyID: Int64, address: ResourceAddress, deposedKey: String?, action: ActionLabel.Kind)
    throws -> Int64
  {
    try write { db in
      try db.execute(
        sql: """
          INSERT INTO actions (apply_id, address, deposed, action, status, started_at)
          VALUES (?, ?, ?, ?, 'pending', ?)
          """,
        arguments: [applyID, address.description, deposedKey ?? "", action.rawValue, Date().timeIntervalSince1970])
      return db.lastInsertedRowID
    }
  }

  /// Records the id the cloud gave a new object before the action waits for it, together with the object in
  /// state as `creating`, so a killed apply leaves a record of what exists.
  public func recordRemoteID(actionID: Int64, resource: RecordedResource) throws {
    try write { db in
      try db.execute(
        sql: "UPDATE actions SET remote_id = ? WHERE id = ?", arguments: [resource.remoteID, actionID])
      try Self.upsert(resource, in: db)
    }
  }

  /// Appends a line (a status change, a command's output) to an action's detail.
  public func noteAction(_ actionID: Int64, _ line: String) throws {
    try write { db in
      try db.execute(
        sql: "UPDATE actions SET detail = COALESCE(detail || char(10), '') || ? WHERE id = ?",
        arguments: [line, actionID])
    }
  }

  /// Ends an action as done and, in the same transaction, records its result: the object now in the cloud, or
  /// (`resource == nil`) that the object at `address` is gone.
  public func finishAction(
    _ actionID: Int64, address: ResourceAddress, deposedKey: String?, resource: RecordedResource?
  ) throws {
    try write { db in
      try db.execute(
        sql: "UPDATE actions SET status = 'done', finished_at = ?, remote_id = COALESCE(?, remote_id) WHERE id = ?",
        arguments: [Date().timeIntervalSince1970, resource?.remoteID, actionID])
      if let resource {
        try Self.upsert(resource, in: db)
      } else {
        try db.execute(
          sql: "DELETE FROM resources WHERE address = ? AND deposed = ?",
          arguments: [address.description, deposedKey ?? ""])
      }
    }
  }

  /// Ends an action as failed with the error a user should see and, in the same transaction, records `observed`
  /// when the action knows what the cloud now holds (a write the cloud did not take as planned).
  public func failAction(_ actionID: Int64, error: String, observed: RecordedResource? = nil) throws {
    try write { db in
      try db.execute(
        sql: "UPDATE actions SET status = 'failed', finished_at = ?, error = ? WHERE id = ?",
        arguments: [Date().timeIntervalSince1970, error, actionID])
      if let observed { try Self.upsert(observed, in: db) }
    }
  }

  /// Actions whose outcome is unknown: pending, or failed create calls that never got an id back, of applies that
  /// no longer run. These are what a killed or failed apply may have left in the cloud unrecorded.
  public func unsettledActions() throws -> [JournalAction] {
    try read { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT actions.* FROM actions JOIN applies ON applies.id = actions.apply_id
          WHERE applies.outcome != 'running' AND (actions.status = 'pending'
            OR (actions.status = 'failed' AND actions.action = 'create' AND actions.remote_id IS NULL))
          ORDER BY actions.id
          """
      ).map(Self.action(from:))
    }
  }

  /// Whether an apply is recorded as running (it runs, or it was killed and not yet settled), or left actions
  /// unsettled.
  public func hasUnfinishedApplies() throws -> Bool {
    try read { db in
      try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM applies WHERE outcome = 'running')") ?? false
    } || !unsettledActions().isEmpty
  }

  /// Marks applies left `running` by a process that no longer holds the lock as interrupted.
  /// Call with the lock held: then no other apply can be running.
  public func markAbandonedApplies() throws {
    try write { db in
      try db.execute(
        sql: "UPDATE applies SET outcome = 'interrupted' WHERE outcome = 'running'")
    }
  }

  /// Marks unsettled actions as reconciled, with what was found.
  public func markReconciled(_ actionID: Int64, detail: String) throws {
    try write { db in
      try db.execute(
        sql: """
          UPDATE actions SET status = 'reconciled', detail = COALESCE(detail || char(10), '') || ? WHERE id = ?
          """,
        arguments: [detail, actionID])
    }
  }

  /// Every apply with its actions, oldest first.
  public func history() throws -> [ApplyRecord] {
    try read { db in
      let actions = try Row.fetchAll(db, sql: "SELECT * FROM actions ORDER BY id").map(Self.action(from:))
      let byApply = Dictionary(grouping: actions, by: \.applyID)
      return try Row.fetchAll(db, sql: "SELECT * FROM applies ORDER BY id").map { row in
        let id: Int64 = row["id"]
        let finished: Double? = row["finished_at"]
        return ApplyRecord(
          id: id, command: row["command"], user: row["user"], host: row["host"], pid: row["pid"],
          startedAt: Date(timeIntervalSince1970: row["started_at"]),
          finishedAt: finished.map(Date.init(timeIntervalSince1970:)), serial: row["serial"], summary: row["summary"],
          outcome: ApplyRecord.Outcome(rawValue: row["outcome"]) ?? .failed, error: row["error"],
          actions: byApply[id] ?? [])
      }
    }
  }

  private static func action(from row: Row) throws -> JournalAction {
    let addressText: String = row["address"]
    guard let address = ResourceAddress(parsing: addressText) else {
      throw CutoverError.state("journal holds a malformed address '\(addressText)'")
    }
    let deposed: String = row["deposed"]
    let finished: Double? = row["finished_at"]
    let actionText: String = row["action"]
    guard let kind = ActionLabel.Kind(rawValue: actionText) else {
      throw CutoverError.state("journal holds an unknown action '\(actionText)' for \(address)")
    }
    return JournalAction(
      id: row["id"], applyID: row["apply_id"], address: address, deposedKey: deposed.isEmpty ? nil : deposed,
      action: kind, status: JournalAction.Status(rawValue: row["status"]) ?? .failed,
      remoteID: row["remote_id"],
      startedAt: Date(timeIntervalSince1970: row["started_at"]),
      finishedAt: finished.map(Date.init(timeIntervalSince1970:)), detail: row["detail"], error: row["error"])
  }

  // MARK: - Generation switches

  /// Records that the live generation changed, with who changed it, where, and how.
  /// - Parameters:
  ///   - from: the generation live before; nil when none was.
  ///   - to: the generation live from now on.
  ///   - command: the command that switched (`generation switch eqiad1 128a`).
  ///   - forced: whether `--force` overrode a failed verification.
  ///   - at: when the switch happened; now unless given.
  /// - Returns: the recorded switch.
  @discardableResult
  public func recordSwitch(
    from: String?, to: String, command: String, identity: ProcessIdentity, forced: Bool, at: Date = Date()
  ) throws -> GenerationSwitch {
    try write { db in
      try db.execute(
        sql: """
          INSERT INTO switches (environment, from_generation, to_generation, at, user, host, command, forced)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          environment, from, to, at.timeIntervalSince1970, identity.user, identity.host, command, forced,
        ])
      return GenerationSwitch(
        id: db.lastInsertedRowID, environment: environment, fromGeneration: from, toGeneration: to,
        at: Date(timeIntervalSince1970: at.timeIntervalSince1970), user: identity.user, host: identity.host,
        command: command, forced: forced)
    }
  }

  /// Every recorded switch, oldest first (newest last).
  public func switches() throws -> [GenerationSwitch] {
    try read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM switches ORDER BY id").map(Self.generationSwitch(from:))
    }
  }

  /// The most recent switch, if any: its `fromGeneration` is where `rollback` goes back to.
  public func lastSwitch() throws -> GenerationSwitch? {
    try read { db in
      try Row.fetchOne(db, sql: "SELECT * FROM switches ORDER BY id DESC LIMIT 1").map(Self.generationSwitch(from:))
    }
  }

  /// When `generation` last stopped being live (a switch from it to another generation); nil when it never did.
  public func switchedAway(from generation: String) throws -> Date? {
    try switches().switchedAway(from: generation)
  }

  /// When `generation` last became live through a switch; nil when it never did.
  public func switchedTo(_ generation: String) throws -> Date? {
    try switches().switchedTo(generation)
  }

  private static func generationSwitch(from row: Row) -> GenerationSwitch {
    GenerationSwitch(
      id: row["id"], environment: row["environment"], fromGeneration: row["from_generation"],
      toGeneration: row["to_generation"], at: Date(timeIntervalSince1970: row["at"]), user: row["user"],
      host: row["host"], command: row["command"], forced: row["forced"])
  }

  // MARK: - Verifications

  /// Records a generation's verification and its checklist (one `PASS …`/`FAIL …` line per check). The serial stays:
  /// a verification observes, it changes nothing a plan is made from, so a plan saved before it still applies.
  @discardableResult
  public func recordVerification(
    generation: String, passed: Bool, checks: [String], command: String, identity: ProcessIdentity, at: Date = Date()
  ) throws -> GenerationVerificationRecord {
    try write(bumpingSerial: false) { db in
      try db.execute(
        sql: """
          INSERT INTO verifications (environment, generation, passed, checks, at, user, host, command)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          environment, generation, passed, checks.joined(separator: "\n"), at.timeIntervalSince1970, identity.user,
          identity.host, command,
        ])
      return GenerationVerificationRecord(
        id: db.lastInsertedRowID, generation: generation, passed: passed, checks: checks,
        at: Date(timeIntervalSince1970: at.timeIntervalSince1970), user: identity.user, host: identity.host,
        command: command)
    }
  }

  /// Every recorded verification, oldest first.
  public func verifications() throws -> [GenerationVerificationRecord] {
    try read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM verifications ORDER BY id").map { row in
        let checks: String = row["checks"]
        return GenerationVerificationRecord(
          id: row["id"], generation: row["generation"], passed: row["passed"],
          checks: checks.isEmpty ? [] : checks.components(separatedBy: "\n"),
          at: Date(timeIntervalSince1970: row["at"]), user: row["user"], host: row["host"], command: row["command"])
      }
    }
  }

  // MARK: - Lock lease

  /// Takes the lock lease, or throws `CutoverError.stateLocked` naming the live holder.
  /// An expired lease (heartbeat older than `ttl`, or its process gone from this host) is taken over.
  /// - Parameter now: the time the lease is taken at, and compared with other leases' heartbeats; the clock's by
  ///   default (a test passes its own rather than wait out a time to live).
  public func acquireLock(
    command: String, identity: ProcessIdentity, ttl: TimeInterval, now: Date = Date()
  ) throws -> LockLease {
    try write(bumpingSerial: false) { db in
      if let current = try Self.lease(in: db, environment: environment),
        !current.isExpired(now: now, ttl: ttl, localHost: identity.host)
      {
        throw CutoverError.stateLocked(current)
      }
      let lease = LockLease(
        environment: environment, token: UUID().uuidString, holder: identity.user, host: identity.host,
        pid: identity.pid, command: command, acquiredAt: now, heartbeatAt: now)
      try db.execute(
        sql: """
          INSERT OR REPLACE INTO lock (id, token, holder, host, pid, command, acquired_at, heartbeat_at)
          VALUES (1, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          lease.token, lease.holder, lease.host, lease.pid, lease.command, now.timeIntervalSince1970,
          now.timeIntervalSince1970,
        ])
      return lease
    }
  }

  /// Proves the holder alive. Returns false when the lease was broken or taken over meanwhile.
  @discardableResult
  public func heartbeat(_ lease: LockLease) throws -> Bool {
    try write(bumpingSerial: false) { db in
      try db.execute(
        sql: "UPDATE lock SET heartbeat_at = ? WHERE id = 1 AND token = ?",
        arguments: [Date().timeIntervalSince1970, lease.token])
      return db.changesCount == 1
    }
  }

  /// Gives the lease back, if it is still ours.
  public func releaseLock(_ lease: LockLease) throws {
    try write(bumpingSerial: false) { db in
      try db.execute(sql: "DELETE FROM lock WHERE id = 1 AND token = ?", arguments: [lease.token])
    }
  }

  /// Breaks whatever lease is held, on purpose, and bumps the serial: whatever the run that held it left is no
  /// longer vouched for by a lease, so a plan saved before is stale. Returns the lease that was broken.
  public func breakLock() throws -> LockLease? {
    try write { db in
      let current = try Self.lease(in: db, environment: environment)
      try db.execute(sql: "DELETE FROM lock")
      return current
    }
  }

  /// The lease currently recorded, expired or not.
  public func currentLease() throws -> LockLease? {
    try read { db in try Self.lease(in: db, environment: environment) }
  }

  private static func lease(in db: Database, environment: String) throws -> LockLease? {
    guard let row = try Row.fetchOne(db, sql: "SELECT * FROM lock WHERE id = 1") else { return nil }
    return LockLease(
      environment: environment, token: row["token"], holder: row["holder"], host: row["host"], pid: row["pid"],
      command: row["command"], acquiredAt: Date(timeIntervalSince1970: row["acquired_at"]),
      heartbeatAt: Date(timeIntervalSince1970: row["heartbeat_at"]))
  }

  // MARK: - Access

  private func read<T>(_ body: (Database) throws -> T) throws -> T {
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
  private func write<T>(bumpingSerial: Bool = true, _ body: (Database) throws -> T) throws -> T {
    do {
      return try database.writeWithoutTransaction { db in
        var result: T?
        try db.inTransaction(.immediate) {
          let changesBefore = db.totalChangesCount
          result = try body(db)
          if bumpingSerial, db.totalChangesCount > changesBefore {
            try db.execute(
              sql: "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'serial'")
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

  private static func describe(_ error: any Error) -> String {
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
