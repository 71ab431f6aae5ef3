import Foundation

/// The Kubernetes driver of a real cloud: `helm` and `kubectl` pointed at the generation's kubeconfig.
///
/// helm and kubectl are checked once per driver (``KubernetesToolCheck``), on the first ``toolProblems()`` or
/// deploy; the helm version found decides helm's version-specific flags. Every command and its output go to `note`
/// as they come back from ``HelmClient`` and ``KubectlClient``: display forms with sensitive `set:` values redacted,
/// output scrubbed of them. The values a release runs with are read only to be digested, never printed.
public struct HelmKubectlDriver: KubernetesDriver {
  /// Runs helm; its `helmVersion`, when nil, is taken from the tool check.
  public let helm: HelmClient
  /// Runs kubectl.
  public let kubectl: KubectlClient
  private let tools: ToolReportCache
  private let addedRepositories = AddedRepositories()

  public init(helm: HelmClient = HelmClient(), kubectl: KubectlClient = KubectlClient()) {
    self.helm = helm
    self.kubectl = kubectl
    self.tools = ToolReportCache(check: KubernetesToolCheck(helm: helm, kubectl: kubectl))
  }

  public var name: String { "helm and kubectl" }

  public func toolProblems() async -> [String] {
    await tools.report().problems
  }

  // MARK: - Releases

  public func deploy(
    _ deployment: ReleaseDeployment, on cluster: KubernetesCluster, note: @Sendable (String) async -> Void
  ) async throws -> DeployedRelease {
    let helm = await versionedHelm()
    let request = deployment.request
    // Once per repository and run: `helm repo add --force-update` also refreshes a repository already there. Deploys
    // running at once wait for the same add; a failed add is tried again by the next deploy.
    for (name, url) in deployment.repositories.sorted(by: { $0.key < $1.key }) {
      let added = await addedRepositories.add(name, url) {
        do {
          return .success(
            try await Self.driverErrors { () async throws(KubernetesToolError) in
              try await helm.repoAdd(name: name, url: url)
            })
        } catch let error as KubernetesDriverError {
          return .failure(error)
        } catch {
          return .failure(KubernetesDriverError(error.localizedDescription))
        }
      }
      switch added {
      case .success(let run?): await note(Self.line(run))
      case .success(nil): break
      case .failure(let error): throw error
      }
    }
    let runs = try await Self.driverErrors { () async throws(KubernetesToolError) in
      try await helm.upgradeInstall(request, target: cluster.target, workingDirectory: deployment.workingDirectory)
    }
    for run in runs { await note(Self.line(run)) }
    guard let release = try await read(name: request.name, namespace: request.namespace, helm: helm, cluster: cluster)
    else {
      throw KubernetesDriverError(
        "helm upgrade --install of \(request.name) in namespace \(request.namespace) succeeded, but helm status "
          + "finds no such release")
    }
    return release
  }

  public func release(name: String, namespace: String, on cluster: KubernetesCluster) async throws
    -> DeployedRelease?
  {
    try await read(name: name, namespace: namespace, helm: helm, cluster: cluster)
  }

  public func uninstall(
    name: String, namespace: String, timeout: Duration?, on cluster: KubernetesCluster,
    note: @Sendable (String) async -> Void
  ) async throws {
    let run = try await Self.driverErrors { () async throws(KubernetesToolError) in
      try await helm.uninstall(release: name, namespace: namespace, target: cluster.target, timeout: timeout)
    }
    if let run {
      await note(Self.line(run))
    } else {
      await note("helm: no release \(name) in namespace \(namespace), nothing to uninstall")
    }
  }

  /// `helm status` and `helm get values`; nil when there is no such release.
  private func read(name: String, namespace: String, helm: HelmClient, cluster: KubernetesCluster) async throws
    -> DeployedRelease?
  {
    let target = cluster.target
    let status = try await Self.driverErrors { () async throws(KubernetesToolError) in
      try await helm.status(release: name, namespace: namespace, target: target)
    }
    guard let status else { return nil }
    let values = try await Self.driverErrors { () async throws(KubernetesToolError) in
      try await helm.userValues(release: name, namespace: namespace, target: target)
    }
    return DeployedRelease(
      name: status.name, namespace: status.namespace, revision: status.revision, status: status.phase.rawValue,
      chart: status.chartName, version: status.chartVersion, valuesFingerprint: values.map(Self.fingerprint),
      lastDeployed: status.lastDeployedDate)
  }

  /// `sha256:` and the hex SHA-256 of the values' canonical encoding: equal values (in any key order) give equal
  /// fingerprints. It stays in memory: state records only its keyed digest (`values_fingerprint` is sensitive).
  static func fingerprint(of values: [String: Value]) -> String {
    Value.map(values).sha256Digest
  }

  // MARK: - Manifests

  public func apply(
    _ manifest: ManifestApplication, on cluster: KubernetesCluster, note: @Sendable (String) async -> Void
  ) async throws -> AppliedManifest {
    let run = try await Self.driverErrors { () async throws(KubernetesToolError) in
      try await kubectl.apply(file: manifest.file, target: cluster.target, workingDirectory: manifest.workingDirectory)
    }
    await note(Self.line(run))
    return AppliedManifest(name: manifest.name, status: "applied", sha256: manifest.sha256)
  }

  /// Whether any object of the file exists; kubectl keeps no record of the file's digest, so `sha256` is nil.
  public func manifest(_ manifest: ManifestApplication, on cluster: KubernetesCluster) async throws
    -> AppliedManifest?
  {
    let objects = try await Self.driverErrors { () async throws(KubernetesToolError) in
      try await kubectl.get(file: manifest.file, target: cluster.target, workingDirectory: manifest.workingDirectory)
    }
    guard !objects.isEmpty else { return nil }
    return AppliedManifest(name: manifest.name, status: "applied", sha256: nil)
  }

  public func delete(
    _ manifest: ManifestApplication, on cluster: KubernetesCluster, note: @Sendable (String) async -> Void
  ) async throws {
    let run = try await Self.driverErrors { () async throws(KubernetesToolError) in
      try await kubectl.delete(file: manifest.file, target: cluster.target, workingDirectory: manifest.workingDirectory)
    }
    await note(Self.line(run))
  }

  // MARK: - Nodes

  public func nodes(on cluster: KubernetesCluster) async throws -> [KubernetesNode] {
    try await Self.driverErrors { () async throws(KubernetesToolError) in
      try await kubectl.nodes(target: cluster.target)
    }
  }

  // MARK: - Helpers

  /// helm with the version the tool check found, unless one was set.
  private func versionedHelm() async -> HelmClient {
    var helm = helm
    if helm.helmVersion == nil {
      helm.helmVersion = await tools.report().helm.version
    }
    return helm
  }

  /// The journal line of a run: its redacted command, then its scrubbed output.
  static func line(_ run: ToolRun) -> String {
    let output = run.output.trimmingCharacters(in: .whitespacesAndNewlines)
    return output.isEmpty ? run.command : run.command + "\n" + output
  }

  /// Runs `body`, turning a tool's error into a ``KubernetesDriverError`` with the same text (helm's last lines).
  private static func driverErrors<Result>(
    _ body: () async throws(KubernetesToolError) -> Result
  ) async throws(KubernetesDriverError) -> Result {
    do {
      return try await body()
    } catch {
      throw KubernetesDriverError(error.errorDescription ?? "\(error)")
    }
  }
}

// MARK: - AddedRepositories

/// The chart repositories this driver has added, so each is added once per run.
private actor AddedRepositories {
  private var adds: [String: Task<Result<ToolRun, KubernetesDriverError>, Never>] = [:]

  /// Adds `name` at `url` with `run`, once: a caller while the add runs waits for it; one after it succeeded gets
  /// nil (nothing to note); after a failure the next caller tries again.
  func add(
    _ name: String, _ url: String, _ run: @escaping @Sendable () async -> Result<ToolRun, KubernetesDriverError>
  ) async -> Result<ToolRun?, KubernetesDriverError> {
    let key = name + " " + url
    if let existing = adds[key] {
      switch await existing.value {
      case .success: return .success(nil)
      case .failure(let error): return .failure(error)
      }
    }
    let task = Task { await run() }
    adds[key] = task
    let result = await task.value
    if case .failure = result { adds[key] = nil }
    return result.map { Optional($0) }
  }
}

// MARK: - ToolReportCache

/// The one tool check of a driver: the first caller runs it, later and concurrent callers share its report.
private actor ToolReportCache {
  private let check: KubernetesToolCheck
  private var running: Task<KubernetesToolReport, Never>?

  init(check: KubernetesToolCheck) {
    self.check = check
  }

  func report() async -> KubernetesToolReport {
    if let running { return await running.value }
    let check = check
    let task = Task { await check.check() }
    running = task
    return await task.value
  }
}
