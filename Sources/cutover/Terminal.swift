import CutoverKit
import EnvironmentSettings
import Foundation
import Synchronization

/// Writes to the terminal: results on stdout, problems on stderr, flushed at once so progress shows as it happens.
///
/// A write to a reader that went away (`cutover apply … | head -5`) is dropped: SIGPIPE is ignored (see
/// ``ignoreBrokenPipes()``) and the run goes on to record what it does, where a killed run would leave its journal
/// unsettled.
enum Terminal {
  static func out(_ text: String) {
    write(text, to: .standardOutput)
  }

  static func line(_ text: String = "") {
    out(text + "\n")
  }

  static func error(_ text: String) {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let message = lines.map { "error: \($0)" }.joined(separator: "\n") + "\n"
    write(message, to: .standardError)
  }

  /// A line about the run on stderr, so stdout holds only results.
  static func note(_ text: String) {
    write(text + "\n", to: .standardError)
  }

  static func warning(_ text: String) {
    write("warning: \(text)\n", to: .standardError)
  }

  /// Makes a write to a closed pipe fail instead of killing Cutover. Children get the default action back when they
  /// start (the process runner resets every signal), so `deliver:` pipelines behave as in a shell.
  static func ignoreBrokenPipes() {
    signal(SIGPIPE, SIG_IGN)
  }

  /// Writes `text`; an error (a closed pipe) drops it. The throwing write is used because the older
  /// `FileHandle.write(_:)` traps on an error, which killed a run whose reader had gone.
  private static func write(_ text: String, to handle: FileHandle) {
    try? handle.write(contentsOf: Data(text.utf8))
  }

  /// Whether Cutover waits at a confirmation prompt, where a signal quits at once (nothing runs yet).
  static var isPrompting: Bool { prompting.load(ordering: .relaxed) }
  private static let prompting = Atomic(false)

  static var inputIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

  /// The width to fit tables to: `COLUMNS` when set (to ask for another width, or where the terminal cannot say),
  /// else the terminal's when standard output is one, else ``GenerationStatusReport/defaultWidth``.
  /// - Throws: `EnvironmentSettingError` when `COLUMNS` is not a width from 20 to 10000.
  static func width(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int {
    if let columns = try EnvironmentSettings(environment).integer(
      "COLUMNS", in: 20...10_000, meaning: "a terminal width in columns")
    {
      return columns
    }
    var size = winsize()
    if isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
      return Int(size.ws_col)
    }
    return GenerationStatusReport.defaultWidth
  }

  /// Asks `question` and goes on only on `yes`. Without a terminal to ask on it refuses (exit 64) rather than wait.
  /// - Parameter action: the verb the refusal and the cancellation name (`apply`, `switch`).
  static func confirm(_ question: String, action: String) throws {
    guard inputIsTerminal else {
      throw CutoverError.usage(
        "refusing to \(action) without confirmation: standard input is not a terminal; review the plan and pass "
          + "--auto-approve")
    }
    out("\n\(question)\n  Only 'yes' is accepted.\n\n  Enter a value: ")
    prompting.store(true, ordering: .relaxed)
    let answer = readLine()
    prompting.store(false, ordering: .relaxed)
    guard answer?.trimmingCharacters(in: .whitespaces) == "yes" else {
      throw CutoverError.cancelled("\(action) cancelled; nothing was changed")
    }
    line()
  }

  /// Whether to colour output: not with `--no-color`, not with `NO_COLOR` set, not when stdout is not a terminal.
  static func useColor(noColorFlag: Bool) -> Bool {
    !noColorFlag && ProcessInfo.processInfo.environment["NO_COLOR"] == nil && isatty(STDOUT_FILENO) == 1
  }
}
