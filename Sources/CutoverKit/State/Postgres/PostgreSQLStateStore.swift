import Foundation
import PostgresNIO
import Synchronization

/// The state of one environment in PostgreSQL (`state: {backend: postgresql}`), shared by every machine that reaches
/// the database: the same records, journal and history as ``SQLiteStateStore``, and a lease that fences writers.
///
/// Every write is one transaction that first locks the environment's row, so writers of an environment take turns,
/// and, while this store holds the lease, checks in that same transaction that the lease is still this store's and
/// unexpired: a run whose lease expired while it was paused, or was taken over, fails its next write with
/// `CutoverError.lockLost` and writes nothing, so it cannot overwrite what the run that took over recorded. Every
/// journal write comes before its cloud call, so such a run launches nothing more either.
///
/// Times are the machines' clocks (seconds since 1970), as in the SQLite state: machines sharing a state keep them
/// in step (NTP) to well within the lease's time to live.
public final class PostgreSQLStateStore: StateReading {
  public let environment: String
  public var location: String { link.settings.description }
  let link: PostgresLink
  /// The lease this store took, while it holds it: its fencing token and time to live.
  private let held = Mutex<(token: Int64, ttl: TimeInterval)?>(nil)

  /// Connects, creates or migrates the schema, and creates the environment's row (a new lineage) when it has none.
  /// - Throws: `CutoverError.state` saying where and why, never with the password.
  public init(settings: PostgresSettings, environment: String) throws {
    self.environment = environment
    link = try PostgresLink(settings: settings)
    try PostgresSchema.migrate(link)
    try link.run(
      """
      INSERT INTO cutover.environments (environment, lineage) VALUES (\(environment), \(UUID().uuidString.lowercased()))
      ON CONFLICT (environment) DO NOTHING
      """)
  }

  // MARK: - Reading

  public func version() throws -> StateVersion {
    for row in try link.run(
      "SELECT lineage, serial FROM cutover.environments WHERE environment = \(environment)")
    {
      let (lineage, serial) = try row.decode((String, Int64).self)
      return StateVersion(lineage: lineage, serial: Int(serial))
    }
    throw CutoverError.state("the PostgreSQL state at \(location) has no environment \(environment)")
  }

  public func resources() throws -> [RecordedResource] {
    try link.run(
      """
      SELECT \(unescaped: RecordedResource.rowColumns) FROM cutover.resources
      WHERE environment = \(environment) ORDER BY address COLLATE "C", deposed COLLATE "C"
      """
    ).map(Self.resource(from:))
  }

  public func resource(_ address: ResourceAddress, deposedKey: String? = nil) throws -> RecordedResource? {
    try link.transaction { transaction in try resource(address, deposedKey: deposedKey, in: transaction) }
  }

  func resource(_ address: ResourceAddress, deposedKey: String?, in transaction: PostgresTransaction) throws
    -> RecordedResource?
  {
    try transaction.run(
      """
      SELECT \(unescaped: RecordedResource.rowColumns) FROM cutover.resources
      WHERE environment = \(environment) AND address = \(address.description) AND deposed = \(deposedKey ?? "")
      """
    ).first.map(Self.resource(from:))
  }

  static func resource(from row: PostgresRow) throws -> RecordedResource {
    let (address, deposed, remoteID, attributes, dependencies, status, fingerprint) = try row.decode(
      (String, String, String?, String, String, String, String?).self)
    return try RecordedResource.fromRow(
      address: address, deposed: deposed, remoteID: remoteID, attributes: attributes, dependencies: dependencies,
      status: status, fingerprint: fingerprint)
  }

  func upsert(_ resource: RecordedResource, in transaction: PostgresTransaction) throws {
    let (attributes, dependencies) = resource.jsonColumns
    try transaction.change(
      """
      INSERT INTO cutover.resources
        (environment, address, deposed, type, remote_id, attributes, dependencies, status, updated_at)
      VALUES (\(environment), \(resource.address.description), \(resource.deposedKey ?? ""),
        \(resource.address.type), \(resource.remoteID), \(attributes), \(dependencies), \(resource.status.rawValue),
        \(Date().timeIntervalSince1970))
      ON CONFLICT (environment, address, deposed) DO UPDATE SET type = EXCLUDED.type,
        remote_id = EXCLUDED.remote_id, attributes = EXCLUDED.attributes, dependencies = EXCLUDED.dependencies,
        status = EXCLUDED.status, updated_at = EXCLUDED.updated_at, fingerprint = NULL
      """)
  }

  // MARK: - Writing

  /// Runs `body` in one transaction holding the environment's row, after checking the fence (while this store holds
  /// a lease). When `bumpingSerial` and the body changed a row, the serial goes up in the same transaction.
  @discardableResult
  func write<T>(bumpingSerial: Bool = true, _ body: (PostgresTransaction) throws -> T) throws -> T {
    try link.transaction { transaction in
      // One round trip: the environment's row locked, and the lease read under that lock for the fence.
      let fence = try transaction.run(
        """
        SELECT l.token, l.expires_at FROM cutover.environments e
        LEFT JOIN cutover.leases l ON l.environment = e.environment
        WHERE e.environment = \(environment) FOR UPDATE OF e
        """
      ).first.map { try $0.decode((Int64?, Double?).self) }
      try checkFence(token: fence?.0, expiresAt: fence?.1, in: transaction)
      let result = try body(transaction)
      if bumpingSerial, transaction.changes > 0 {
        try transaction.run(
          "UPDATE cutover.environments SET serial = serial + 1 WHERE environment = \(environment)")
      }
      return result
    }
  }

  /// The next id of the environment's journal, history and publication rows.
  func nextID(in transaction: PostgresTransaction) throws -> Int64 {
    for row in try transaction.run(
      """
      UPDATE cutover.environments SET next_id = next_id + 1 WHERE environment = \(environment)
      RETURNING next_id - 1
      """)
    {
      return try row.decode(Int64.self)
    }
    throw CutoverError.state("the PostgreSQL state at \(location) has no environment \(environment)")
  }

  /// The serial as it stands in the transaction.
  func serial(in transaction: PostgresTransaction) throws -> Int64 {
    try transaction.run("SELECT serial FROM cutover.environments WHERE environment = \(environment)")
      .first?.decode(Int64.self) ?? 0
  }

  // MARK: - The fence

  /// Throws `CutoverError.lockLost` when this store took a lease that is no longer its own (the lease read under the
  /// environment's lock has another token, or none), or has expired.
  private func checkFence(token current: Int64?, expiresAt: Double?, in transaction: PostgresTransaction) throws {
    guard let token = held.withLock({ $0?.token }) else { return }
    if current == token, let expiresAt, expiresAt > Date().timeIntervalSince1970 { return }
    throw CutoverError.lockLost(try loss(ofToken: token, in: transaction))
  }

  func hold(_ lease: (token: Int64, ttl: TimeInterval)?) {
    held.withLock { $0 = lease }
  }

  var heldLease: (token: Int64, ttl: TimeInterval)? { held.withLock { $0 } }

  /// The lease recorded for the environment, expired or not, with when it expires.
  func lease(in transaction: PostgresTransaction) throws -> (lease: LockLease, expiresAt: Double)? {
    for row in try transaction.run(
      """
      SELECT token, holder, host, pid, command, acquired_at, heartbeat_at, expires_at FROM cutover.leases
      WHERE environment = \(environment)
      """)
    {
      let (token, holder, host, pid, command, acquired, heartbeat, expires) = try row.decode(
        (Int64, String, String, Int32, String, Double, Double, Double).self)
      return (
        LockLease(
          environment: environment, token: String(token), holder: holder, host: host, pid: pid, command: command,
          acquiredAt: Date(timeIntervalSince1970: acquired), heartbeatAt: Date(timeIntervalSince1970: heartbeat)),
        expires
      )
    }
    return nil
  }
}
