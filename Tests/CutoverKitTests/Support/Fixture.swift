import CutoverKit
import Foundation
import Testing

/// Files under `Tests/CutoverKitTests/Fixtures`, read from the copy SwiftPM puts in the test bundle.
enum Fixture {
  /// The bundled `Fixtures` directory.
  static var directory: URL {
    get throws {
      try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil), "the test bundle has no Fixtures")
    }
  }

  /// The absolute path of a fixture, such as `environments/eqiad1.yaml`.
  static func path(_ name: String) throws -> String {
    try directory.appendingPathComponent(name).path
  }

  /// The text of a fixture.
  static func text(_ name: String) throws -> String {
    try String(contentsOfFile: path(name), encoding: .utf8)
  }

  /// An environment file under `environments/`, parsed; diagnostics name it `clusters/<name>`.
  static func desiredState(_ name: String, environment: String = "eqiad1") throws -> DesiredState {
    try EnvironmentFile.parse(text("environments/\(name)"), environment: environment, file: "clusters/\(name)")
  }

  /// The diagnostics an environment file under `invalid/` produces; records an issue when it parses cleanly.
  static func diagnostics(
    of name: String, environment: String = "eqiad1", sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> [Diagnostic] {
    let text = try text(name)
    do {
      _ = try EnvironmentFile.parse(text, environment: environment, file: name)
    } catch CutoverError.invalidDesiredState(let diagnostics) {
      return diagnostics
    }
    Issue.record("\(name) parsed without a diagnostic", sourceLocation: sourceLocation)
    return []
  }
}
