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
    let run = try await LintRun.run("actionlint", ["-no-color"] + Self.workflows())
    #expect(run.exitCode == 0 && run.stdout.isEmpty, "\(run)")
  }

  @Test("zizmor's offline audits report nothing")
  func zizmor() async throws {
    let run = try await LintRun.run("zizmor", ["--offline", "--no-progress", "--format", "json", ".github/workflows/"])
    let findings = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [Any]
    #expect(run.exitCode == 0 && findings?.isEmpty == true, "\(run)")
  }
}

/// One run of a linter from `PATH`, in the checkout.
private struct LintRun: CustomStringConvertible {
  let command: [String]
  let exitCode: Int32
  let stdout: String
  let stderr: String

  /// Runs `tool ARGUMENTS` and waits for it, polling rather than blocking a thread the other tests need.
  /// - Throws: after recording an issue that says to run scripts/test, when `tool` is not on `PATH`.
  static func run(_ tool: String, _ arguments: [String]) async throws -> LintRun {
    let searchedPath = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let executable = try #require(
      searchedPath.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(tool) }
        .first { FileManager.default.isExecutableFile(atPath: $0.path) },
      "\(tool) is not on PATH (\(searchedPath)): run scripts/test, which installs it")

    let outputs = FileManager.default.temporaryDirectory.appendingPathComponent("cutover-lint-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: outputs) }
    let stdoutFile = outputs.appendingPathComponent("stdout")
    let stderrFile = outputs.appendingPathComponent("stderr")
    for file in [stdoutFile, stderrFile] where !FileManager.default.createFile(atPath: file.path, contents: nil) {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file.path])
    }
    let stdout = try FileHandle(forWritingTo: stdoutFile)
    let stderr = try FileHandle(forWritingTo: stderrFile)
    defer {
      try? stdout.close()
      try? stderr.close()
    }

    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = WorkflowLintTests.checkout
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    do {
      try await poll("`\(tool)` to exit", timeout: .seconds(120)) { !process.isRunning }
    } catch {
      process.terminate()
      throw error
    }
    func read(_ file: URL) -> String {
      String(decoding: FileManager.default.contents(atPath: file.path) ?? Data(), as: UTF8.self)
    }
    return LintRun(
      command: [tool] + arguments, exitCode: process.terminationStatus, stdout: read(stdoutFile),
      stderr: read(stderrFile))
  }

  /// The command line, its exit status and its output, for the message of a failed expectation.
  var description: String {
    """
    `\(command.joined(separator: " "))` exited \(exitCode)
    --- stdout ---
    \(stdout)
    --- stderr ---
    \(stderr)
    """
  }
}
