import Foundation
import PostgresNIO

extension PostgreSQLStateStore: StateStore {
  public var isShared: Bool { true }

  /// Replaces the environment's whole state with `dump` in one transaction, ids kept (the lease stays).
  public func load(_ dump: StateDump) throws {
    try write(bumpingSerial: false) { transaction in
      for table in ["actions", "applies", "resources", "switches", "verifications", "publications"] {
        try transaction.change(
          "DELETE FROM cutover.\(unescaped: table) WHERE environment = \(environment)")
      }
      for resource in dump.resources { try upsert(resource, in: transaction) }
      for apply in dump.applies {
        try transaction.change(
          """
          INSERT INTO cutover.applies (environment, id, command, user_name, host, pid, started_at, finished_at,
            serial, summary, outcome, error)
          VALUES (\(environment), \(apply.id), \(apply.command), \(apply.user), \(apply.host), \(apply.pid),
            \(apply.startedAt.timeIntervalSince1970), \(apply.finishedAt?.timeIntervalSince1970),
            \(Int64(apply.serial)), \(apply.summary), \(apply.outcome.rawValue), \(apply.error))
          """)
        for action in apply.actions {
          try transaction.change(
            """
            INSERT INTO cutover.actions (environment, id, apply_id, address, deposed, action, status, remote_id,
              started_at, finished_at, detail, error)
            VALUES (\(environment), \(action.id), \(action.applyID), \(action.address.description),
              \(action.deposedKey ?? ""), \(action.action.rawValue), \(action.status.rawValue), \(action.remoteID),
              \(action.startedAt.timeIntervalSince1970), \(action.finishedAt?.timeIntervalSince1970),
              \(action.detail), \(action.error))
            """)
        }
      }
      for change in dump.switches {
        try transaction.change(
          """
          INSERT INTO cutover.switches
            (environment, id, from_generation, to_generation, at, user_name, host, command, forced)
          VALUES (\(environment), \(change.id), \(change.fromGeneration), \(change.toGeneration),
            \(change.at.timeIntervalSince1970), \(change.user), \(change.host), \(change.command), \(change.forced))
          """)
      }
      for check in dump.verifications {
        try transaction.change(
          """
          INSERT INTO cutover.verifications
            (environment, id, generation, passed, checks, at, user_name, host, command)
          VALUES (\(environment), \(check.id), \(check.generation), \(check.passed),
            \(check.checks.joined(separator: "\n")), \(check.at.timeIntervalSince1970), \(check.user),
            \(check.host), \(check.command))
          """)
      }
      // Publications have no id of their own in a dump: they take ids after every other row's, in order.
      var highest = dump.applies.flatMap { [$0.id] + $0.actions.map(\.id) }.max() ?? 0
      highest = max(highest, dump.switches.map(\.id).max() ?? 0, dump.verifications.map(\.id).max() ?? 0)
      for publication in dump.publications {
        highest += 1
        try transaction.change(
          """
          INSERT INTO cutover.publications
            (environment, id, at, user_name, host, command, serial, container, object, published, detail)
          VALUES (\(environment), \(highest), \(publication.at.timeIntervalSince1970), \(publication.user),
            \(publication.host), \(publication.command), \(Int64(publication.serial)), \(publication.container),
            \(publication.object), \(publication.published), \(publication.detail))
          """)
      }
      try transaction.change(
        """
        UPDATE cutover.environments SET lineage = \(dump.version.lineage), serial = \(Int64(dump.version.serial)),
          digests = 'keyed', next_id = \(highest + 1)
        WHERE environment = \(environment)
        """)
    }
  }

  /// The whole state written into a scratch SQLite state and copied from there (``SQLiteStateStore/snapshot()``),
  /// so a snapshot is the same kind of file whichever store made it.
  public func snapshot() throws -> StateSnapshot {
    let dump = try dump()
    let directory = try PrivateDirectory.make(prefix: "cutover-snapshot")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let scratch = try SQLiteStateStore(path: directory + "/state.sqlite", environment: environment)
    try scratch.load(dump)
    var snapshot = try scratch.snapshot()
    snapshot.applyRunning = dump.applyRunning
    return snapshot
  }
}
