import CutoverKit
import TestSupport
import Testing

/// A state store the state's contract tests run against. `open` opens the state of an environment kept in a
/// directory, and opens the same state again when called again with the same directory: a SQLite file in it, or a
/// PostgreSQL database of its own (``ScratchPostgres``) named in it. Another store joins the tests by one more entry
/// in ``all``.
struct StateImplementation: Sendable, CustomTestStringConvertible {
  let name: String
  let open: @Sendable (_ directory: String, _ environment: String) throws -> any StateBackend

  var testDescription: String { name }

  static let all: [StateImplementation] = [sqlite, postgresql]

  static let sqlite = StateImplementation(name: "SQLite") { directory, environment in
    try SQLiteStateStore(path: directory + "/\(environment).sqlite", environment: environment)
  }

  static let postgresql = StateImplementation(name: "PostgreSQL") { directory, environment in
    let url = try ScratchPostgres.database(for: directory)
    return try PostgreSQLStateStore(
      settings: PostgresSettings.from(environment: [PostgresSettings.urlVariable: url + "?sslmode=disable"]),
      environment: environment)
  }
}
