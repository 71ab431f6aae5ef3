import Foundation
import GRDB

extension SQLiteStateStore: StateStore {
  public var isShared: Bool { false }

  public func load(_ dump: StateDump) throws {
    try write(bumpingSerial: false) { db in
      for table in ["actions", "applies", "resources", "switches", "verifications", "publications"] {
        try db.execute(sql: "DELETE FROM \(table)")
      }
      try db.execute(
        sql: """
          INSERT OR REPLACE INTO meta (key, value) VALUES ('lineage', ?), ('serial', ?), ('environment', ?),
            ('digests', 'keyed')
          """,
        arguments: [dump.version.lineage, String(dump.version.serial), dump.environment])
      for resource in dump.resources { try Self.upsert(resource, in: db) }
      for apply in dump.applies {
        try db.execute(
          sql: """
            INSERT INTO applies (id, command, user, host, pid, started_at, finished_at, serial, summary, outcome, error)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
          arguments: [
            apply.id, apply.command, apply.user, apply.host, apply.pid, apply.startedAt.timeIntervalSince1970,
            apply.finishedAt?.timeIntervalSince1970, apply.serial, apply.summary, apply.outcome.rawValue, apply.error,
          ])
        for action in apply.actions {
          try db.execute(
            sql: """
              INSERT INTO actions (id, apply_id, address, deposed, action, status, remote_id, started_at,
                finished_at, detail, error)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
              """,
            arguments: [
              action.id, action.applyID, action.address.description, action.deposedKey ?? "",
              action.action.rawValue, action.status.rawValue, action.remoteID,
              action.startedAt.timeIntervalSince1970, action.finishedAt?.timeIntervalSince1970, action.detail,
              action.error,
            ])
        }
      }
      for change in dump.switches {
        try db.execute(
          sql: """
            INSERT INTO switches (id, environment, from_generation, to_generation, at, user, host, command, forced)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
          arguments: [
            change.id, dump.environment, change.fromGeneration, change.toGeneration, change.at.timeIntervalSince1970,
            change.user, change.host, change.command, change.forced,
          ])
      }
      for check in dump.verifications {
        try db.execute(
          sql: """
            INSERT INTO verifications (id, environment, generation, passed, checks, at, user, host, command)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
          arguments: [
            check.id, dump.environment, check.generation, check.passed, check.checks.joined(separator: "\n"),
            check.at.timeIntervalSince1970, check.user, check.host, check.command,
          ])
      }
      for publication in dump.publications { try Self.insert(publication, in: db) }
    }
  }
}
