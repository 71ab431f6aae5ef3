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

  /// Whether to colour output: not with `--no-color`, not with `NO_COLOR` set, not when stdout is not a terminal.
  static func useColor(noColorFlag: Bool) -> Bool {
    !noColorFlag && ProcessInfo.processInfo.environment["NO_COLOR"] == nil && isatty(STDOUT_FILENO) == 1
  }
}
