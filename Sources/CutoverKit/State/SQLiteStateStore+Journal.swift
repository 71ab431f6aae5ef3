import Foundation
import GRDB

/// The journal and the records an apply, refresh or import writes.
extension SQLiteStateStore: StateJournal {
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
        sql: "UPDATE resources SET deposed = ?, fingerprint = NULL WHERE address = ? AND deposed = ''",
        arguments: [key, address.description])
    }
  }

  /// Records on current objects the fingerprint of their generation, after an apply converged it. Not a change to
  /// what is recorded: the serial stays.
  public func recordFingerprints(_ fingerprints: [ResourceAddress: String]) throws {
    guard !fingerprints.isEmpty else { return }
    try write(bumpingSerial: false) { db in
      let statement = try db.makeStatement(
        sql: "UPDATE resources SET fingerprint = ? WHERE address = ? AND deposed = ''")
      for (address, fingerprint) in fingerprints {
        try statement.execute(arguments: [fingerprint, address.description])
      }
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
      try db.run(
        cached: """
          INSERT INTO actions (apply_id, address, deposed, action, status, started_at)
          VALUES (?, ?, ?, ?, 'pending', ?)
          """,
        [applyID, address.description, deposedKey ?? "", action.rawValue, Date().timeIntervalSince1970])
      return db.lastInsertedRowID
    }
  }

  /// Records the id the cloud gave a new object before the action waits for it, together with the object in
  /// state as `creating`, so a killed apply leaves a record of what exists.
  public func recordRemoteID(actionID: Int64, resource: RecordedResource) throws {
    try write { db in
      try db.run(
        cached: "UPDATE actions SET remote_id = ? WHERE id = ?",
        [resource.remoteID, actionID])
      try Self.upsert(resource, in: db)
    }
  }

  /// Appends a line (a status change, a command's output) to an action's detail.
  public func noteAction(_ actionID: Int64, _ line: String) throws {
    try write { db in
      try db.run(
        cached: "UPDATE actions SET detail = COALESCE(detail || char(10), '') || ? WHERE id = ?",
        [line, actionID])
    }
  }

  /// Ends an action as done and, in the same transaction, records its result: the object now in the cloud, or
  /// (`resource == nil`) that the object at `address` is gone.
  public func finishAction(
    _ actionID: Int64, address: ResourceAddress, deposedKey: String?, resource: RecordedResource?
  ) throws {
    try write { db in
      try db.run(
        cached: "UPDATE actions SET status = 'done', finished_at = ?, remote_id = COALESCE(?, remote_id) WHERE id = ?",
        [Date().timeIntervalSince1970, resource?.remoteID, actionID])
      if let resource {
        try Self.upsert(resource, in: db)
      } else {
        try db.run(
          cached: "DELETE FROM resources WHERE address = ? AND deposed = ?",
          [address.description, deposedKey ?? ""])
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
}
