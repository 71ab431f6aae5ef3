import CutoverKit
import Foundation
import TestSupport
import Testing

/// Where the PostgreSQL state is, read from the environment as libpq reads it, and how it is reached: TLS verified
/// with `verify-full`, and the password never shown.
@Suite("PostgreSQL state: connection settings and TLS")
struct PostgresConnectionTests {
  @Test("CUTOVER_PG_URL gives every setting; the password is never in the description")
  func url() throws {
    let settings = try PostgresSettings.from(environment: [
      "CUTOVER_PG_URL":
        "postgresql://paws%40ops:s3cr%2Ft@db.example.org:6432/cutover?sslmode=verify-full&sslrootcert=/etc/ca.pem",
      "PGHOST": "ignored", "PGPASSWORD": "ignored-too",
    ])
    #expect(settings.host == "db.example.org")
    #expect(settings.port == 6432)
    #expect(settings.user == "paws@ops")
    #expect(settings.password == "s3cr/t")
    #expect(settings.database == "cutover")
    #expect(settings.tlsMode == .verifyFull)
    #expect(settings.rootCertificate == "/etc/ca.pem")
    #expect(settings.description == "postgresql://paws@ops@db.example.org:6432/cutover")
    #expect(!settings.description.contains("s3cr"))
  }

  @Test("without the URL, libpq's variables; libpq's defaults for what they leave out")
  func libpqVariables() throws {
    let settings = try PostgresSettings.from(environment: [
      "PGHOST": "10.0.0.5", "PGPORT": "5433", "PGUSER": "paws", "PGPASSWORD": "pw", "PGSSLMODE": "require",
    ])
    #expect(settings.host == "10.0.0.5")
    #expect(settings.port == 5433)
    #expect(settings.database == "paws", "the database defaults to the user")
    #expect(settings.tlsMode == .require)
    let defaults = try PostgresSettings.from(environment: ["USER": "operator"])
    #expect(defaults.host == "/var/run/postgresql" && defaults.isSocket)
    #expect(defaults.port == 5432 && defaults.user == "operator" && defaults.database == "operator")
    #expect(defaults.tlsMode == .prefer)
  }

  @Test(
    "a malformed URL, port or sslmode is a usage error naming the variable, without the password",
    arguments: [
      ["CUTOVER_PG_URL": "mysql://u:topsecret@h/db"], ["CUTOVER_PG_URL": "postgresql://u:topsecret@h/db?sslmode=on"],
      ["CUTOVER_PG_URL": "postgresql://u:topsecret@h/db?options=x"], ["PGPORT": "99999", "PGPASSWORD": "topsecret"],
      ["PGSSLMODE": "sometimes", "PGPASSWORD": "topsecret"],
    ])
  func malformed(_ environment: [String: String]) throws {
    let error = try #require(throws: CutoverError.self) { try PostgresSettings.from(environment: environment) }
    #expect(error.exitCode == 64)
    let message = error.errorDescription ?? ""
    #expect(message.contains("CUTOVER_PG_URL") || message.contains("PGPORT") || message.contains("PGSSLMODE"))
    #expect(!message.contains("topsecret"), "\(message)")
  }

  /// The scratch server's URL for a new database, with `query` appended.
  private static func database(_ query: String) throws -> [String: String] {
    [PostgresSettings.urlVariable: try ScratchPostgres.newDatabase() + query]
  }

  @Test("verify-full with the authority that signed the server's certificate connects over TLS")
  func verifiedTLS() throws {
    let authority = try #require(try ScratchPostgres.server().certificateAuthority)
    let settings = try PostgresSettings.from(
      environment: try Self.database("?sslmode=verify-full&sslrootcert=\(authority)"))
    let store = try PostgreSQLStateStore(settings: settings, environment: "eqiad1")
    #expect(try store.version().serial == 0)
    let url = try #require(try Self.database("")[PostgresSettings.urlVariable])
    let ssl = try ScratchPostgres.run(sql: "SHOW ssl", at: url)
    #expect(ssl.output.trimmingCharacters(in: .whitespacesAndNewlines) == "on")
  }

  @Test("verify-full refuses a server whose certificate another authority signed, saying so, without the password")
  func untrustedServer() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cutover-ca-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    // An authority of its own, which never signed the server's certificate.
    let other = directory.appendingPathComponent("other-ca.pem").path
    let openssl = try #require(ProgramRun.onPath("openssl"), "openssl is not on PATH: run scripts/test")
    let made = try await ProgramRun.run(
      openssl,
      [
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=another CA", "-keyout",
        directory.appendingPathComponent("other-ca.key").path, "-out", other,
      ])
    try #require(made.exitCode == 0, "\(made)")
    let environment = try Self.database("?sslmode=verify-full&sslrootcert=\(other)")
    let password = try #require(URLComponents(string: environment[PostgresSettings.urlVariable]!)?.password)
    let error = try #require(throws: CutoverError.self) {
      try PostgreSQLStateStore(settings: PostgresSettings.from(environment: environment), environment: "eqiad1")
    }
    let message = error.errorDescription ?? ""
    #expect(message.contains("cannot connect to the PostgreSQL state at postgresql://cutover@127.0.0.1:"), "\(message)")
    #expect(message.contains("the server's TLS certificate is not signed by the authority in \(other)"), "\(message)")
    #expect(!message.contains(password), "\(message)")
  }

  @Test("a wrong password is refused by the server, and neither password appears in the error")
  func wrongPassword() throws {
    let url = try #require(try Self.database("?sslmode=disable")[PostgresSettings.urlVariable])
    var components = try #require(URLComponents(string: url))
    let right = try #require(components.password)
    components.password = "not-the-password"
    let error = try #require(throws: CutoverError.self) {
      try PostgreSQLStateStore(
        settings: PostgresSettings.from(environment: [PostgresSettings.urlVariable: components.string!]),
        environment: "eqiad1")
    }
    let message = error.errorDescription ?? ""
    #expect(message.contains("password authentication failed"), "\(message)")
    #expect(!message.contains(right) && !message.contains("not-the-password"), "\(message)")
  }
}
