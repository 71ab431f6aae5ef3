import CutoverKit
import Foundation
import Testing

/// Files written to hurt: an alias bomb, numbers Int64 cannot hold, names with a trailing newline, control
/// characters. Each is refused (or read faithfully) with the file, line and column of the offending text.
@Suite("Environment file: hostile input")
struct HostileInputTests {
  // MARK: - Alias bombs

  @Test("a YAML alias bomb is refused at the alias that takes the expansion past the bound, without expanding it")
  func aliasBomb() throws {
    let diagnostics = try Fixture.diagnostics(of: "invalid/alias-bomb.yaml")
    #expect(diagnostics.count == 1, "\(diagnostics.map(\.description))")
    let diagnostic = try #require(diagnostics.first)
    // `l4: &l4 [*l3, …]`: l1 to l3 repeat 90 + 819 + 7,380 values, and the first *l3 another 7,381.
    #expect((diagnostic.line, diagnostic.column) == (28, 18), "\(diagnostic)")
    #expect(diagnostic.message.contains("alias *l3"), "\(diagnostic)")
    #expect(diagnostic.message.contains("10000"), "\(diagnostic)")
  }

  @Test("an alias bomb used as a mapping key is refused too (Yams would hash the expanded key)")
  func aliasBombAsKey() throws {
    let bomb = try Fixture.text("invalid/alias-bomb.yaml")
    let text = bomb.replacingOccurrences(of: "generations:\n", with: "generations:\n  ? *l7\n  : {}\n")
    #expect(throws: CutoverError.self) {
      _ = try EnvironmentFile.parse(text, environment: "eqiad1", file: "bomb.yaml")
    }
  }

  @Test("aliases that repeat a few values are read as the values they name")
  func modestAliases() throws {
    let text = try Fixture.text("environments/minimal.yaml")
      .replacingOccurrences(
        of: "      namespace: prod\n", with: "      namespace: prod\n      set: {a: &a [1, 2], b: *a}\n")
    let state = try EnvironmentFile.parse(text, environment: "eqiad1", file: "aliases.yaml")
    #expect(state.generation("127d")?.releases.first?.set == ["a": [1, 2], "b": [1, 2]])
  }

  // MARK: - Numbers

  @Test("set: numbers with a fraction, an exponent or more digits than Int64 holds reach helm as JSON numbers")
  func numbersStayNumbers() throws {
    let state = try Fixture.desiredState("set-numbers.yaml")
    let release = try #require(state.generation("127d")?.releases.first)
    let arguments = HelmCommands.upgradeInstall(
      HelmReleaseRequest(release), target: KubernetesTarget(kubeconfig: "kube.config")
    ).arguments
    let values = zip(arguments, arguments.dropFirst()).filter { $0.0 == "--set-json" }.map(\.1)
    #expect(
      values == [
        "big=1.2345678901234569e+23", "count=3", "exponent=1000", "negative=-0.25", #"nested={"weights":[0.25,0.75]}"#,
        "ratio=0.5", "tiny=1.5e-07", "whole=2",
      ])
  }

  @Test("a number JSON cannot write (.inf, .nan) is refused at its line")
  func infinityIsRefused() throws {
    let diagnostics = try Fixture.diagnostics(of: "invalid/set-infinity.yaml")
    #expect(diagnostics.count == 1, "\(diagnostics.map(\.description))")
    let diagnostic = try #require(diagnostics.first)
    #expect((diagnostic.line, diagnostic.column) == (24, 16), "\(diagnostic)")
    #expect(diagnostic.message.contains(".inf"), "\(diagnostic)")
  }

  // MARK: - Trailing newlines

  @Test("no name, id, domain or key passes with a trailing newline: each is reported at its own line")
  func trailingNewlines() throws {
    let name = "invalid/trailing-newlines.yaml"
    let diagnostics = try Fixture.diagnostics(of: name)
    let lines = try Fixture.text(name).components(separatedBy: "\n")
    for (index, line) in lines.enumerated() where !line.hasPrefix("#") {
      let written = line.components(separatedBy: #"\n""#).count - 1
      let reported = diagnostics.filter { $0.line == index + 1 }
      #expect(reported.count >= written, "line \(index + 1) `\(line)`: \(reported.map(\.description))")
    }
    // Each diagnostic stays one line, the newline it quotes escaped.
    #expect(diagnostics.allSatisfy { !$0.description.contains("\n") }, "\(diagnostics.map(\.description))")
  }

  @Test("an environment name with a trailing newline is refused before it becomes a path")
  func environmentNameWithNewline() {
    #expect(throws: CutoverError.self) { try EnvironmentName.validate("eqiad1\n") }
    #expect(throws: Never.self) { try EnvironmentName.validate("eqiad1") }
  }

  // MARK: - Control characters

  @Test(
    "a control character is reported at its line and column",
    arguments: ["\u{0}", "\u{7}", "\u{1B}", "\u{7F}"])
  func controlCharacter(character: String) throws {
    let text = try Fixture.text("environments/minimal.yaml")
      .replacingOccurrences(of: "project: paws", with: "project: pa\(character)ws")
    do {
      _ = try EnvironmentFile.parse(text, environment: "eqiad1", file: "clusters/eqiad1.yaml")
      Issue.record("a control character was accepted")
    } catch CutoverError.invalidDesiredState(let diagnostics) {
      #expect(diagnostics.count == 1)
      let diagnostic = try #require(diagnostics.first)
      #expect((diagnostic.line, diagnostic.column) == (3, 12), "\(diagnostic)")
      #expect(diagnostic.description.hasPrefix("clusters/eqiad1.yaml:3:12: malformed YAML: control characters"))
    }
  }
}
