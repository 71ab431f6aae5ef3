import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import Synchronization

/// One connection to PostgreSQL for the state protocols, which are synchronous: each call waits for the server's
/// answer on its own thread while SwiftNIO's event loop does the work, and calls take turns on the connection, a
/// transaction at a time.
///
/// The session limits how long anything may hang: a transaction left open (its process stopped mid-write) is ended by
/// the server after ``idleInTransactionTimeout``, so it cannot hold the environment's row lock against the run that
/// takes the lease over; a lock wait gives up after ``lockTimeout``.
final class PostgresLink: Sendable {
  static let idleInTransactionTimeout = "10s"
  static let lockTimeout = "30s"

  let settings: PostgresSettings
  private let connection: PostgresConnection
  private let turn = Mutex<Void>(())
  private static let logger = Logger(label: "cutover.postgres") { _ in SwiftLogNoOpLogHandler() }

  /// Connects, or throws `CutoverError.state` saying where and why, never with the password.
  init(settings: PostgresSettings) throws {
    self.settings = settings
    var configuration: PostgresConnection.Configuration
    if settings.isSocket {
      configuration = .init(
        unixSocketPath: settings.host + "/.s.PGSQL.\(settings.port)", username: settings.user,
        password: settings.password, database: settings.database)
    } else {
      configuration = .init(
        host: settings.host, port: settings.port, username: settings.user, password: settings.password,
        database: settings.database, tls: try Self.tls(settings))
    }
    configuration.options.connectTimeout = .seconds(10)
    do {
      connection = try PostgresConnection.connect(
        on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: 1, logger: Self.logger
      ).wait()
    } catch {
      throw CutoverError.state(
        "cannot connect to the PostgreSQL state at \(settings): \(Self.describeConnecting(error, settings))")
    }
    do {
      _ = try connection.query(
        "SET idle_in_transaction_session_timeout = '\(unescaped: Self.idleInTransactionTimeout)'", logger: Self.logger
      ).wait()
      _ = try connection.query("SET lock_timeout = '\(unescaped: Self.lockTimeout)'", logger: Self.logger).wait()
    } catch {
      try? connection.close().wait()
      throw CutoverError.state("cannot set up the PostgreSQL session at \(settings): \(Self.describe(error))")
    }
  }

  deinit {
    // Not waited for (the last reference may go on any thread); the connection is kept until it has closed.
    let connection = self.connection
    connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
  }

  private static func tls(_ settings: PostgresSettings) throws -> PostgresConnection.Configuration.TLS {
    var tls = TLSConfiguration.makeClientConfiguration()
    switch settings.tlsMode {
    case .disable: return .disable
    case .prefer, .require: tls.certificateVerification = .none
    case .verifyCA: tls.certificateVerification = .noHostnameVerification
    case .verifyFull: tls.certificateVerification = .fullVerification
    }
    if let root = settings.rootCertificate, settings.tlsMode == .verifyCA || settings.tlsMode == .verifyFull {
      guard FileManager.default.isReadableFile(atPath: root) else {
        throw CutoverError.state("cannot read the PostgreSQL server's certificate authority \(root) (sslrootcert)")
      }
      tls.trustRoots = .file(root)
    }
    do {
      let context = try NIOSSLContext(configuration: tls)
      return settings.tlsMode == .prefer ? .prefer(context) : .require(context)
    } catch {
      throw CutoverError.state("cannot set up TLS for \(settings): \(error)")
    }
  }

  /// One statement, alone (its own transaction).
  @discardableResult
  func run(_ query: PostgresQuery) throws -> PostgresQueryResult {
    try turn.withLock { _ in try execute(query) }
  }

  /// Runs `body` in one transaction, committed when it returns and rolled back when it throws.
  func transaction<T>(_ body: (PostgresTransaction) throws -> T) throws -> T {
    try turn.withLock { _ in
      try execute("BEGIN")
      do {
        let result = try body(PostgresTransaction(link: self))
        try execute("COMMIT")
        return result
      } catch {
        _ = try? execute("ROLLBACK")
        throw error
      }
    }
  }

  @discardableResult
  fileprivate func execute(_ query: PostgresQuery) throws -> PostgresQueryResult {
    do {
      return try connection.query(query, logger: Self.logger).wait()
    } catch {
      throw CutoverError.state("PostgreSQL state at \(settings): \(Self.describe(error))")
    }
  }

  /// Why a connection failed, in words: TLS verification, a refused or unreachable server, or what the server said.
  static func describeConnecting(_ error: any Error, _ settings: PostgresSettings) -> String {
    let text = describe(error)
    if text.contains("CERTIFICATE_VERIFY_FAILED") {
      let authority = settings.rootCertificate.map { "the authority in \($0)" } ?? "the system's authorities"
      return "the server's TLS certificate is not signed by \(authority)"
        + (settings.tlsMode == .verifyFull ? " for this host name" : "") + " (sslmode=\(settings.tlsMode.rawValue))"
    }
    if settings.isSocket, text.contains("No such file or directory") {
      return "no PostgreSQL socket in \(settings.host); set \(PostgresSettings.urlVariable) (or PGHOST and the other "
        + "PG* variables) to where the state's database is"
    }
    if text.contains("Connection refused") { return "connection refused (is PostgreSQL listening there?)" }
    if text.contains("timeout") || text.contains("connectTimeout") { return "no answer within 10 s" }
    return text
  }

  /// What went wrong, as the server or the network said it: the server's message and SQLSTATE, or the connection's
  /// error. Never the query's values, nor the password.
  static func describe(_ error: any Error) -> String {
    if let error = error as? PSQLError {
      if let message = error.serverInfo?[.message] {
        let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
        return message + state
      }
      if let underlying = error.underlying { return String(describing: underlying) }
      switch error.code {
      case .sslUnsupported: return "the server does not offer TLS, which sslmode requires"
      case .authMechanismRequiresPassword: return "the server asks for a password and none was given"
      case .serverClosedConnection, .connectionError: return "the connection was closed"
      default: return "\(error.code)"
      }
    }
    return String(describing: error)
  }
}

/// The statements of one transaction, counting the rows they change.
final class PostgresTransaction {
  fileprivate let link: PostgresLink
  /// The rows the statements run through ``change(_:)`` changed.
  private(set) var changes = 0

  fileprivate init(link: PostgresLink) {
    self.link = link
  }

  /// A statement whose rows are read (or whose changes do not count).
  @discardableResult
  func run(_ query: PostgresQuery) throws -> PostgresQueryResult {
    try link.execute(query)
  }

  /// An insert, update or delete; returns the rows it changed.
  @discardableResult
  func change(_ query: PostgresQuery) throws -> Int {
    let changed = try link.execute(query).metadata.rows ?? 0
    changes += changed
    return changed
  }
}
