import Foundation

/// One run of a program other than `cutover`, to its end, with its output kept in files.
///
/// Files rather than pipes: a program that leaves servers running in the background (`scripts/swift-aio start`)
/// hands them its descriptors, so a pipe would not reach its end while they live. The exit is polled rather than
/// awaited with `waitUntilExit`, which blocks a thread the other tests need (and, inside the test process, never
/// saw a shell script's exit).
public struct ProgramRun: Sendable, CustomStringConvertible {
  /// The program and its arguments, as given.
  public var command: [String]
  public var exitCode: Int32
  /// Whether the program was killed with SIGKILL when its timeout passed.
  public var timedOut: Bool
  public var stdout: String
  public var stderr: String
  public var duration: Duration

  /// Runs `executable ARGUMENTS` with standard input from `/dev/null` and waits for it; past `timeout` it is killed.
  /// - Parameters:
  ///   - environment: the whole environment of the program; the test process's when nil.
  ///   - directory: where it runs; the test process's current directory when nil.
  public static func run(
    _ executable: URL, _ arguments: [String], environment: [String: String]? = nil, directory: URL? = nil,
    timeout: Duration = .seconds(120)
  ) async throws -> ProgramRun {
    let outputs = FileManager.default.temporaryDirectory.appendingPathComponent("cutover-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: outputs) }
    let files = try OutputFiles(
      stdout: outputs.appendingPathComponent("stdout"), stderr: outputs.appendingPathComponent("stderr"))
    defer { files.close() }

    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let environment { process.environment = environment }
    if let directory { process.currentDirectoryURL = directory }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = files.stdout
    process.standardError = files.stderr
    let started = ContinuousClock.now
    try process.run()
    var timedOut = false
    do {
      try await poll("`\(executable.lastPathComponent)` to exit", timeout: timeout) { !process.isRunning }
    } catch is PollTimeout {
      timedOut = true
      kill(process.processIdentifier, SIGKILL)
      try await poll("`\(executable.lastPathComponent)` to die of SIGKILL", timeout: .seconds(10)) {
        !process.isRunning
      }
    }
    return ProgramRun(
      command: [executable.path] + arguments, exitCode: process.terminationStatus, timedOut: timedOut,
      stdout: OutputFiles.read(files.stdoutFile), stderr: OutputFiles.read(files.stderrFile),
      duration: ContinuousClock.now - started)
  }

  /// The first `name` on `PATH` that is an executable file.
  public static func onPath(_ name: String) -> URL? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
      .first { FileManager.default.isExecutableFile(atPath: $0.path) }
  }

  /// The command line, its outcome and its output, for the message of a failed expectation.
  public var description: String {
    let outcome = timedOut ? "was killed after its timeout" : "exited \(exitCode)"
    return """
      `\(command.joined(separator: " "))` \(outcome) after \(duration)
      --- stdout ---
      \(stdout)
      --- stderr ---
      \(stderr)
      """
  }
}
