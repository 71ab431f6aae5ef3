import Foundation

/// The real `openstack` CLI (python-openstackclient with python-magnumclient), run against one `clouds.yaml` entry
/// with nothing else from the test process's OpenStack settings: no `OS_*` variable leaks in, and `HOME` is a
/// folder of the test's own, so no `~/.config/openstack/clouds.yaml` or `secure.yaml` is read.
public struct OpenStackCLI: Sendable {
  /// What to install when the CLI is missing.
  public static let installHint = "pip install python-openstackclient python-magnumclient"

  /// The `openstack` executable.
  public let executable: URL
  /// The `clouds.yaml` the CLI reads (`OS_CLIENT_CONFIG_FILE`).
  public let cloudsYAML: String
  /// The entry of that file every command uses (`--os-cloud`); nil for commands that say how to authenticate.
  public let cloud: String?
  /// `HOME` for every run.
  public let home: URL

  /// Why the CLI cannot be used.
  public struct Missing: Error, CustomStringConvertible {
    /// The `PATH` that was searched.
    public var searchedPath: String

    public var description: String {
      "the `openstack` CLI is not on PATH (\(searchedPath)); install it with `\(OpenStackCLI.installHint)` "
        + "(scripts/test does)"
    }
  }

  /// Finds `openstack` on the test process's `PATH`.
  /// - Throws: ``Missing`` when there is none, with the command that installs it.
  public init(cloudsYAML: String, cloud: String?, home: URL) throws {
    let searchedPath = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let candidates = searchedPath.split(separator: ":").map {
      URL(fileURLWithPath: String($0)).appendingPathComponent("openstack")
    }
    guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
      throw Missing(searchedPath: searchedPath)
    }
    self.executable = Self.resolvingPyenvShim(found)
    self.cloudsYAML = cloudsYAML
    self.cloud = cloud
    self.home = home
  }

  /// The program a pyenv shim would run (`pyenv which openstack`): the shim costs half a second per run, and a
  /// test runs the CLI a few dozen times. Anything else, or a failed lookup, is kept as it is.
  private static func resolvingPyenvShim(_ executable: URL) -> URL {
    guard executable.deletingLastPathComponent().lastPathComponent == "shims" else { return executable }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["pyenv", "which", executable.lastPathComponent]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return executable }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let path = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard process.terminationStatus == 0, FileManager.default.isExecutableFile(atPath: path) else { return executable }
    return URL(fileURLWithPath: path)
  }

  // MARK: - Running

  /// What one `openstack` run produced.
  public struct Result: Sendable, CustomStringConvertible {
    public var arguments: [String]
    public var exitCode: Int32
    public var timedOut: Bool
    public var stdout: String
    public var stderr: String
    public var duration: Duration

    /// Standard output parsed as JSON (for `-f json`) from its first line that opens an object or a list, since
    /// some commands print a line such as `Request to create cluster template … accepted` first; nil when there is
    /// no JSON.
    public var json: Any? {
      let lines = stdout.split(separator: "\n", omittingEmptySubsequences: false)
      guard let start = lines.firstIndex(where: { $0.hasPrefix("{") || $0.hasPrefix("[") }) else { return nil }
      let text = lines[start...].joined(separator: "\n")
      return try? JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    /// The command line, its outcome and its output, for the message of a failed expectation.
    public var description: String {
      let outcome = timedOut ? "was killed after its timeout" : "exited \(exitCode)"
      var text = """
        `openstack \(arguments.joined(separator: " "))` \(outcome) after \(duration)
        --- stdout ---
        \(stdout)
        --- stderr ---
        \(stderr)
        """
      if exitCode == 127 || stderr.contains("Unknown command") || stderr.contains("No module named") {
        text += "\n(is the CLI complete? `\(OpenStackCLI.installHint)`)"
      }
      return text
    }
  }

  /// Runs `openstack --os-cloud CLOUD ARGUMENTS` (or, without a cloud, `openstack ARGUMENTS`) and waits for it; past `timeout` it is killed with SIGKILL.
  public func run(_ arguments: [String], timeout: Duration = .seconds(60)) async throws -> Result {
    let fullArguments = (cloud.map { ["--os-cloud", $0] } ?? []) + arguments
    let run = try await ProgramRun.run(
      executable, fullArguments, environment: environment, directory: home, timeout: timeout)
    return Result(
      arguments: fullArguments, exitCode: run.exitCode, timedOut: run.timedOut, stdout: run.stdout,
      stderr: run.stderr, duration: run.duration)
  }

  /// The test process's environment without any `OS_*` or `CUTOVER_*` setting, pointing the CLI at the file.
  /// `SHELL` is set because `coe cluster config` reads it to word its `export KUBECONFIG=…` line.
  private var environment: [String: String] {
    var environment = ProcessInfo.processInfo.environment.filter { name, _ in
      !name.hasPrefix("OS_") && !name.hasPrefix("CUTOVER_")
    }
    environment["HOME"] = home.path
    environment["SHELL"] = environment["SHELL"] ?? "/bin/sh"
    environment["OS_CLIENT_CONFIG_FILE"] = cloudsYAML
    return environment
  }
}
