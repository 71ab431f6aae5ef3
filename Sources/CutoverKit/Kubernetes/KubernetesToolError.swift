import Foundation

/// Why a helm or kubectl command could not be run, or failed. Every command in a message is its display form, with
/// sensitive values redacted, and every quoted output line is scrubbed of them.
public enum KubernetesToolError: Error, LocalizedError, Sendable, Equatable {
  /// No executable of this name is on `PATH` or in the runner's fallback directories, or the configured path does
  /// not exist.
  case toolNotFound(tool: String, searched: [String])
  /// The configured path is not an executable file.
  case notExecutable(path: String)
  /// The operating system refused to start the command.
  case couldNotStart(command: String, reason: String)
  /// The run was cancelled (an interrupted apply), so the command's process group was killed.
  case cancelled(command: String)
  /// The command ran and failed or timed out; `lastLines` are its own last words (at most
  /// ``KubernetesToolError/lastLineLimit``), which say why far better than Cutover could.
  case failed(command: String, termination: ProcessOutcome.Termination, lastLines: [String])
  /// The command succeeded but its answer could not be read.
  case unreadableOutput(command: String, problem: String)

  /// How many of a failed command's last output lines an error carries: enough for helm's `Error: UPGRADE FAILED:`
  /// line and the few lines of context before it, without burying the message under a log.
  public static let lastLineLimit = 10

  public var errorDescription: String? {
    switch self {
    case .toolNotFound(let tool, let searched):
      if tool.contains("/") { return "\(tool) not found" }
      return "\(tool) not found on PATH or in \(searched.joined(separator: ", "))"
    case .notExecutable(let path):
      return "\(path) is not an executable file"
    case .couldNotStart(let command, let reason):
      return "could not start `\(command)`: \(reason)"
    case .cancelled(let command):
      return "`\(command)` was stopped because Cutover was interrupted"
    case .failed(let command, let termination, let lastLines):
      let said =
        lastLines.isEmpty ? " and printed nothing" : ":\n" + lastLines.map { "  " + $0 }.joined(separator: "\n")
      return "`\(command)` \(termination)" + said
    case .unreadableOutput(let command, let problem):
      return "`\(command)` succeeded, but \(problem)"
    }
  }

  /// The last non-blank lines of an output, trimmed, at most ``lastLineLimit``.
  static func lastLines(of output: String) -> [String] {
    let lines = output.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
    return Array(lines.filter { !$0.isEmpty }.suffix(lastLineLimit))
  }
}
