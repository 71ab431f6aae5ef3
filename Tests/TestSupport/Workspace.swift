import Foundation
import OpenStack
import Synchronization

/// A fresh temporary work folder (`clusters/`, `state/`, `plans/`) in which `cutover` runs, with its own `HOME`, so
/// every test is independent of the others, of the machine's OpenStack configuration and of the checkout.
///
/// Layout: `<tmp>/cutover-tests-<uuid>/work` is the working directory, `…/home` is `HOME`, `…/logs` keeps each
/// run's standard output and error. The whole tree is removed when the workspace is released, unless
/// `CUTOVER_KEEP_TEST_WORKSPACES` is set (to look at a failure).
public final class Workspace: Sendable {
  /// The temporary tree holding everything below.
  public let root: URL
  /// The work folder `cutover` runs in.
  public let directory: URL
  /// `HOME` for every run: empty, so no `~/.config/openstack/clouds.yaml` is found.
  public let home: URL
  /// What every run searches in place of `/etc/openstack` (`CUTOVER_OPENSTACK_SYSTEM_DIR`): an empty directory, so
  /// a machine's system-wide `clouds.yaml` never reaches a test.
  public let systemCloudConfiguration: URL
  /// The executable that runs.
  public let executable: URL
  private let logs: URL
  private let runCount = Mutex(0)
  private let started = Mutex<[BackgroundCommand]>([])

  /// Environment every run gets unless a test overrides it: a quick simulated cloud and a short lock lease.
  public static let defaultEnvironment: [String: String] = [
    "CUTOVER_SIMULATOR_BUILD_SECONDS": "0",
    "CUTOVER_LOCK_TTL_SECONDS": "15",
    "NO_COLOR": "1",
  ]

  /// Creates the temporary tree with an empty `clusters/`.
  /// - Throws: when the executable cannot be found or the directories cannot be created.
  public init(executable: URL? = nil) throws {
    self.executable = try executable ?? CutoverExecutable.locate()
    root = FileManager.default.temporaryDirectory.appendingPathComponent("cutover-tests-\(UUID().uuidString)")
    directory = root.appendingPathComponent("work")
    home = root.appendingPathComponent("home")
    logs = root.appendingPathComponent("logs")
    systemCloudConfiguration = root.appendingPathComponent("etc-openstack")
    for folder in [directory.appendingPathComponent("clusters"), home, logs, systemCloudConfiguration] {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }
  }

  deinit {
    for command in started.withLock({ $0 }) { command.kill(SIGKILL) }
    if ProcessInfo.processInfo.environment["CUTOVER_KEEP_TEST_WORKSPACES"] == nil {
      try? FileManager.default.removeItem(at: root)
    }
  }

  // MARK: - Files

  /// The absolute path of a file in the work folder.
  public func path(_ relative: String) -> String {
    directory.appendingPathComponent(relative).path
  }

  /// `clusters/<environment>.yaml`.
  public func desiredStateFile(_ environment: String = "eqiad1") -> String {
    path("clusters/\(environment).yaml")
  }

  /// `state/<environment>.sqlite`.
  public func stateFile(_ environment: String = "eqiad1") -> String {
    path("state/\(environment).sqlite")
  }

  /// `state/<environment>.simulated-cloud.sqlite`, the cloud of `--simulate`.
  public func simulatedCloudFile(_ environment: String = "eqiad1") -> String {
    path("state/\(environment).simulated-cloud.sqlite")
  }

  /// Writes `clusters/<environment>.yaml`.
  public func writeDesiredState(_ text: String, environment: String = "eqiad1") throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: desiredStateFile(environment)))
  }

  /// The POSIX permission bits of a file in the work folder.
  public func permissions(_ relative: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path(relative))
    return ((attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0) & 0o777
  }

  // MARK: - Running cutover

  /// Runs `cutover ARGUMENTS --no-color` in the work folder with standard input from `/dev/null`, and waits for it.
  /// - Parameters:
  ///   - environment: variables set over ``defaultEnvironment`` (an empty value sets the variable empty).
  ///   - unsetting: variables removed from what the test process passes on (`OS_*` and `CUTOVER_*` never are).
  ///   - timeout: past it the process is killed with SIGKILL and the result says it timed out.
  ///   - workingDirectory: where the command runs; the work folder when nil.
  public func run(
    _ arguments: [String], environment: [String: String] = [:], unsetting: [String] = [],
    timeout: Duration = .seconds(120), workingDirectory: URL? = nil
  ) async throws -> CommandResult {
    try await start(arguments, environment: environment, unsetting: unsetting, workingDirectory: workingDirectory)
      .waitForExit(timeout: timeout)
  }

  /// Starts `cutover ARGUMENTS --no-color` in the work folder and returns at once.
  /// See ``run(_:environment:unsetting:timeout:)`` for the parameters.
  /// - Parameter standardOutput: a pipe to write standard output to (so a test can close its reading end), instead
  ///   of the log file ``BackgroundCommand/stdout`` reads, which then stays empty.
  public func start(
    _ arguments: [String], environment: [String: String] = [:], unsetting: [String] = [],
    workingDirectory: URL? = nil, standardOutput: Pipe? = nil
  ) throws -> BackgroundCommand {
    let fullArguments = arguments + ["--no-color"]
    let number = runCount.withLock { count in
      count += 1
      return count
    }
    let files = try OutputFiles(
      stdout: logs.appendingPathComponent("\(number).stdout"), stderr: logs.appendingPathComponent("\(number).stderr"))
    defer { files.close() }

    let process = Process()
    process.executableURL = executable
    process.arguments = fullArguments
    process.currentDirectoryURL = workingDirectory ?? directory
    process.environment = processEnvironment(overrides: environment, unsetting: unsetting)
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = standardOutput ?? files.stdout
    process.standardError = files.stderr
    try process.run()
    // The child has its own copy of the writing end; holding ours would keep the pipe open after the child exits.
    try standardOutput?.fileHandleForWriting.close()
    let command = BackgroundCommand(
      arguments: fullArguments, process: process, stdoutFile: files.stdoutFile, stderrFile: files.stderrFile)
    started.withLock { $0.append(command) }
    return command
  }

  /// The test process's environment without OpenStack or Cutover settings, with `HOME` and the system-wide
  /// OpenStack directory pointing into the workspace (and no `XDG_CONFIG_HOME`, which would replace `~/.config`).
  private func processEnvironment(overrides: [String: String], unsetting: [String]) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment.filter { name, _ in
      !name.hasPrefix("OS_") && !name.hasPrefix("CUTOVER_") && name != "XDG_CONFIG_HOME" && !unsetting.contains(name)
    }
    environment["HOME"] = home.path
    environment[CloudConfigLoader.systemDirectoryVariable] = systemCloudConfiguration.path
    environment.merge(Self.defaultEnvironment) { _, new in new }
    environment.merge(overrides) { _, new in new }
    return environment
  }
}
