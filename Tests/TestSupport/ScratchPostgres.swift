import Foundation
import Synchronization

/// The PostgreSQL the tests keep shared state in: the one `scripts/test` started for the run (`CUTOVER_TEST_PG_URL`,
/// `CUTOVER_TEST_PG_CA`), or, when a test runs without it (`swift test --filter …`), one this test process starts
/// with `scripts/postgres-scratch` and stops when it exits. Each test takes a database of its own. Nothing is skipped
/// when PostgreSQL is missing: the test fails, saying to run scripts/test.
public enum ScratchPostgres {
  /// A server's address, and the authority its TLS certificate is signed by.
  public struct Server: Sendable {
    /// `postgresql://cutover:PASSWORD@127.0.0.1:PORT/postgres`.
    public var url: String
    /// A PEM file, for `sslmode=verify-full`.
    public var certificateAuthority: String?
  }

  private static let started = Mutex<Server?>(nil)
  /// The directory of the server this process started, stopped at exit.
  private static let ownDirectory = Mutex<String?>(nil)

  /// The run's server, started on first use when the run has none.
  public static func server() throws -> Server {
    try started.withLock { server in
      if let server { return server }
      let environment = ProcessInfo.processInfo.environment
      if let url = environment["CUTOVER_TEST_PG_URL"], !url.isEmpty {
        server = Server(url: url, certificateAuthority: environment["CUTOVER_TEST_PG_CA"])
        return server!
      }
      let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
        "cutover-postgres-\(UUID().uuidString)"
      ).path
      let run = try runToEnd(script, ["start", directory])
      guard run.status == 0 else {
        throw ScratchPostgresError(
          "scripts/postgres-scratch could not start PostgreSQL (run scripts/test, which installs it): \(run.errors)")
      }
      ownDirectory.withLock { $0 = directory }
      atexit { ScratchPostgres.stopOwnServer() }
      server = Server(
        url: run.output.trimmingCharacters(in: .whitespacesAndNewlines),
        certificateAuthority: directory + "/ca.crt")
      return server!
    }
  }

  /// A new empty database in the run's server; returns its URL (the server's, naming that database).
  public static func newDatabase() throws -> String {
    let server = try server()
    let name = "cutover_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    let psql = try run(sql: "CREATE DATABASE \(name)", at: server.url)
    guard psql.status == 0 else { throw ScratchPostgresError("CREATE DATABASE failed: \(psql.errors)") }
    return url(server.url, database: name)
  }

  /// The database of `directory`: made on first use and noted in the directory, so opening the same directory again
  /// reaches the same database (as a state file in it would be the same file).
  public static func database(for directory: String) throws -> String {
    let note = directory + "/postgres-database-url"
    if let noted = try? String(contentsOfFile: note, encoding: .utf8) { return noted }
    let url = try newDatabase()
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try url.write(toFile: note, atomically: true, encoding: .utf8)
    return url
  }

  /// Runs SQL through `psql` against `url`.
  public static func run(sql: String, at url: String) throws -> (status: Int32, output: String, errors: String) {
    try runToEnd(URL(fileURLWithPath: "/usr/bin/env"), ["psql", "-X", "-q", "-A", "-t", url, "-c", sql])
  }

  /// `url` naming `database` instead of its own.
  public static func url(_ url: String, database: String) -> String {
    guard var components = URLComponents(string: url) else { return url }
    components.path = "/" + database
    return components.string ?? url
  }

  private static func stopOwnServer() {
    guard let directory = ownDirectory.withLock({ $0 }) else { return }
    _ = try? runToEnd(script, ["stop", directory])
    try? FileManager.default.removeItem(atPath: directory)
  }

  /// `scripts/postgres-scratch` in the checkout.
  private static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("scripts/postgres-scratch")

  /// Runs a short program to its end, its output in files (a server it starts must not hold a pipe of ours).
  private static func runToEnd(_ executable: URL, _ arguments: [String]) throws -> (
    status: Int32, output: String, errors: String
  ) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cutover-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let files = try OutputFiles(
      stdout: folder.appendingPathComponent("out"), stderr: folder.appendingPathComponent("err"))
    defer { files.close() }
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = files.stdout
    process.standardError = files.stderr
    try process.run()
    process.waitUntilExit()
    return (process.terminationStatus, OutputFiles.read(files.stdoutFile), OutputFiles.read(files.stderrFile))
  }
}

/// PostgreSQL could not be started or prepared for a test.
public struct ScratchPostgresError: Error, CustomStringConvertible {
  public var description: String

  init(_ description: String) {
    self.description = description
  }
}
