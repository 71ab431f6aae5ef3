import TestSupport
import Testing

@Suite("cutover validate")
struct ValidateTests {
  @Test("the eqiad1 desired state is valid")
  func validFile() async throws {
    let workspace = try Workspace.with(.eqiad1())
    let result = try await workspace.run(["validate", "eqiad1"])
    try requireExit(0, result)
    #expect(result.stdout.contains("clusters/eqiad1.yaml is valid"), "\(result)")
  }

  @Test("an unknown top-level key exits 65 naming the file, line and column")
  func unknownTopLevelKey() async throws {
    var desired = try DesiredStateFixture.eqiad1()
    try desired.insert("lvie: 128a", after: "live: 127d")
    try await expectUnknownKey("lvie", in: desired)
  }

  @Test("an unknown key inside a generation exits 65 naming the file, line and column")
  func unknownGenerationKey() async throws {
    var desired = try DesiredStateFixture.eqiad1()
    try desired.setGenerations([("127d", "{cluster: {wrokers: 6}}")])
    try await expectUnknownKey("wrokers", in: desired)
  }

  @Test(
    "an unknown key under defaults is reported once, at its own path, even with no generation")
  func unknownKeyUnderDefaults() async throws {
    var desired = try DesiredStateFixture.eqiad1()
    try desired.insert("    wrokers: 6", after: "    workers: 5")
    try desired.setGenerations([("127d", "{}"), ("128a", "{}")])
    let workspace = try Workspace.with(desired)
    let result = try await workspace.run(["validate", "eqiad1"])
    try requireExit(65, result)
    let position = try desired.position(of: "wrokers")
    let errors = result.stderrLines.filter { $0.contains("wrokers") }
    #expect(errors.count == 1, "\(result)")
    #expect(
      errors.first?.contains("clusters/eqiad1.yaml:\(position.line):\(position.column): defaults.cluster") == true)

    try desired.setGenerations([])
    try desired.removeLive()
    try workspace.write(desired)
    let withoutGenerations = try await workspace.run(["validate", "eqiad1"])
    try requireExit(65, withoutGenerations)
    #expect(withoutGenerations.stderr.contains("wrokers"))
  }

  private func expectUnknownKey(
    _ key: String, in desired: DesiredStateFixture, sourceLocation: SourceLocation = #_sourceLocation
  ) async throws {
    let workspace = try Workspace.with(desired)
    let result = try await workspace.run(["validate", "eqiad1"])
    try requireExit(65, result, sourceLocation: sourceLocation)
    let position = try desired.position(of: key)
    #expect(
      result.stderr.contains("clusters/eqiad1.yaml:\(position.line):\(position.column):"), "\(result)",
      sourceLocation: sourceLocation)
    #expect(result.stderr.contains("unknown key '\(key)'"), "\(result)", sourceLocation: sourceLocation)
    #expect(result.stdout.isEmpty, "\(result)", sourceLocation: sourceLocation)
  }
}
