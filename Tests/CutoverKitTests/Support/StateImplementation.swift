import CutoverKit
import Testing

/// A state store the state's contract tests run against. `open` opens the state of an environment kept in a
/// directory, and opens the same state again when called again with the same directory. Another store (a read-only
/// snapshot, PostgreSQL) joins the tests by one more entry in ``all``.
struct StateImplementation: Sendable, CustomTestStringConvertible {
  let name: String
  let open: @Sendable (_ directory: String, _ environment: String) throws -> any StateBackend

  var testDescription: String { name }

  static let all: [StateImplementation] = [
    StateImplementation(name: "SQLite") { directory, environment in
      try SQLiteStateStore(path: directory + "/\(environment).sqlite", environment: environment)
    }
  ]
}
