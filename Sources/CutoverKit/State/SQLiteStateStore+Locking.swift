import Foundation
import GRDB

/// The lock lease, a row beside the state it guards.
extension SQLiteStateStore: StateLocking {
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

  static func lease(in db: Database, environment: String) throws -> LockLease? {
    guard let row = try Row.fetchOne(db, sql: "SELECT * FROM lock WHERE id = 1") else { return nil }
    return LockLease(
      environment: environment, token: row["token"], holder: row["holder"], host: row["host"], pid: row["pid"],
      command: row["command"], acquiredAt: Date(timeIntervalSince1970: row["acquired_at"]),
      heartbeatAt: Date(timeIntervalSince1970: row["heartbeat_at"]))
  }
}
