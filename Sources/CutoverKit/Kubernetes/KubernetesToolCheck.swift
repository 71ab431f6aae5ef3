import Foundation

/// Finds helm and kubectl and reads their versions before anything runs, so a plan can say "helm is missing" or
/// "kubectl is too old" up front instead of an apply failing halfway through a cutover.
///
/// The minimums, and why:
/// - helm 3.10.0: the first with `--set-json`, which Cutover uses so `set:` values keep their types (see
///   ``HelmCommands``). `uninstall --wait` (3.7) and OCI charts (3.8) come with it.
/// - helm majors 3 and 4: the command lines are built for these; a later major may rename flags again, as 4 did
///   with `--atomic`.
/// - kubectl 1.22.0: server-side apply is GA from Kubernetes 1.22. (kubectl is also supported only within one
///   minor version of the API server; that depends on the generation, not on the machine, so it is not checked
///   here.)
public struct KubernetesToolCheck: Sendable {
  /// The oldest helm Cutover runs.
  public static let minimumHelm = ToolVersion(3, 10, 0)
  /// The helm major versions whose command lines Cutover builds.
  public static let supportedHelmMajors = 3...4
  /// The oldest kubectl Cutover runs.
  public static let minimumKubectl = ToolVersion(1, 22, 0)

  /// The helm to check (its executable, runner, environment and read timeout are used).
  public var helm: HelmClient
  /// The kubectl to check.
  public var kubectl: KubectlClient

  public init(helm: HelmClient = HelmClient(), kubectl: KubectlClient = KubectlClient()) {
    self.helm = helm
    self.kubectl = kubectl
  }

  /// Checks both tools, concurrently.
  public func check() async -> KubernetesToolReport {
    async let helmStatus = checkHelm()
    async let kubectlStatus = checkKubectl()
    return await KubernetesToolReport(helm: helmStatus, kubectl: kubectlStatus)
  }

  /// Finds helm and reads its version.
  public func checkHelm() async -> ToolStatus {
    await Self.check(
      tool: "helm", executable: helm.executable, runner: helm.runner, environment: helm.environment,
      version: { () async throws(KubernetesToolError) -> ToolVersion in try await helm.version() }
    ) { version in
      if version < Self.minimumHelm {
        return "is too old: Cutover needs helm \(Self.minimumHelm) or later, for --set-json, which keeps the types "
          + "of set: values"
      }
      if !Self.supportedHelmMajors.contains(version.major) {
        return "is newer than Cutover knows: it builds command lines for helm "
          + "\(Self.supportedHelmMajors.lowerBound) and \(Self.supportedHelmMajors.upperBound)"
      }
      return nil
    }
  }

  /// Finds kubectl and reads its client version.
  public func checkKubectl() async -> ToolStatus {
    await Self.check(
      tool: "kubectl", executable: kubectl.executable, runner: kubectl.runner, environment: kubectl.environment,
      version: { () async throws(KubernetesToolError) -> ToolVersion in try await kubectl.version() }
    ) { version in
      guard version < Self.minimumKubectl else { return nil }
      return "is too old: Cutover needs kubectl \(Self.minimumKubectl) or later, for server-side apply (GA in "
        + "Kubernetes 1.22)"
    }
  }

  private static func check(
    tool: String, executable: String, runner: ProcessRunner, environment: [String: String],
    version readVersion: () async throws(KubernetesToolError) -> ToolVersion,
    judge: (ToolVersion) -> String?
  ) async -> ToolStatus {
    let path: String
    do {
      path = try runner.locate(executable, environment: environment)
    } catch {
      let problem: String
      switch error {
      case .executableNotFound(_, let searched) where executable.contains("/"):
        problem = "\(tool) not found at \(searched.first ?? executable)"
      case .executableNotFound(_, let searched):
        problem = "\(tool) not found on PATH or in \(searched.joined(separator: ", "))"
      default:
        problem = error.localizedDescription
      }
      return ToolStatus(tool: tool, problem: problem + "; install \(tool) or configure its path")
    }
    let version: ToolVersion
    do {
      version = try await readVersion()
    } catch {
      return ToolStatus(
        tool: tool, path: path,
        problem: "could not read the version of \(tool) at \(path): \(error.localizedDescription)")
    }
    let problem = judge(version).map { "\(tool) \(version) at \(path) \($0)" }
    return ToolStatus(tool: tool, path: path, version: version, problem: problem)
  }
}
