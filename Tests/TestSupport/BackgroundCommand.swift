import Foundation

/// A `cutover` process started by a ``Workspace`` and left running: its output can be read while it runs, and it can
/// be killed. It is killed with SIGKILL if it is still running when released, so no test leaves a process behind.
public final class BackgroundCommand: Sendable {
  /// The arguments the executable was given.
  public let arguments: [String]
  private let process: Process
  private let stdoutFile: URL
  private let stderrFile: URL
  private let started: ContinuousClock.Instant

  init(arguments: [String], process: Process, stdoutFile: URL, stderrFile: URL) {
    self.arguments = arguments
    self.process = process
    self.stdoutFile = stdoutFile
    self.stderrFile = stderrFile
    self.started = ContinuousClock.now
  }

  deinit {
    if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
  }

  /// The process id.
  public var pid: Int32 { process.processIdentifier }

  /// Whether the process has not exited (and been reaped) yet.
  public var isRunning: Bool { process.isRunning }

  /// Everything written to standard output so far.
  public var stdout: String { Self.read(stdoutFile) }

  /// Everything written to standard error so far.
  public var stderr: String { Self.read(stderrFile) }

  /// Thrown by ``waitForOutput(_:timeout:)`` when the process exits before writing what was waited for.
  public struct EndedEarly: Error, CustomStringConvertible {
    public var waitingFor: String
    public var stdout: String
    public var stderr: String

    public var description: String {
      "the process exited before writing \"\(waitingFor)\"\n--- stdout ---\n\(stdout)\n--- stderr ---\n\(stderr)"
    }
  }

  /// Polls standard output until it contains `fragment`.
  /// - Throws: ``EndedEarly`` as soon as the process exits without writing it, ``PollTimeout`` past `timeout`.
  public func waitForOutput(_ fragment: String, timeout: Duration) async throws {
    try await poll("\"\(fragment)\" on the output of `cutover \(arguments.joined(separator: " "))`", timeout: timeout) {
      if stdout.contains(fragment) { return true }
      guard !process.isRunning else { return false }
      // Read once more after the exit: the line may have been written just before it.
      if stdout.contains(fragment) { return true }
      throw EndedEarly(waitingFor: fragment, stdout: stdout, stderr: stderr)
    }
  }

  /// Sends a signal (SIGKILL by default: no handler runs, exactly like a crash or `kill -9`).
  public func kill(_ signal: Int32 = SIGKILL) {
    if process.isRunning { _ = Foundation.kill(process.processIdentifier, signal) }
  }

  /// Waits for the process to exit; past `timeout` it is killed with SIGKILL and reported as timed out.
  /// Once this returns the process has been reaped, so its pid no longer counts as alive.
  public func waitForExit(timeout: Duration) async throws -> CommandResult {
    var timedOut = false
    do {
      try await poll(
        "`cutover \(arguments.joined(separator: " "))` to exit", timeout: timeout, interval: .milliseconds(10)
      ) {
        !process.isRunning
      }
    } catch is PollTimeout {
      timedOut = true
      kill(SIGKILL)
      try await poll("`cutover \(arguments.joined(separator: " "))` to die after SIGKILL", timeout: .seconds(10)) {
        !process.isRunning
      }
    }
    let bySignal = process.terminationReason == .uncaughtSignal
    return CommandResult(
      arguments: arguments, exitCode: bySignal ? 128 + process.terminationStatus : process.terminationStatus,
      signal: bySignal ? process.terminationStatus : nil, timedOut: timedOut, stdout: stdout, stderr: stderr,
      duration: ContinuousClock.now - started)
  }

  /// Kills the process with SIGKILL and waits until it is gone.
  @discardableResult
  public func killAndWait() async throws -> CommandResult {
    kill(SIGKILL)
    return try await waitForExit(timeout: .seconds(10))
  }

  private static func read(_ file: URL) -> String {
    guard let data = FileManager.default.contents(atPath: file.path) else { return "" }
    return String(decoding: data, as: UTF8.self)
  }
}
