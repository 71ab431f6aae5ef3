import Foundation

/// Why ``ProcessRunner`` could not run a command, or why a command it ran did not succeed.
public enum ProcessRunnerError: Error, LocalizedError, Sendable, Equatable {
  /// No executable of this name is on `PATH` or in the system directories the runner also searches.
  case executableNotFound(name: String, searched: [String])
  /// The path names something that is not an executable file (a directory, a file without the execute bit).
  case notExecutable(path: String)
  /// The operating system refused to start the process.
  case launchFailed(command: String, reason: String)
  /// The task running the command was cancelled (an interrupted apply), so the runner killed the process group.
  case cancelled(command: String)
  /// The process ran but did not exit with status 0 (``ProcessOutcome/requireSuccess()``).
  case failed(command: String, termination: ProcessOutcome.Termination, output: String)

  public var errorDescription: String? {
    switch self {
    case .executableNotFound(let name, let searched):
      return "\(name) not found on PATH or in \(searched.joined(separator: ", "))"
    case .notExecutable(let path):
      return "\(path) is not an executable file"
    case .launchFailed(let command, let reason):
      return "could not start `\(command)`: \(reason)"
    case .cancelled(let command):
      return "`\(command)` was stopped because Cutover was interrupted"
    case .failed(let command, let termination, let output):
      let trimmed = output.trimmingCharacters(in: .whitespacesAndNewlines)
      return "`\(command)` \(termination)" + (trimmed.isEmpty ? " and printed nothing" : ":\n\(trimmed)")
    }
  }
}
