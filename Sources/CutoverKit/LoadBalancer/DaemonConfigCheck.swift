import Foundation

/// Has the real haproxy and keepalived read a rendered file before Cutover delivers it, so a file the daemon would
/// refuse never reaches a host (where a reload would fail, or worse, a restart would leave the host without a proxy).
///
/// `haproxy -c -f FILE` parses the whole file, resolves users and addresses, and exits 1 with `[ALERT]` lines on an
/// error; it exits 0 with `[WARNING]` lines for things it works around, which are returned, not thrown.
///
/// `keepalived --config-test --use-file=FILE` (2.2.7) parses without forking, binding, writing pid files or needing
/// root, prints each complaint to standard error and exits non-zero (5, or 6 for script security) when it printed
/// any: an unknown keyword, an out-of-range number, a password it truncates, an interface it cannot find. keepalived
/// repairs what it complains about instead of refusing the file, so any complaint is a rejection here even when an
/// older or newer keepalived exits 0.
public struct DaemonConfigCheck: Sendable {
  /// What a daemon had to say about a file it accepted.
  public struct Report: Sendable, Equatable {
    /// The daemon that read the file.
    public var daemon: String
    /// Warnings the daemon printed while accepting the file (haproxy's `[WARNING]` lines, prefixes removed).
    public var warnings: [String]
    /// What Cutover changed in a copy of the file to check it on this machine (keepalived's interface).
    public var notes: [String]

    public init(daemon: String, warnings: [String] = [], notes: [String] = []) {
      self.daemon = daemon
      self.warnings = warnings
      self.notes = notes
    }
  }

  /// Runs the daemons; its fallback directories are where they are looked for beyond `PATH`.
  public var runner: ProcessRunner
  /// How long one check may take; both daemons answer in well under a second.
  public var timeout: Duration
  /// The haproxy executable: a bare name looked up like any other, or a path.
  public var haproxyExecutable: String
  /// The keepalived executable: a bare name looked up like any other, or a path.
  public var keepalivedExecutable: String
  /// The network interfaces of this machine, loopback excluded; keepalived's check needs one of them.
  public var localInterfaces: @Sendable () -> [String]

  public init(
    runner: ProcessRunner = ProcessRunner(), timeout: Duration = .seconds(30), haproxyExecutable: String = "haproxy",
    keepalivedExecutable: String = "keepalived",
    localInterfaces: @escaping @Sendable () -> [String] = DaemonConfigCheck.networkInterfaces
  ) {
    self.runner = runner
    self.timeout = timeout
    self.haproxyExecutable = haproxyExecutable
    self.keepalivedExecutable = keepalivedExecutable
    self.localInterfaces = localInterfaces
  }

  // MARK: - Checking configurations

  /// Validates, renders and checks a host's haproxy configuration.
  ///
  /// - Throws: ``LoadBalancerConfigError`` for a value Cutover refuses, ``DaemonConfigCheckError`` when haproxy
  ///   refuses the file or cannot be run.
  public func check(_ config: HAProxyConfig) async throws -> Report {
    try config.validate()
    return try await checkHAProxy(text: config.render(), fileName: "haproxy.cfg")
  }

  /// Validates, renders and checks a host's keepalived configuration.
  ///
  /// The redacted text is checked, so the secret (validated by Cutover) is never written to a temporary file. The
  /// interface belongs to the load-balancer host, not to this machine: when this machine lacks it, the copy checked
  /// names a local interface instead, and the report's notes say so.
  ///
  /// - Throws: ``LoadBalancerConfigError`` for a value Cutover refuses, ``DaemonConfigCheckError`` when keepalived
  ///   refuses the file or cannot be run.
  public func check(_ config: KeepalivedConfig) async throws -> Report {
    try config.validate()
    var checked = config
    var notes: [String] = []
    let interfaces = localInterfaces()
    if !interfaces.contains(config.interface) {
      guard let stand = interfaces.first else {
        throw DaemonConfigCheckError.noNetworkInterface(wanted: config.interface)
      }
      checked.interface = stand
      notes.append("checked with interface \(stand) in place of \(config.interface), which this machine does not have")
    }
    var report = try await checkKeepalived(text: checked.renderRedacted(), fileName: "keepalived.conf")
    report.notes += notes
    return report
  }

  // MARK: - Checking text

  /// Checks haproxy configuration text with `haproxy -c`.
  ///
  /// - Parameters:
  ///   - text: The whole file.
  ///   - fileName: The name haproxy sees, and quotes in its messages (`parsing [haproxy.cfg:21]`).
  /// - Returns: The warnings haproxy printed while accepting the file.
  /// - Throws: ``DaemonConfigCheckError/rejected(daemon:file:message:)`` with haproxy's alerts.
  public func checkHAProxy(text: String, fileName: String = "haproxy.cfg") async throws(DaemonConfigCheckError)
    -> Report
  {
    let outcome = try await runDaemon(haproxyExecutable, named: "haproxy", text: text, fileName: fileName) { file in
      ["-c", "-f", file]
    }
    let messages = Self.haproxyMessages(outcome.output)
    guard outcome.succeeded else {
      let explanation = messages.alerts + messages.warnings
      throw .rejected(
        daemon: "haproxy", file: fileName,
        message: Self.summary(explanation.isEmpty ? Self.lastLines(outcome.output) : explanation, outcome))
    }
    return Report(daemon: "haproxy", warnings: messages.warnings)
  }

  /// Checks keepalived configuration text with `keepalived --config-test`, exactly as given (interface included).
  ///
  /// - Parameters:
  ///   - text: The whole file.
  ///   - fileName: The name keepalived sees, and quotes in its messages (`(keepalived.conf: Line 17)`).
  /// - Throws: ``DaemonConfigCheckError/rejected(daemon:file:message:)`` with keepalived's complaints, whatever its
  ///   exit status.
  public func checkKeepalived(text: String, fileName: String = "keepalived.conf") async throws(DaemonConfigCheckError)
    -> Report
  {
    let outcome = try await runDaemon(keepalivedExecutable, named: "keepalived", text: text, fileName: fileName) {
      file in ["--config-test", "--use-file=\(file)"]
    }
    let complaints = Self.lastLines(outcome.output)
    guard outcome.succeeded, complaints.isEmpty else {
      throw .rejected(daemon: "keepalived", file: fileName, message: Self.summary(complaints, outcome))
    }
    return Report(daemon: "keepalived")
  }

  // MARK: - Running the daemons

  /// Writes the text into a fresh private directory and runs the daemon there on the bare file name, so messages
  /// quote the name rather than a temporary path and parallel checks never share a file.
  private func runDaemon(
    _ executable: String, named daemon: String, text: String, fileName: String,
    arguments: (String) -> [String]
  ) async throws(DaemonConfigCheckError) -> ProcessOutcome {
    let path: String
    do {
      path = try runner.locate(executable)
    } catch .executableNotFound {
      throw .daemonNotFound(daemon: daemon, searched: runner.fallbackDirectories)
    } catch {
      throw .couldNotRun(daemon: daemon, reason: error.localizedDescription)
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cutover-check-\(UUID().uuidString)")
    do {
      try FileManager.default.createDirectory(
        at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      let created = FileManager.default.createFile(
        atPath: directory.appendingPathComponent(fileName).path, contents: Data(text.utf8),
        attributes: [.posixPermissions: 0o600])
      guard created else { throw CocoaError(.fileWriteUnknown) }
    } catch {
      throw .couldNotRun(daemon: daemon, reason: "cannot write \(fileName) to check into \(directory.path): \(error)")
    }
    defer { try? FileManager.default.removeItem(at: directory) }
    let outcome: ProcessOutcome
    do {
      outcome = try await runner.run(
        path, arguments: arguments(fileName), workingDirectory: directory.path, timeout: timeout)
    } catch {
      throw .couldNotRun(daemon: daemon, reason: error.localizedDescription)
    }
    if case .timedOut = outcome.termination {
      throw .couldNotRun(daemon: daemon, reason: "`\(outcome.commandLine)` \(outcome.termination)")
    }
    return outcome
  }

  // MARK: - Reading what the daemons say

  /// haproxy's `[ALERT]` and `[WARNING]` lines without their `[LEVEL] (pid) : config :` prefix, leaving out the
  /// closing lines that only say errors were found.
  static func haproxyMessages(_ output: String) -> (alerts: [String], warnings: [String]) {
    let message = /^\[(ALERT|WARNING)\]\s*\(\d+\)\s*:\s*(?:config\s*:\s*)?(.*)$/
    let closing = ["Error(s) found in configuration file", "Fatal errors found in configuration"]
    var alerts: [String] = []
    var warnings: [String] = []
    for line in output.split(whereSeparator: \.isNewline) {
      guard let match = line.wholeMatch(of: message) else { continue }
      let text = match.output.2.trimmingCharacters(in: .whitespaces)
      guard !closing.contains(where: text.hasPrefix) else { continue }
      if match.output.1 == "ALERT" { alerts.append(text) } else { warnings.append(text) }
    }
    return (alerts, warnings)
  }

  /// The non-empty lines at the end of the output, trimmed, without runs of the same line (keepalived repeats its
  /// brace-count complaint once per pass over the file).
  static func lastLines(_ output: String, limit: Int = 20) -> [String] {
    var lines: [String] = []
    for line in output.split(whereSeparator: \.isNewline) {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if !trimmed.isEmpty, lines.last != trimmed { lines.append(trimmed) }
    }
    return Array(lines.suffix(limit))
  }

  private static func summary(_ lines: [String], _ outcome: ProcessOutcome) -> String {
    let body = lines.isEmpty ? "(it printed nothing)" : lines.map { "  \($0)" }.joined(separator: "\n")
    return body + "\n(`\(outcome.commandLine)` \(outcome.termination))"
  }

  // MARK: - This machine

  /// The network interfaces under `/sys/class/net`, loopback excluded, those that are up first, each group by name.
  @Sendable public static func networkInterfaces() -> [String] {
    let root = "/sys/class/net"
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return [] }
    func isUp(_ name: String) -> Bool {
      let state = try? String(contentsOfFile: "\(root)/\(name)/operstate", encoding: .utf8)
      return state?.trimmingCharacters(in: .whitespacesAndNewlines) == "up"
    }
    let interfaces = names.filter { name in
      // bonding_masters and the like are plain files; only interfaces have an index.
      name != "lo" && FileManager.default.fileExists(atPath: "\(root)/\(name)/ifindex")
    }
    return interfaces.sorted { lhs, rhs in
      let (leftUp, rightUp) = (isUp(lhs), isUp(rhs))
      return leftUp != rightUp ? leftUp : lhs < rhs
    }
  }
}
