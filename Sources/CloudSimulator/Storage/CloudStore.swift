import Foundation
import GRDB
import Synchronization

/// The simulated cloud's persisted state plus the settings every route needs.
final class CloudStore: Sendable {
  let database: DatabaseQueue
  let configuration: SimulatorConfiguration
  let endpoint: ServerEndpoint
  /// Tokens already read whole, by id: a token never changes once issued, so every later request only asks the
  /// database whether it is still there (not revoked, by this process or another) and when it expires.
  private let knownTokens = Mutex<[String: TokenRecord]>([:])

  init(configuration: SimulatorConfiguration, endpoint: ServerEndpoint) throws {
    self.database = try CloudDatabase.open(
      path: configuration.databasePath, nodeAddressBlock: configuration.nodeAddressBlock)
    self.configuration = configuration
    self.endpoint = endpoint
  }

  // MARK: - Transactions

  /// Runs `body` in one write transaction, with the cloud's current time (seconds since 1970), after first settling
  /// deletions that finished while nobody looked and resizes injected behind the client's back. Either all of a
  /// request's changes land or none do.
  func transaction<T: Sendable>(_ body: @escaping @Sendable (Database, Double) throws -> T) async throws -> T {
    let drift = configuration.faults.nodeCountDrift
    let clock = configuration.now
    return try await database.write { db in
      let now = clock().timeIntervalSince1970
      try ClusterRecord.purgeFinishedDeletions(at: now, in: db)
      if !drift.isEmpty {
        try ClusterRecord.applyNodeCountDrift(drift, at: now, in: db)
      }
      try TokenRecord.purgeLongExpired(at: now, in: db)
      return try body(db, now)
    }
  }

  /// The token a request presents, if it is known and unexpired.
  func validToken(id: String) async throws -> TokenRecord? {
    let now = configuration.now().timeIntervalSince1970
    let known = knownTokens.withLock { $0[id] }
    let token = try await database.read { db -> TokenRecord? in
      if let known {
        return try TokenRecord.stillValid(id: id, at: now, in: db) ? known : nil
      }
      return try TokenRecord.valid(id: id, at: now, in: db)
    }
    if known == nil, let token {
      knownTokens.withLock { $0[id] = token }
    }
    return token
  }

  /// Closes the database; later calls fail.
  func close() {
    try? database.close()
  }
}
