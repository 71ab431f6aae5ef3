import Foundation

/// Where the PostgreSQL state is and how to reach it, read from the environment, never from the environment file
/// (which is committed): `CUTOVER_PG_URL` (`postgresql://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=…&sslrootcert=…`),
/// else libpq's variables `PGHOST`, `PGPORT`, `PGDATABASE`, `PGUSER`, `PGPASSWORD`, `PGSSLMODE`, `PGSSLROOTCERT`.
/// As libpq: the port defaults to 5432, the user to the login name, the database to the user, the host to the socket
/// directory `/var/run/postgresql` (a host starting with `/` is a socket directory), `sslmode` to `prefer`.
/// The password is never part of ``description``.
public struct PostgresSettings: Sendable, Equatable, CustomStringConvertible {
  /// libpq's `sslmode`.
  public enum TLSMode: String, Sendable, CaseIterable {
    /// No TLS.
    case disable
    /// TLS when the server offers it, its certificate not checked (`allow` reads as this too).
    case prefer
    /// TLS, its certificate not checked.
    case require
    /// TLS, the certificate signed by a trusted authority (`sslrootcert`, else the system's).
    case verifyCA = "verify-ca"
    /// TLS, the certificate signed by a trusted authority and naming the host.
    case verifyFull = "verify-full"
  }

  /// The variable holding the whole connection as a URL.
  public static let urlVariable = "CUTOVER_PG_URL"

  public var host: String
  public var port: Int
  public var user: String
  public var password: String?
  public var database: String
  public var tlsMode: TLSMode
  /// The authorities trusted for `verify-ca` and `verify-full` (a PEM file); the system's when nil.
  public var rootCertificate: String?

  /// Whether `host` names a socket directory.
  public var isSocket: Bool { host.hasPrefix("/") }

  /// `postgresql://USER@HOST:PORT/DATABASE`: where the state is, for messages. No password.
  public var description: String {
    isSocket
      ? "postgresql://\(user)@/\(database) (socket \(host))" : "postgresql://\(user)@\(host):\(port)/\(database)"
  }

  /// The settings the process environment gives.
  /// - Throws: `CutoverError.usage` for a malformed URL, port or `sslmode`, saying which variable; the password
  ///   never appears in the message.
  public static func from(environment: [String: String]) throws -> PostgresSettings {
    func variable(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
    let login =
      variable("USER") ?? variable("LOGNAME") ?? (getpwuid(getuid())?.pointee.pw_name.map { String(cString: $0) })
      ?? "postgres"
    var settings = PostgresSettings(
      host: "/var/run/postgresql", port: 5432, user: login, password: nil, database: "", tlsMode: .prefer,
      rootCertificate: nil)
    if let url = variable(urlVariable) {
      try settings.read(url: url)
    } else {
      if let host = variable("PGHOST") { settings.host = host }
      if let port = variable("PGPORT") {
        guard let number = Int(port), (1...65_535).contains(number) else {
          throw CutoverError.usage("PGPORT is \(port), which is not a port number")
        }
        settings.port = number
      }
      if let user = variable("PGUSER") { settings.user = user }
      settings.password = variable("PGPASSWORD")
      if let database = variable("PGDATABASE") { settings.database = database }
      if let mode = variable("PGSSLMODE") { settings.tlsMode = try Self.tlsMode(mode, from: "PGSSLMODE") }
      settings.rootCertificate = variable("PGSSLROOTCERT")
    }
    if settings.database.isEmpty { settings.database = settings.user }
    if settings.rootCertificate == nil, let home = variable("HOME"),
      FileManager.default.fileExists(atPath: home + "/.postgresql/root.crt")
    {
      settings.rootCertificate = home + "/.postgresql/root.crt"
    }
    return settings
  }

  private mutating func read(url text: String) throws {
    let problem = { (what: String) in
      CutoverError.usage(
        "\(Self.urlVariable) is not a PostgreSQL URL (\(what)); write postgresql://USER:PASSWORD@HOST:PORT/DATABASE")
    }
    guard let components = URLComponents(string: text), let scheme = components.scheme else {
      throw problem("it does not parse")
    }
    guard scheme == "postgresql" || scheme == "postgres" else { throw problem("the scheme is \(scheme)") }
    if let host = components.host, !host.isEmpty { self.host = host }
    if let port = components.port {
      guard (1...65_535).contains(port) else { throw problem("port \(port)") }
      self.port = port
    }
    if let user = components.user, !user.isEmpty { self.user = user.removingPercentEncoding ?? user }
    if let password = components.password { self.password = password.removingPercentEncoding ?? password }
    let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
    if !path.isEmpty { database = path.removingPercentEncoding ?? path }
    for item in components.queryItems ?? [] {
      guard let value = item.value else { continue }
      switch item.name {
      case "sslmode": tlsMode = try Self.tlsMode(value, from: "\(Self.urlVariable)'s sslmode")
      case "sslrootcert": rootCertificate = value
      case "host": host = value
      case "port":
        guard let number = Int(value), (1...65_535).contains(number) else { throw problem("port \(value)") }
        port = number
      case "user": user = value
      case "password": password = value
      case "dbname": database = value
      default: throw problem("it sets \(item.name), which Cutover does not read")
      }
    }
  }

  private static func tlsMode(_ text: String, from origin: String) throws -> TLSMode {
    if text == "allow" { return .prefer }
    guard let mode = TLSMode(rawValue: text) else {
      throw CutoverError.usage(
        "\(origin) is \(text); use one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return mode
  }
}
