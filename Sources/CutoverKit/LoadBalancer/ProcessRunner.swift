import Foundation
import Subprocess
import Synchronization
import SystemPackage

/// Runs the external programs Cutover drives (`haproxy -c`, `keepalived --config-test`, the operator's `deliver:`
/// command, helm and kubectl) with a deadline and bounded output.
///
/// Every run gets a timeout because a hung child (an `ssh` waiting on a host key prompt, a `helm --wait` that never
/// ends) would otherwise hang an apply that holds the state lock. The child starts in a session of its own, without a
/// controlling terminal, so it cannot stop to prompt, and so a timeout kills everything it started: `SIGTERM` to the
/// whole process group, then `SIGKILL` after ``killGracePeriod``.
public struct ProcessRunner: Sendable {
  /// The default for ``outputLimit``: 64 KiB is many screens of errors, and bounded.
  public static let defaultOutputLimit = 64 * 1024
  /// Where daemons live on Debian; a non-root `PATH` often lacks them.
  public static let systemDirectories = ["/usr/sbin", "/sbin", "/usr/local/sbin"]

  /// How many bytes of combined output to keep; older output is dropped first.
  public var outputLimit: Int
  /// Searched after `PATH` for a bare executable name.
  public var fallbackDirectories: [String]
  /// How long a timed-out process group has between `SIGTERM` and `SIGKILL`.
  public var killGracePeriod: Duration

  public init(
    outputLimit: Int = ProcessRunner.defaultOutputLimit,
    fallbackDirectories: [String] = ProcessRunner.systemDirectories,
    killGracePeriod: Duration = .seconds(2)
  ) {
    self.outputLimit = outputLimit
    self.fallbackDirectories = fallbackDirectories
    self.killGracePeriod = killGracePeriod
  }

  // MARK: - Running

  /// Runs an executable and waits for it to end, or kills it when `timeout` passes.
  ///
  /// - Parameters:
  ///   - executable: A path (anything with a `/`), or a bare name looked up with ``locate(_:environment:)``.
  ///   - arguments: The arguments, passed as they are (no shell).
  ///   - environment: Variables added to (or replacing those of) Cutover's own environment.
  ///   - workingDirectory: Where the process runs; Cutover's own working directory when `nil`.
  ///   - timeout: How long the process may run before it and its process group are killed.
  /// - Returns: How the process ended and the last ``outputLimit`` bytes of its standard output and error.
  /// - Throws: ``ProcessRunnerError`` when the executable cannot be found or started, or when the calling task is
  ///   cancelled (the process group is killed first).
  public func run(
    _ executable: String,
    arguments: [String] = [],
    environment: [String: String] = [:],
    workingDirectory: String? = nil,
    timeout: Duration
  ) async throws(ProcessRunnerError) -> ProcessOutcome {
    let path = try locate(executable, environment: environment, workingDirectory: workingDirectory)
    let command = [path] + arguments
    var options = PlatformOptions()
    options.createSession = true
    options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: killGracePeriod)]
    let configuration = Configuration(
      executable: .path(FilePath(path)),
      arguments: Arguments(arguments),
      environment: .inherit.updating(Self.environmentKeys(environment)),
      workingDirectory: workingDirectory.map { FilePath($0) },
      platformOptions: options
    )
    let tail = OutputTail(limit: outputLimit)
    let termination: ProcessOutcome.Termination
    do {
      termination = try await Self.run(configuration, collectingInto: tail, timeout: timeout)
    } catch {
      if Task.isCancelled { throw .cancelled(command: Self.displayLine(command)) }
      throw .launchFailed(command: Self.displayLine(command), reason: "\(error)")
    }
    if Task.isCancelled, case .signalled = termination { throw .cancelled(command: Self.displayLine(command)) }
    let (output, truncated) = tail.snapshot()
    return ProcessOutcome(command: command, termination: termination, output: output, outputWasTruncated: truncated)
  }

  /// Runs a command line with `/bin/sh -c`, for commands the operator writes in the desired state, such as
  /// `deliver:`, which may use pipes, redirections and variables.
  ///
  /// - Throws: ``ProcessRunnerError`` when `/bin/sh` cannot be started.
  public func runShell(
    _ commandLine: String,
    environment: [String: String] = [:],
    workingDirectory: String? = nil,
    timeout: Duration
  ) async throws(ProcessRunnerError) -> ProcessOutcome {
    try await run(
      "/bin/sh", arguments: ["-c", commandLine], environment: environment, workingDirectory: workingDirectory,
      timeout: timeout)
  }

  /// Races the process against the deadline. Losing the race cancels the run, which makes Subprocess tear the
  /// process group down with ``PlatformOptions/teardownSequence``; the output collected so far stays in `tail`.
  private static func run(
    _ configuration: Configuration, collectingInto tail: OutputTail, timeout: Duration
  ) async throws -> ProcessOutcome.Termination {
    try await withThrowingTaskGroup(of: ProcessOutcome.Termination?.self) { group in
      group.addTask {
        // Forgotten only once the run has returned, so after a cancelled run's teardown: until then a second signal
        // must still find the group to kill.
        let running = RunningGroup()
        defer { running.forget() }
        let result = try await Subprocess.run(
          configuration, input: .none, output: .sequence, error: .combinedWithOutput
        ) { execution in
          running.record(execution.processIdentifier.value)
          for try await buffer in execution.standardOutput {
            buffer.withUnsafeBytes { tail.append($0) }
          }
        }
        switch result.terminationStatus {
        case .exited(let status): return .exited(status)
        case .signaled(let signal): return .signalled(signal)
        }
      }
      group.addTask {
        try await Task.sleep(for: timeout)
        return nil
      }
      let first = try await group.next() ?? nil
      group.cancelAll()
      guard let termination = first else {
        // The deadline won. Leaving the group waits for the cancelled run, so for the teardown, and so no child
        // outlives the call; what the cancelled run returns or throws no longer matters.
        return .timedOut(timeout)
      }
      return termination
    }
  }

  /// The process groups of the children running now: each child leads its own session, so its pid is its group's.
  fileprivate static let runningGroups = Mutex<Set<pid_t>>([])

  /// Kills every running child's process group with SIGKILL, for an exit that cannot wait for the usual teardown (a
  /// second signal): a child in its own session would otherwise outlive Cutover.
  public static func killRunningProcessGroups() {
    for group in runningGroups.withLock({ $0 }) { kill(-group, SIGKILL) }
  }

  private static func environmentKeys(_ variables: [String: String]) -> [Environment.Key: String?] {
    var keyed: [Environment.Key: String?] = [:]
    for (name, value) in variables {
      if let key = Environment.Key(rawValue: name) { keyed[key] = value }
    }
    return keyed
  }

  // MARK: - Finding executables

  /// The absolute path of an executable.
  ///
  /// A name with a `/` is taken as a path (relative to `workingDirectory` when given). A bare name is looked up in
  /// each directory of `PATH` (the one in `environment` when it sets one), then in ``fallbackDirectories``.
  ///
  /// - Throws: ``ProcessRunnerError/executableNotFound(name:searched:)`` naming the executable and where the runner
  ///   looked, or ``ProcessRunnerError/notExecutable(path:)``.
  public func locate(
    _ executable: String, environment: [String: String] = [:], workingDirectory: String? = nil
  ) throws(ProcessRunnerError) -> String {
    if executable.contains("/") {
      var path = executable
      if !path.hasPrefix("/"), let workingDirectory {
        path = URL(fileURLWithPath: workingDirectory).appendingPathComponent(path).path
      }
      guard FileManager.default.fileExists(atPath: path) else {
        throw .executableNotFound(name: executable, searched: [path])
      }
      guard Self.isExecutableFile(path) else { throw .notExecutable(path: path) }
      return path
    }
    let pathVariable = environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? ""
    var directories: [String] = []
    for directory in pathVariable.split(separator: ":").map(String.init) + fallbackDirectories
    where !directory.isEmpty && !directories.contains(directory) {
      directories.append(directory)
    }
    for directory in directories {
      let candidate = URL(fileURLWithPath: directory).appendingPathComponent(executable).path
      if Self.isExecutableFile(candidate) { return candidate }
    }
    throw .executableNotFound(name: executable, searched: directories)
  }

  private static func isExecutableFile(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
      && FileManager.default.isExecutableFile(atPath: path)
  }

  // MARK: - Messages

  /// A command as a shell would need it typed, for messages: arguments with spaces or quotes are single-quoted.
  static func displayLine(_ command: [String]) -> String {
    command.map { argument in
      let plain = !argument.isEmpty && argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,@%+".contains($0) }
      return plain ? argument : "'" + argument.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }.joined(separator: " ")
  }
}

/// One child's process group in ``ProcessRunner/runningGroups``, from its start until its run returns.
private final class RunningGroup: Sendable {
  private let group = Mutex<pid_t?>(nil)

  func record(_ pid: pid_t) {
    group.withLock { $0 = pid }
    _ = ProcessRunner.runningGroups.withLock { $0.insert(pid) }
  }

  func forget() {
    guard let pid = group.withLock({ $0 }) else { return }
    _ = ProcessRunner.runningGroups.withLock { $0.remove(pid) }
  }
}
