import Foundation
import Testing

/// Compares rendered output with a file under `Fixtures/golden/`, byte for byte.
///
/// With `CUTOVER_RECORD_GOLDEN=1` in the environment the output is written into the source tree instead (found from
/// this file's `#filePath`), and the test records an issue so a recording run is never mistaken for a passing one.
enum GoldenFile {
  static var isRecording: Bool { ProcessInfo.processInfo.environment["CUTOVER_RECORD_GOLDEN"] == "1" }

  /// `Tests/CutoverKitTests/Fixtures/golden/<name>` in the source tree.
  static func sourcePath(_ name: String, filePath: String = #filePath) -> URL {
    URL(fileURLWithPath: filePath)
      .deletingLastPathComponent()  // Render
      .deletingLastPathComponent()  // CutoverKitTests
      .appendingPathComponent("Fixtures/golden/\(name)")
  }

  static func check(_ output: String, matches name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    if isRecording {
      try Data(output.utf8).write(to: sourcePath(name), options: .atomic)
      Issue.record(
        "recorded golden/\(name); run again without CUTOVER_RECORD_GOLDEN to compare", sourceLocation: sourceLocation)
      return
    }
    let expected = try Data(contentsOf: URL(fileURLWithPath: Fixture.path("golden/\(name)")))
    guard Data(output.utf8) != expected else { return }
    Issue.record(
      """
      golden/\(name) differs from the output (re-record with CUTOVER_RECORD_GOLDEN=1 if the change is intended):
      \(firstDifference(String(decoding: expected, as: UTF8.self), output))
      """, sourceLocation: sourceLocation)
  }

  /// The first line that differs, as `expected` / `actual`.
  private static func firstDifference(_ expected: String, _ actual: String) -> String {
    let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
    for index in 0..<max(expectedLines.count, actualLines.count) {
      let want = index < expectedLines.count ? String(expectedLines[index]) : "(end of file)"
      let got = index < actualLines.count ? String(actualLines[index]) : "(end of output)"
      if want != got { return "line \(index + 1):\n  expected: \(want)\n  actual:   \(got)" }
    }
    return "(only the bytes differ)"
  }
}
