import Foundation
import TestSupport
import Testing

/// `cutover validate` on files written to hurt: each is refused with exit 65 and one line naming the file, line and
/// column, and quickly.
@Suite("cutover validate: hostile input")
struct HostileInputTests {
  @Test("a 7-level YAML alias bomb in a set: value exits 65 at the alias, without expanding it")
  func aliasBomb() async throws {
    var desired = try DesiredStateFixture.eqiad1()
    var bomb = [
      "  releases:", "    - name: demo", "      chart: repo/demo", "      namespace: demo", "      set:",
      "        l0: &l0 [" + Array(repeating: "lol", count: 9).joined(separator: ", ") + "]",
    ]
    for level in 1...7 {
      bomb.append(
        "        l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 9).joined(separator: ", ") + "]")
    }
    desired.insertLines(bomb, after: try desired.lineIndex { $0 == "    create_timeout: 60m" })
    let workspace = try Workspace.with(desired)
    // The bound only keeps a regression from hanging the suite; unfixed, this ran for minutes and took 470 MB.
    let result = try await workspace.run(["validate", "eqiad1"], timeout: .seconds(60))
    try requireExit(65, result)
    // l1 to l3 repeat 90 + 819 + 7,380 values; the first *l3, on the line of l4, another 7,381.
    let position = try desired.position(of: "*l3")
    #expect(
      result.stderr.hasPrefix("error: clusters/eqiad1.yaml:\(position.line):\(position.column): "), "\(result)")
    #expect(result.stderr.contains("alias *l3"), "\(result)")
  }

  @Test("a NUL character exits 65 at its line and column")
  func nulCharacter() async throws {
    let desired = DesiredStateFixture(
      text: try DesiredStateFixture.eqiad1().text.replacingOccurrences(of: "project: paws", with: "project: pa\u{0}ws"))
    let workspace = try Workspace.with(desired)
    let result = try await workspace.run(["validate", "eqiad1"])
    try requireExit(65, result)
    let position = try desired.position(of: "\u{0}")
    #expect(
      result.stderr.hasPrefix(
        "error: clusters/eqiad1.yaml:\(position.line):\(position.column): malformed YAML: control characters"),
      "\(result)")
  }

  @Test("a generation id with a trailing newline exits 65 at its line, before Magnum could refuse it")
  func generationWithTrailingNewline() async throws {
    var desired = try DesiredStateFixture.eqiad1()
    try desired.setGenerations([("127d", "{}"), (#""128a\n""#, "{}")])
    let workspace = try Workspace.with(desired)
    let result = try await workspace.run(["validate", "eqiad1"])
    try requireExit(65, result)
    let position = try desired.position(of: #""128a\n""#)
    #expect(
      result.stderr.contains(
        "clusters/eqiad1.yaml:\(position.line):\(position.column): generations.128a\\n: a generation id is"),
      "\(result)")
  }
}
