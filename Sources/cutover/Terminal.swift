import CutoverKit
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
