import Foundation

/// What one run of `cutover` produced: its exit status and everything it wrote.
public struct CommandResult: Sendable, CustomStringConvertible {
  /// The arguments the executable was given.
  public var arguments: [String]
  /// The exit code; for a process ended by a signal, 128 plus the signal number (as a shell reports it).
  public var exitCode: Int32
  /// The signal that ended the process, if one did.
  public var signal: Int32?
  /// Whether the run outlived its timeout and was killed.
  public var timedOut: Bool
  public var stdout: String
  public var stderr: String
  public var duration: Duration

  public init(
    arguments: [String], exitCode: Int32, signal: Int32?, timedOut: Bool, stdout: String, stderr: String,
    duration: Duration
  ) {
    self.arguments = arguments
    self.exitCode = exitCode
    self.signal = signal
    self.timedOut = timedOut
    self.stdout = stdout
    self.stderr = stderr
    self.duration = duration
  }

  /// Standard output split into lines.
  public var stdoutLines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

  /// Standard error split into lines.
  public var stderrLines: [String] { stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

  /// The last line of standard output that is not blank.
  public var lastLine: String? {
    stdoutLines.last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
  }

  /// The command line, its outcome and its output, for the message of a failed expectation.
  public var description: String {
    let outcome =
      timedOut
      ? "was killed after its timeout" : signal.map { "was killed by signal \($0)" } ?? "exited \(exitCode)"
    return """
      `cutover \(arguments.joined(separator: " "))` \(outcome) after \(duration)
      --- stdout ---
      \(stdout)
      --- stderr ---
      \(stderr)
      """
  }
}
