import Foundation

/// Runs a ``KubernetesCommand`` through ``ProcessRunner`` and turns what can go wrong into ``KubernetesToolError``.
struct KubernetesCommandRunner: Sendable {
  var runner: ProcessRunner
  var environment: [String: String]

  /// Runs the command and returns how it ended, whatever its exit status.
  func outcome(
    of command: KubernetesCommand, workingDirectory: String?, timeout: Duration
  ) async throws(KubernetesToolError) -> ProcessOutcome {
    do {
      return try await runner.run(
        command.tool, arguments: command.arguments, environment: environment, workingDirectory: workingDirectory,
        timeout: timeout)
    } catch {
      switch error {
      case .executableNotFound(_, let searched): throw .toolNotFound(tool: command.tool, searched: searched)
      case .notExecutable(let path): throw .notExecutable(path: path)
      case .launchFailed(_, let reason):
        throw .couldNotStart(command: command.displayLine, reason: command.scrubbed(reason))
      case .cancelled: throw .cancelled(command: command.displayLine)
      case .failed(_, let termination, let output):
        throw .failed(
          command: command.displayLine, termination: termination,
          lastLines: KubernetesToolError.lastLines(of: command.scrubbed(output)))
      }
    }
  }

  /// Runs the command and returns its scrubbed output when it exits 0.
  ///
  /// - Throws: ``KubernetesToolError/failed(command:termination:lastLines:)`` otherwise.
  func run(
    _ command: KubernetesCommand, workingDirectory: String? = nil, timeout: Duration
  ) async throws(KubernetesToolError) -> ToolRun {
    let outcome = try await outcome(of: command, workingDirectory: workingDirectory, timeout: timeout)
    return try requireSuccess(outcome, of: command)
  }

  func requireSuccess(_ outcome: ProcessOutcome, of command: KubernetesCommand) throws(KubernetesToolError) -> ToolRun {
    let output = command.scrubbed(outcome.output)
    guard outcome.succeeded else {
      throw .failed(
        command: command.displayLine, termination: outcome.termination,
        lastLines: KubernetesToolError.lastLines(of: output))
    }
    return ToolRun(command: command.displayLine, output: output)
  }

  /// Whether a failed helm command failed only because the release does not exist: helm exits 1 with
  /// `Error: release: not found` (status, get values) or `… Release not loaded: NAME: release: not found`
  /// (uninstall).
  static func isReleaseNotFound(_ outcome: ProcessOutcome) -> Bool {
    outcome.termination == .exited(1) && outcome.output.lowercased().contains("release: not found")
  }
}
