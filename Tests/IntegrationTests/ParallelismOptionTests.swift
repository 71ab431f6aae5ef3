import TestSupport
import Testing

/// `--parallelism` as the commands document it. How many actions the executor then runs at once is measured
/// in-process (`ParallelismTests` of CutoverKitTests).
@Suite("--parallelism")
struct ParallelismOptionTests {
  @Test(
    "the commands that apply a plan default to ten actions at once",
    arguments: [
      ["apply"], ["destroy"], ["generation", "switch"], ["generation", "rollback"], ["generation", "retire"],
    ])
  func defaultIsTen(command: [String]) async throws {
    let workspace = try Workspace()
    let help = try requireExit(0, try await workspace.run(command + ["--help"]))
    // The help wraps its columns to the terminal's width: compare with single spaces.
    let text = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    #expect(
      text.contains("--parallelism <parallelism> How many actions may run at once. (default: 10)"), "\(help)")
  }

  @Test("fewer than one action at once is a usage error")
  func belowOneIsRefused() async throws {
    let workspace = try Workspace.with(.eqiad1())
    let apply = try requireExit(64, try await workspace.run(["apply", "eqiad1", "--simulate", "--parallelism", "0"]))
    #expect(apply.stderr.contains("--parallelism must be at least 1"), "\(apply)")
  }
}
