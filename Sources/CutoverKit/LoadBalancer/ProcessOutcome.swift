/// How a child process run by ``ProcessRunner`` ended, with what it wrote.
///
/// A non-zero exit is an outcome, not an error: `haproxy -c` exits 1 to say a file is wrong, and the caller decides
/// what that means. ``requireSuccess()`` turns anything but a clean exit into a ``ProcessRunnerError``.
public struct ProcessOutcome: Sendable, Equatable {
  /// How the process ended.
  public enum Termination: Sendable, Equatable, CustomStringConvertible {
    /// It exited by itself with this status.
    case exited(Int32)
    /// A signal it did not handle ended it (not one the runner sent for a timeout).
    case signalled(Int32)
    /// It was still running when the timeout passed, so the runner killed it and its process group.
    case timedOut(Duration)

    public var description: String {
      switch self {
      case .exited(let status): return "exited with status \(status)"
      case .signalled(let signal): return "was killed by signal \(signal)"
      case .timedOut(let timeout): return "did not finish within \(timeout) and was killed"
      }
    }
  }

  /// The command as run: the resolved executable path, then the arguments.
  public var command: [String]
  /// How it ended.
  public var termination: Termination
  /// Standard output and standard error, interleaved as written; only the last ``ProcessRunner/outputLimit`` bytes.
  public var output: String
  /// Whether earlier output was dropped to respect the limit.
  public var outputWasTruncated: Bool

  public init(command: [String], termination: Termination, output: String, outputWasTruncated: Bool = false) {
    self.command = command
    self.termination = termination
    self.output = output
    self.outputWasTruncated = outputWasTruncated
  }

  /// Whether the process exited with status 0.
  public var succeeded: Bool { termination == .exited(0) }

  /// The command as one line, for messages.
  public var commandLine: String { ProcessRunner.displayLine(command) }

  /// Returns this outcome when the process exited with status 0.
  ///
  /// - Throws: ``ProcessRunnerError/failed(command:termination:output:)`` otherwise, carrying the output.
  @discardableResult
  public func requireSuccess() throws(ProcessRunnerError) -> ProcessOutcome {
    guard succeeded else { throw .failed(command: commandLine, termination: termination, output: output) }
    return self
  }
}
