import Foundation
import Testing

@testable import CutoverKit

@Suite("Switching live and removing a generation by editing the environment file's text")
struct GenerationEditorLiveTests {
  private let file = "clusters/eqiad1.yaml"

  /// The minimal environment with `generations` replaced and `live:` written as `liveLine`.
  private func environment(generations: [String], liveLine: String) throws -> String {
    let text = try Fixture.text("environments/minimal.yaml")
    var lines = text.components(separatedBy: "\n")
    let start = try #require(lines.firstIndex { $0.hasPrefix("generations:") })
    var end = start + 1
    while end < lines.count, lines[end].hasPrefix("  ") || lines[end].hasPrefix("#") { end += 1 }
    lines.replaceSubrange(start..<end, with: ["generations:"] + generations)
    let live = try #require(lines.firstIndex { $0.hasPrefix("live:") })
    lines[live] = liveLine
    return lines.joined(separator: "\n")
  }

  @Test("live: is rewritten on its own line, its comment kept at its column; nothing else changes")
  func setLiveKeepsComment() throws {
    let text = try environment(
      generations: ["  127d: {}", "  128a: {cluster: {workers: 6}}"], liveLine: "live: 127d   # blue")
    let edited = try GenerationEditor.setLive(in: text, environment: "eqiad1", file: file, to: "128a")
    #expect(edited == text.replacingOccurrences(of: "live: 127d   # blue", with: "live: 128a   # blue"))
    #expect(try EnvironmentFile.parse(edited, environment: "eqiad1", file: file).live == "128a")
  }

  @Test("a quoted live: and CRLF line ends survive the rewrite")
  func setLiveQuotedCRLF() throws {
    let text = try environment(generations: ["  127d: {}", "  128a: {}"], liveLine: "live: \"127d\"")
      .replacingOccurrences(of: "\n", with: "\r\n")
    let edited = try GenerationEditor.setLive(in: text, environment: "eqiad1", file: file, to: "128a")
    #expect(edited.contains("live: 128a\r\n"))
    #expect(edited.replacingOccurrences(of: "live: 128a", with: "live: \"127d\"") == text)
  }

  @Test("an unknown generation is a usage error, and the text is not edited")
  func setLiveUnknown() throws {
    let text = try environment(generations: ["  127d: {}"], liveLine: "live: 127d")
    let error = try #require(throws: CutoverError.self) {
      try GenerationEditor.setLive(in: text, environment: "eqiad1", file: file, to: "999z")
    }
    #expect(error.exitCode == 64)
    #expect(error.errorDescription?.contains("no generation 999z") == true)
  }

  @Test("removing a generation deletes its key line and every line under it, comments inside included")
  func removeBlockEntry() throws {
    let text = try environment(
      generations: [
        "  127d:", "    # the old one", "    cluster: {workers: 4}", "  128a: {}",
      ], liveLine: "live: 128a")
    let edited = try GenerationEditor.removeGeneration(from: text, environment: "eqiad1", file: file, id: "127d")
    #expect(
      edited == text.replacingOccurrences(of: "  127d:\n    # the old one\n    cluster: {workers: 4}\n", with: ""))
    let state = try EnvironmentFile.parse(edited, environment: "eqiad1", file: file)
    #expect(state.generations.map(\.id) == ["128a"])
  }

  @Test("the live generation, or the only one, is never removed", arguments: ["127d", "128a"])
  func removeRefusals(id: String) throws {
    let text = try environment(generations: ["  127d: {}", "  128a: {}"], liveLine: "live: 127d")
    if id == "127d" {
      #expect(throws: GenerationEditError.self) {
        try GenerationEditor.removeGeneration(from: text, environment: "eqiad1", file: file, id: id)
      }
    } else {
      let once = try GenerationEditor.removeGeneration(from: text, environment: "eqiad1", file: file, id: id)
      #expect(throws: GenerationEditError.self) {
        try GenerationEditor.removeGeneration(from: once, environment: "eqiad1", file: file, id: "127d")
      }
    }
  }
}
