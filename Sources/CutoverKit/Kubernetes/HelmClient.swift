import Foundation
import Synchronization

/// Runs helm for Cutover: deploys, reads back and removes releases on a generation's cluster.
///
/// Each method builds its command with ``HelmCommands``, runs it through ``ProcessRunner`` with a deadline, and
/// returns the parsed answer, or the run's (scrubbed) output for the journal. A release that does not exist is
/// `nil`, not an error, so refresh and destroy can tell "gone" from "broken".
public struct HelmClient: Sendable {
  /// The helm executable: a bare name looked up on `PATH`, or a path.
  public var executable: String
  /// Runs the processes.
  public var runner: ProcessRunner
  /// The helm version that will run the commands (from ``KubernetesToolCheck``); decides version-specific flags.
  public var helmVersion: ToolVersion?
  /// Variables added to helm's environment (`HELM_CACHE_HOME`, a proxy), on top of Cutover's own.
  public var environment: [String: String]
  /// The deadline of commands that only read (`status`, `get values`, `version`, `repo add`).
  public var readTimeout: Duration
  /// The deadline of `helm dependency update`, which downloads subcharts.
  public var dependencyUpdateTimeout: Duration
  /// Added to Helm's own timeout to make a deploy's or uninstall's deadline (see ``deadline(forHelmTimeout:)``).
  public var deadlineMargin: Duration

  /// Helm's own default `--timeout`, used when a release sets none.
  public static let helmDefaultTimeout: Duration = .seconds(5 * 60)

  public init(
    executable: String = "helm", runner: ProcessRunner = ProcessRunner(), helmVersion: ToolVersion? = nil,
    environment: [String: String] = [:], readTimeout: Duration = .seconds(120),
    dependencyUpdateTimeout: Duration = .seconds(600), deadlineMargin: Duration = .seconds(300)
  ) {
    self.executable = executable
    self.runner = runner
    self.helmVersion = helmVersion
    self.environment = environment
    self.readTimeout = readTimeout
    self.dependencyUpdateTimeout = dependencyUpdateTimeout
    self.deadlineMargin = deadlineMargin
  }

  /// How long Cutover lets a deploy or uninstall run before killing helm.
  ///
  /// Helm's `--timeout` bounds each Kubernetes operation (the wait for resources, each hook's Job), not the whole
  /// command, and with rollback-on-failure a failed wait is followed by a rollback under the same timeout. Twice
  /// Helm's timeout plus a margin lets Helm fail by itself, with its own message and its release record consistent,
  /// in all but pathological cases; killing it earlier leaves the release `pending-*`.
  public func deadline(forHelmTimeout timeout: Duration?) -> Duration {
    (timeout ?? Self.helmDefaultTimeout) * 2 + deadlineMargin
  }

  private var commands: KubernetesCommandRunner {
    KubernetesCommandRunner(runner: runner, environment: environment)
  }

  // MARK: - Changing releases

  /// Deploys a release: `helm dependency update` first for a local chart that asks for it, then
  /// `helm upgrade --install`.
  ///
  /// - Parameters:
  ///   - workingDirectory: Where relative chart and values-file paths (`./paws`, `paws/secrets.yaml`) resolve: the
  ///     directory holding the environment's files.
  /// - Returns: Each command run, with its output, in order, for the journal.
  /// - Throws: ``KubernetesToolError``; a failure carries helm's last lines.
  public func upgradeInstall(
    _ release: HelmReleaseRequest, target: KubernetesTarget, workingDirectory: String? = nil
  ) async throws(KubernetesToolError) -> [ToolRun] {
    var runs: [ToolRun] = []
    if release.dependencyUpdate, release.isLocalChart {
      runs.append(try await dependencyUpdate(chartPath: release.chart, workingDirectory: workingDirectory))
    }
    var request = release
    let hidden = try Self.writeHiddenValues(of: release)
    defer { hidden.map(Self.removeHiddenValues) }
    request.hiddenValuesFile = hidden.map { $0 + "/values.json" }
    let command = HelmCommands.upgradeInstall(request, target: target, helm: executable, helmVersion: helmVersion)
    runs.append(
      try await commands.run(
        command, workingDirectory: workingDirectory, timeout: deadline(forHelmTimeout: release.timeout)))
    return runs
  }

  /// Writes a release's sensitive `set:` values to `values.json` in a new private directory (0700, the file 0600)
  /// under the temporary directory, so they reach helm without being on its command line. The directory's name
  /// carries this process's id (`cutover-helm-PID-XXXXXX`), so a later run can tell a dead run's leftovers from a
  /// live run's files (see ``removeStaleHiddenValues(in:)``).
  /// - Returns: The directory, to remove after the run; nil when there are no such values.
  static func writeHiddenValues(of release: HelmReleaseRequest) throws(KubernetesToolError) -> String? {
    guard let values = release.hiddenValues else { return nil }
    var template = Array((temporaryDirectory + "/\(hiddenPrefix)\(getpid())-XXXXXX").utf8CString)
    guard let made = mkdtemp(&template) else {
      throw .couldNotStart(
        command: "helm upgrade --install \(release.name)",
        reason: "cannot make a private directory for its sensitive values: \(String(cString: strerror(errno)))")
    }
    let directory = String(cString: made)
    liveHiddenDirectories.withLock { _ = $0.insert(directory) }
    do {
      try PrivateFileWriter.write(Data(values.jsonText.utf8), to: directory + "/values.json")
    } catch {
      removeHiddenValues(directory)
      throw .couldNotStart(
        command: "helm upgrade --install \(release.name)",
        reason: "cannot write its sensitive values to a private file: \(error.localizedDescription)")
    }
    return directory
  }

  static func removeHiddenValues(_ directory: String) {
    unlink(directory + "/values.json")
    rmdir(directory)
    liveHiddenDirectories.withLock { _ = $0.remove(directory) }
  }

  /// The private directories of deploys still running, so an exit that skips their cleanup can remove them.
  private static let liveHiddenDirectories = Mutex<Set<String>>([])

  /// Removes the sensitive values files of deploys still running: for an exit that does not wait for them (a second
  /// Ctrl-C). helm, if it still runs, has read its values long before.
  public static func removeLeftoverHiddenValues() {
    for directory in liveHiddenDirectories.withLock({ $0 }) { removeHiddenValues(directory) }
  }

  /// How every private values directory's name starts.
  static let hiddenPrefix = "cutover-helm-"

  /// `TMPDIR`, else `/tmp`: where the private values directories are made.
  static var temporaryDirectory: String {
    ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
  }

  /// Removes the private values directories that runs killed before their cleanup (`kill -9`, a crash, a power cut)
  /// left in `directory` (the temporary directory when nil), secrets and all. Only directories named with the id of
  /// a process that no longer runs on this host are removed: a live run's, or one whose name carries no id, stay.
  /// - Returns: the directories removed.
  @discardableResult
  public static func removeStaleHiddenValues(in directory: String? = nil) -> [String] {
    let base = directory ?? temporaryDirectory
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: base) else { return [] }
    var removed: [String] = []
    for name in names where name.hasPrefix(hiddenPrefix) {
      let rest = name.dropFirst(hiddenPrefix.count)
      guard let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]), pid > 0,
        !ProcessIdentity.isAlive(pid: pid)
      else { continue }
      let path = base + "/" + name
      // Only what a deploy writes there: a directory holding anything else is not one of these, whatever its name.
      let contents = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
      guard contents.allSatisfy({ $0 == "values.json" }) else { continue }
      unlink(path + "/values.json")
      if rmdir(path) == 0 { removed.append(path) }
    }
    return removed
  }

  /// Runs `helm dependency update PATH`.
  public func dependencyUpdate(
    chartPath: String, workingDirectory: String? = nil
  ) async throws(KubernetesToolError) -> ToolRun {
    try await commands.run(
      HelmCommands.dependencyUpdate(chartPath: chartPath, helm: executable), workingDirectory: workingDirectory,
      timeout: dependencyUpdateTimeout)
  }

  /// Runs `helm repo add --force-update NAME URL`.
  public func repoAdd(name: String, url: String) async throws(KubernetesToolError) -> ToolRun {
    try await commands.run(HelmCommands.repoAdd(name: name, url: url, helm: executable), timeout: readTimeout)
  }

  /// Uninstalls a release and waits for its objects to be gone.
  ///
  /// - Returns: The run, or `nil` when there was no such release (nothing to do, which is not a failure).
  public func uninstall(
    release: String, namespace: String, target: KubernetesTarget, timeout: Duration? = nil
  ) async throws(KubernetesToolError) -> ToolRun? {
    let command = HelmCommands.uninstall(
      release: release, namespace: namespace, target: target, timeout: timeout, helm: executable)
    let outcome = try await commands.outcome(
      of: command, workingDirectory: nil, timeout: deadline(forHelmTimeout: timeout))
    if KubernetesCommandRunner.isReleaseNotFound(outcome) { return nil }
    return try commands.requireSuccess(outcome, of: command)
  }

  // MARK: - Reading releases

  /// Reads a release's state with `helm status -o json`.
  ///
  /// - Returns: The status, or `nil` when the release does not exist.
  public func status(
    release: String, namespace: String, target: KubernetesTarget
  ) async throws(KubernetesToolError) -> HelmReleaseStatus? {
    let command = HelmCommands.status(release: release, namespace: namespace, target: target, helm: executable)
    guard let run = try await readRelease(command) else { return nil }
    do {
      return try HelmReleaseStatus(helmStatusOutput: run.output)
    } catch {
      throw .unreadableOutput(command: command.displayLine, problem: error.description)
    }
  }

  /// Reads the values a release was installed with (`helm get values -o json`, user-supplied values only).
  ///
  /// The answer holds whatever the values files held, secrets included: compare it, never print or journal it.
  ///
  /// - Returns: The values (empty when it was installed with none), or `nil` when the release does not exist.
  public func userValues(
    release: String, namespace: String, target: KubernetesTarget
  ) async throws(KubernetesToolError) -> [String: Value]? {
    let command = HelmCommands.getValues(release: release, namespace: namespace, target: target, helm: executable)
    guard let run = try await readRelease(command) else { return nil }
    do {
      return try HelmReleaseValues.parse(run.output)
    } catch {
      // The problem quotes the start of the output, which may be a secret; say only what was wrong.
      throw .unreadableOutput(command: command.displayLine, problem: "its answer is not a JSON object or null")
    }
  }

  /// Reads helm's version (`helm version --template {{.Version}}`).
  public func version() async throws(KubernetesToolError) -> ToolVersion {
    let command = HelmCommands.version(helm: executable)
    let run = try await commands.run(command, timeout: readTimeout)
    do {
      return try ToolVersion.parseHelmVersion(run.output)
    } catch {
      throw .unreadableOutput(command: command.displayLine, problem: error.description)
    }
  }

  private func readRelease(_ command: KubernetesCommand) async throws(KubernetesToolError) -> ToolRun? {
    let outcome = try await commands.outcome(of: command, workingDirectory: nil, timeout: readTimeout)
    if KubernetesCommandRunner.isReleaseNotFound(outcome) { return nil }
    return try commands.requireSuccess(outcome, of: command)
  }
}
