import Foundation
import TestSupport
import Testing

/// The repository's GitHub Actions workflows pass the linters PAWS's repository runs: `actionlint` (which also runs
/// ShellCheck over each `run:` script when ShellCheck is installed) and `zizmor`'s offline audits at its default
/// persona. A linter missing from `PATH` fails its test, never skips it: scripts/test installs both.
@Suite("workflow lint")
struct WorkflowLintTests {
  /// The checkout holding this file.
  static let checkout = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The workflow files, relative to the checkout.
  static func workflows() throws -> [String] {
    let directory = checkout.appendingPathComponent(".github/workflows")
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
      .filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted()
    try #require(!names.isEmpty, "no workflow in \(directory.path)")
    return names.map { ".github/workflows/\($0)" }
  }

  @Test("actionlint reports nothing")
  func actionlint() async throws {
    // The files are named: left to find them itself, actionlint looks only inside a git repository.
    let run = try await lint("actionlint", ["-no-color"] + Self.workflows())
    #expect(run.exitCode == 0 && run.stdout.isEmpty, "\(run)")
  }

  @Test("zizmor's offline audits report nothing")
  func zizmor() async throws {
    let run = try await lint("zizmor", ["--offline", "--no-progress", "--format", "json", ".github/workflows/"])
    let findings = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [Any]
    #expect(run.exitCode == 0 && findings?.isEmpty == true, "\(run)")
  }
}

/// Runs the linter `tool` from `PATH` in the checkout.
/// - Throws: after recording an issue that says to run scripts/test, when `tool` is not on `PATH`.
private func lint(_ tool: String, _ arguments: [String]) async throws -> ProgramRun {
  let executable = try #require(
    ProgramRun.onPath(tool), "\(tool) is not on PATH: run scripts/test, which installs it")
  return try await ProgramRun.run(executable, arguments, directory: WorkflowLintTests.checkout)
}
