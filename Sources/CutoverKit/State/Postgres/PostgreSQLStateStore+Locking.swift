import Foundation
import PostgresNIO

/// The lease, with a fencing token that grows each time it is taken.
extension PostgreSQLStateStore: StateLocking {
  /// Takes the lease, or throws `CutoverError.stateLocked` naming the live holder. A lease past the expiry its holder
  /// set, or not renewed for `ttl` (its holder paused, or gone from another host), is taken over, as is one whose
  /// process is gone from this host; a paused holder's own writes fail from then on (the fence). The token taken is
  /// one more than any handed out before for the environment.
  public func acquireLock(
    command: String, identity: ProcessIdentity, ttl: TimeInterval, now: Date = Date()
  ) throws -> LockLease {
    let taken = try link.transaction { transaction -> LockLease in
      try transaction.run("SELECT 1 FROM cutover.environments WHERE environment = \(environment) FOR UPDATE")
      if let current = try lease(in: transaction) {
        let gone = current.lease.host == identity.host && !ProcessIdentity.isAlive(pid: current.lease.pid)
        let expired = current.expiresAt <= now.timeIntervalSince1970
        let stale = now.timeIntervalSince(current.lease.heartbeatAt) > ttl
        if !expired, !stale, !gone { throw CutoverError.stateLocked(current.lease) }
      }
      let token =
        try transaction.run(
          """
          UPDATE cutover.environments SET lock_token = lock_token + 1 WHERE environment = \(environment)
          RETURNING lock_token
          """
        ).first?.decode(Int64.self) ?? 0
      let at = now.timeIntervalSince1970
      try transaction.run(
        """
        INSERT INTO cutover.leases
          (environment, token, holder, host, pid, command, acquired_at, heartbeat_at, expires_at)
        VALUES (\(environment), \(token), \(identity.user), \(identity.host), \(identity.pid), \(command), \(at),
          \(at), \(at + ttl))
        ON CONFLICT (environment) DO UPDATE SET token = EXCLUDED.token, holder = EXCLUDED.holder,
          host = EXCLUDED.host, pid = EXCLUDED.pid, command = EXCLUDED.command, acquired_at = EXCLUDED.acquired_at,
          heartbeat_at = EXCLUDED.heartbeat_at, expires_at = EXCLUDED.expires_at
        """)
      return LockLease(
        environment: environment, token: String(token), holder: identity.user, host: identity.host,
        pid: identity.pid, command: command, acquiredAt: now, heartbeatAt: now)
    }
    hold((token: Int64(taken.token) ?? 0, ttl: ttl))
    return taken
  }

  /// Renews the lease for another time to live; false when it is no longer this holder's, or expired first (then
  /// another run may be taking it, and this one must stop).
  @discardableResult
  public func heartbeat(_ lease: LockLease) throws -> Bool {
    guard let token = Int64(lease.token) else { return false }
    let ttl = heldLease?.ttl ?? 60
    let now = Date().timeIntervalSince1970
    let renewed =
      try link.run(
        """
        UPDATE cutover.leases SET heartbeat_at = \(now), expires_at = \(now + ttl)
        WHERE environment = \(environment) AND token = \(token) AND expires_at > \(now)
        """
      ).metadata.rows ?? 0
    return renewed == 1
  }

  public func releaseLock(_ lease: LockLease) throws {
    guard let token = Int64(lease.token) else { return }
    try link.run("DELETE FROM cutover.leases WHERE environment = \(environment) AND token = \(token)")
    if heldLease?.token == token { hold(nil) }
  }

  /// Breaks whatever lease is held and bumps the serial (see ``SQLiteStateStore/breakLock()``).
  public func breakLock() throws -> LockLease? {
    // A lease this store held is given up by breaking it: its writes are no longer fenced by it.
    hold(nil)
    return try write { transaction in
      let current = try lease(in: transaction)?.lease
      try transaction.change("DELETE FROM cutover.leases WHERE environment = \(environment)")
      return current
    }
  }

  /// How `lease` was lost: to the run holding the lock now; else, when a later token was handed out (another run
  /// took the lease after this one's expired, and gave it back), or the lease is still this one's, by expiring;
  /// else by `state unlock`.
  public func loss(of lease: LockLease) throws -> LockLoss {
    try link.transaction { transaction in try loss(ofToken: Int64(lease.token) ?? 0, in: transaction) }
  }

  /// How the lease with `token` was lost, read in `transaction`.
  func loss(ofToken token: Int64, in transaction: PostgresTransaction) throws -> LockLoss {
    let current = try self.lease(in: transaction)?.lease
    if let current, current.token != String(token) { return LockLoss(takenBy: current) }
    let latest =
      try transaction.run("SELECT lock_token FROM cutover.environments WHERE environment = \(environment)")
      .first?.decode(Int64.self) ?? 0
    return LockLoss(takenBy: nil, expired: current != nil || latest > token)
  }

  public func currentLease() throws -> LockLease? {
    try link.transaction { transaction in try lease(in: transaction)?.lease }
  }
}
