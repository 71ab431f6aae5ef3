import Foundation
import GRDB

/// Past applies, switches and verifications.
extension SQLiteStateStore: StateHistory {
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

  static func action(from row: Row) throws -> JournalAction {
    try JournalAction.fromRow(
      id: row["id"], applyID: row["apply_id"], address: row["address"], deposed: row["deposed"],
      action: row["action"], status: row["status"], remoteID: row["remote_id"], startedAt: row["started_at"],
      finishedAt: row["finished_at"], detail: row["detail"], error: row["error"])
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

  static func generationSwitch(from row: Row) -> GenerationSwitch {
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
}
