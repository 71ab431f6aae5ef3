import CutoverKit
import EnvironmentSettings
import Foundation

/// Writes to the terminal: results on stdout, problems on stderr, flushed at once so progress shows as it happens.
enum Terminal {
  static func out(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  static func line(_ text: String = "") {
    out(text + "\n")
  }

  static func error(_ text: String) {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let message = lines.map { "error: \($0)" }.joined(separator: "\n") + "\n"
    FileHandle.standardError.write(Data(message.utf8))
  }

  static func warning(_ text: String) {
    FileHandle.standardError.write(Data("warning: \(text)\n".utf8))
  }

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
    guard readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else {
      throw CutoverError.cancelled("\(action) cancelled; nothing was changed")
    }
    line()
  }

  /// Whether to colour output: not with `--no-color`, not with `NO_COLOR` set, not when stdout is not a terminal.
  static func useColor(noColorFlag: Bool) -> Bool {
    !noColorFlag && ProcessInfo.processInfo.environment["NO_COLOR"] == nil && isatty(STDOUT_FILENO) == 1
  }
}
