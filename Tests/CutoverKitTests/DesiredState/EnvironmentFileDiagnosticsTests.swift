import CutoverKit
import Foundation
import Testing

/// Each file under `invalid/` breaks one thing of `environments/minimal.yaml` (its first line says what); the
/// diagnostics must name the file, the line and column of the offending text, and what was expected.
@Suite("Environment file: diagnostics")
struct EnvironmentFileDiagnosticsTests {
  /// The only diagnostic a file produces; records an issue when there are more or none.
  private func onlyDiagnostic(
    of name: String, environment: String = "eqiad1", sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> Diagnostic {
    let diagnostics = try Fixture.diagnostics(of: name, environment: environment, sourceLocation: sourceLocation)
    #expect(diagnostics.count == 1, "\(diagnostics.map(\.description))", sourceLocation: sourceLocation)
    return try #require(diagnostics.first, sourceLocation: sourceLocation)
  }

  // MARK: - Malformed YAML

  @Test("malformed YAML is reported at the line and column where the parser stopped")
  func malformedYAML() throws {
    let diagnostic = try onlyDiagnostic(of: "invalid/malformed.yaml")
    #expect(diagnostic.file == "invalid/malformed.yaml")
    #expect(diagnostic.line == 4)
    #expect(diagnostic.column == 14)
    #expect(diagnostic.message.hasPrefix("malformed YAML: "))
    #expect(diagnostic.description.hasPrefix("invalid/malformed.yaml:4:14: malformed YAML: "))
  }

  // MARK: - Unknown keys

  @Test("an unknown top-level key is reported where it is written, with the key it was probably meant to be")
  func unknownTopLevelKey() throws {
    let diagnostic = try onlyDiagnostic(of: "invalid/unknown-top-level-key.yaml")
    #expect((diagnostic.line, diagnostic.column) == (26, 1))
    #expect(diagnostic.message.contains("unknown key 'web_proxy' (did you mean 'web_proxies'?)"))
  }

  @Test("an unknown key in defaults.template is reported at its line, with the likely key")
  func unknownTemplateKey() throws {
    let diagnostic = try onlyDiagnostic(of: "invalid/unknown-template-key.yaml")
    #expect((diagnostic.line, diagnostic.column) == (12, 5))
    #expect(diagnostic.message.contains("unknown key 'dns_nameservers' (did you mean 'dns_nameserver'?)"))
  }

  @Test(
    "an unknown key in defaults.template is reported once, however many generations inherit it")
  func unknownTemplateKeyReportedOnce() throws {
    let diagnostics = try Fixture.diagnostics(of: "invalid/unknown-template-key-two-generations.yaml")
    #expect(diagnostics.count == 1, "\(diagnostics.map(\.description))")
    #expect(diagnostics.allSatisfy { ($0.line, $0.column) == (12, 5) })
  }

  @Test(
    "an unknown key directly under defaults is reported once, however many generations inherit it")
  func unknownDefaultsKeyReportedOnce() throws {
    let diagnostics = try Fixture.diagnostics(of: "invalid/unknown-defaults-key.yaml")
    #expect(diagnostics.count == 1, "\(diagnostics.map(\.description))")
    #expect(diagnostics.first?.message.hasPrefix("defaults: unknown key 'clustr' (did you mean 'cluster'?)") == true)
  }

  @Test("an unknown key in a generation is reported at its line, with the likely key")
  func unknownGenerationKey() throws {
    let diagnostics = try Fixture.diagnostics(of: "invalid/unknown-generation-key.yaml")
    let diagnostic = try #require(diagnostics.first)
    #expect((diagnostic.line, diagnostic.column) == (25, 5))
    #expect(diagnostic.message.hasPrefix("generations.127d: unknown key 'clsuter' (did you mean 'cluster'?)"))
  }

  @Test(
    "an unknown key in a generation is reported once")
  func unknownGenerationKeyReportedOnce() throws {
    let diagnostics = try Fixture.diagnostics(of: "invalid/unknown-generation-key.yaml")
    #expect(diagnostics.count == 1, "\(diagnostics.map(\.description))")
  }

  @Test("an unknown key in a release is reported at its line, with the likely key")
  func unknownReleaseKey() throws {
    let diagnostic = try onlyDiagnostic(of: "invalid/unknown-release-key.yaml")
    #expect((diagnostic.line, diagnostic.column) == (23, 7))
    #expect(diagnostic.message.contains("unknown key 'versoin' (did you mean 'version'?)"))
  }

  // MARK: - Wrong types

  @Test("a word where workers needs an integer is reported at the value, saying an integer was expected")
  func workersNotAnInteger() throws {
    let diagnostic = try onlyDiagnostic(of: "invalid/wrong-type-workers.yaml")
    #expect((diagnostic.line, diagnostic.column) == (26, 16))
    #expect(diagnostic.message == "generations.127d.cluster.workers: expected an integer, found the string 'five'")
  }

  @Test("a list where labels needs a mapping is reported at the value, saying a mapping was expected")
  func labelsNotAMapping() throws {
    let diagnostic = try onlyDiagnostic(of: "invalid/wrong-type-labels.yaml")
    #expect((diagnostic.line, diagnostic.column) == (12, 13))
    #expect(diagnostic.message == "defaults.template.labels: expected a mapping, found a list")
  }

  @Test("a word where create_timeout needs a duration is reported at the value, with an example")
  func createTimeoutNotADuration() throws {
    let diagnostic = try onlyDiagnostic(of: "invalid/wrong-type-create-timeout.yaml")
    #expect((diagnostic.line, diagnostic.column) == (18, 21))
    #expect(
      diagnostic.message
        == "defaults.cluster.create_timeout: expected a duration such as 60m or 1h, found 'abc'")
  }

  @Test("a word where a flag needs true or false is reported at the value, saying so")
  func flagNotABoolean() throws {
    let diagnostic = try onlyDiagnostic(of: "invalid/wrong-type-bool.yaml")
    #expect((diagnostic.line, diagnostic.column) == (12, 26))
    #expect(
      diagnostic.message
        == "defaults.template.floating_ip_enabled: expected true or false, found the string 'sometimes'")
  }

  // MARK: - Missing and inconsistent keys

  @Test("a template with no image, in defaults or the generation, is reported as a missing key")
  func missingImage() throws {
    let diagnostic = try onlyDiagnostic(of: "invalid/missing-image.yaml")
    #expect((diagnostic.line, diagnostic.column) == (7, 5))
    #expect(diagnostic.message == "generations.127d.template: missing required key 'image'")
  }

  @Test("generations without live is reported as a missing key")
  func missingLive() throws {
    let diagnostic = try onlyDiagnostic(of: "invalid/missing-live.yaml")
    #expect((diagnostic.line, diagnostic.column) == (2, 1))
    #expect(diagnostic.message.hasPrefix("top level: missing required key 'live'"))
  }

  @Test("live naming a generation the file does not have is reported at the value, listing the generations")
  func liveNamesMissingGeneration() throws {
    let diagnostic = try onlyDiagnostic(of: "invalid/live-unknown-generation.yaml")
    #expect((diagnostic.line, diagnostic.column) == (25, 7))
    #expect(diagnostic.message == "live: '128z' is not a generation in this file (generations: 127d)")
  }

  @Test("a file loaded under another environment's name is reported at its environment value")
  func environmentMismatch() throws {
    let diagnostic = try onlyDiagnostic(of: "environments/minimal.yaml", environment: "codfw1dev")
    #expect((diagnostic.line, diagnostic.column) == (2, 14))
    #expect(diagnostic.message == "environment: the file says 'eqiad1' but was loaded as 'codfw1dev'")
  }

  @Test("several problems in one file are all reported")
  func severalProblems() throws {
    let diagnostics = try Fixture.diagnostics(of: "invalid/several-problems.yaml")
    let positions = diagnostics.map { "\($0.line):\($0.column)" }
    #expect(Set(positions) == ["28:1", "26:16", "27:7"])
    #expect(diagnostics.count == 3)
  }

  // MARK: - The file itself

  @Test("a missing file is reported naming the file")
  func missingFile() throws {
    try withTemporaryDirectory { directory in
      let path = directory + "/clusters/eqiad1.yaml"
      let error = try #require(throws: CutoverError.self) {
        try EnvironmentFile.load(environment: "eqiad1", path: path)
      }
      guard case .invalidDesiredState(let diagnostics) = error else {
        Issue.record("expected invalid desired state, got \(error)")
        return
      }
      #expect(diagnostics.count == 1)
      #expect(diagnostics.first?.file == path)
      #expect(diagnostics.first?.message.contains("no such file") == true)
      #expect(error.errorDescription?.hasPrefix(path) == true)
    }
  }

  @Test("an invalid desired state exits with 65")
  func invalidDesiredStateExitCode() {
    let error = CutoverError.invalidDesiredState([
      Diagnostic(file: "clusters/eqiad1.yaml", line: 1, column: 1, message: "x")
    ])
    #expect(error.exitCode == 65)
  }

  @Test("the error text lists every diagnostic as file:line:column: message, one a line")
  func errorDescriptionListsDiagnostics() throws {
    let diagnostics = try Fixture.diagnostics(of: "invalid/several-problems.yaml")
    let text = CutoverError.invalidDesiredState(diagnostics).errorDescription ?? ""
    #expect(text.split(separator: "\n").count == diagnostics.count)
    #expect(text.split(separator: "\n").allSatisfy { $0.hasPrefix("invalid/several-problems.yaml:") })
  }
}
