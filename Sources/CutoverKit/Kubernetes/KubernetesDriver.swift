import Foundation

/// The cluster a Kubernetes call goes to: a generation's Magnum cluster and the kubeconfig Cutover wrote for it.
public struct KubernetesCluster: Sendable, Equatable {
  /// The Magnum cluster's uuid (how the simulator names it).
  public var clusterID: String
  /// The absolute path of the generation's kubeconfig (`state/eqiad1/kube/128a.config`), which helm and kubectl are
  /// given explicitly.
  public var kubeconfig: String

  public init(clusterID: String, kubeconfig: String) {
    self.clusterID = clusterID
    self.kubeconfig = kubeconfig
  }

  /// The target helm and kubectl are pointed at.
  public var target: KubernetesTarget { KubernetesTarget(kubeconfig: kubeconfig) }
}

/// One release to install or upgrade, with digests of its inputs.
public struct ReleaseDeployment: Sendable, Equatable {
  /// What helm is asked to do.
  public var request: HelmReleaseRequest
  /// A digest (`sha256:…`) of the values files' contents, in order.
  public var valuesSHA256: String
  /// A digest (`sha256:…`) of the `set:` values, sensitive ones included.
  public var setSHA256: String
  /// Where relative chart and values-file paths resolve: the directory holding `clusters/`.
  public var workingDirectory: String
  /// The chart repositories the desired state declares, by name: added to helm before the deploy, so the chart and
  /// a local chart's dependencies resolve.
  public var repositories: [String: String]

  public init(
    request: HelmReleaseRequest, valuesSHA256: String, setSHA256: String, workingDirectory: String,
    repositories: [String: String] = [:]
  ) {
    self.request = request
    self.valuesSHA256 = valuesSHA256
    self.setSHA256 = setSHA256
    self.workingDirectory = workingDirectory
    self.repositories = repositories
  }
}

/// A release as the cluster reports it.
public struct DeployedRelease: Sendable, Equatable {
  public var name: String
  public var namespace: String
  public var revision: Int
  /// Helm's status: `deployed`, `failed`, `pending-upgrade`, …
  public var status: String
  /// The chart's name as the cluster reports it, when it does.
  public var chart: String?
  /// The chart's version, when reported.
  public var version: String?
  /// A digest of the values the release runs with, in a form only this driver reads: recorded after a deploy and
  /// compared at refresh, so a change made outside Cutover (`helm upgrade --set …` by hand) shows as drift.
  public var valuesFingerprint: String?
  /// When it was last installed or upgraded.
  public var lastDeployed: Date?

  public init(
    name: String, namespace: String, revision: Int, status: String, chart: String? = nil, version: String? = nil,
    valuesFingerprint: String? = nil, lastDeployed: Date? = nil
  ) {
    self.name = name
    self.namespace = namespace
    self.revision = revision
    self.status = status
    self.chart = chart
    self.version = version
    self.valuesFingerprint = valuesFingerprint
    self.lastDeployed = lastDeployed
  }

  /// Whether the release is up: helm's `deployed`.
  public var isDeployed: Bool { status == "deployed" }
}

/// One plain Kubernetes manifest file to apply server-side.
public struct ManifestApplication: Sendable, Equatable {
  /// The manifest's name in the desired state (`storage-class`).
  public var name: String
  /// The file, relative to `workingDirectory` or absolute.
  public var file: String
  /// A digest (`sha256:…`) of the file's contents.
  public var sha256: String
  /// The `kind` of each document in the file, in order (`StorageClass`, `Ingress`).
  public var kinds: [String]
  /// Where a relative `file` resolves: the directory holding `clusters/`.
  public var workingDirectory: String

  public init(name: String, file: String, sha256: String, kinds: [String], workingDirectory: String) {
    self.name = name
    self.file = file
    self.sha256 = sha256
    self.kinds = kinds
    self.workingDirectory = workingDirectory
  }
}

/// A manifest as the cluster reports it.
public struct AppliedManifest: Sendable, Equatable {
  public var name: String
  /// `applied` or `failed`.
  public var status: String
  /// The digest of the file as last applied, when the driver can tell; nil when it cannot (kubectl keeps no such
  /// record).
  public var sha256: String?

  public init(name: String, status: String, sha256: String? = nil) {
    self.name = name
    self.status = status
    self.sha256 = sha256
  }
}

/// A Kubernetes call that failed, with the tool's or API's own reason (helm's last lines).
public struct KubernetesDriverError: Error, CustomStringConvertible, Sendable, Equatable {
  public var message: String

  public init(_ message: String) {
    self.message = message
  }

  public var description: String { message }
}

/// How Cutover does Kubernetes work on a generation's cluster: the real `helm` and `kubectl` with the generation's
/// kubeconfig, or, under `--simulate`, the simulator's Kubernetes API over HTTP.
///
/// Every method names its cluster; none reads `KUBECONFIG` or a current context. `note` receives lines for the
/// journal (a command run and its scrubbed output), never secrets.
public protocol KubernetesDriver: Sendable {
  /// What does the work, for messages (`helm and kubectl`, `the simulated cloud`).
  var name: String { get }

  /// What stops this machine from deploying releases or applying manifests (helm missing, kubectl too old), one
  /// line each; empty when nothing does. Checked before a plan that has such work runs.
  func toolProblems() async -> [String]

  /// Installs or upgrades a release and waits as the request says.
  /// - Throws: ``KubernetesDriverError`` with the tool's or API's reason.
  func deploy(_ deployment: ReleaseDeployment, on cluster: KubernetesCluster, note: @Sendable (String) async -> Void)
    async throws -> DeployedRelease

  /// Reads a release; nil when there is no such release (or no such cluster any more).
  func release(name: String, namespace: String, on cluster: KubernetesCluster) async throws -> DeployedRelease?
  /// Every release on the cluster with what ``release(name:namespace:on:)`` tells of each, and every manifest applied
  /// to it with what ``manifest(_:on:)`` tells, in one call: what a refresh reads of a cluster. Each list is nil when
  /// the driver cannot tell it all in one call (helm lists no values, kubectl keeps no record of a manifest: each is
  /// then read alone); the whole is nil when the cluster is gone.
  func deployed(on cluster: KubernetesCluster) async throws -> DeployedWork?

  /// Uninstalls a release and waits for it to be gone; a release already gone is not an error.
  func uninstall(
    name: String, namespace: String, timeout: Duration?, on cluster: KubernetesCluster,
    note: @Sendable (String) async -> Void
  ) async throws

  /// Applies a manifest file server-side.
  func apply(_ manifest: ManifestApplication, on cluster: KubernetesCluster, note: @Sendable (String) async -> Void)
    async throws -> AppliedManifest

  /// Reads what a manifest applied; nil when its objects are gone.
  func manifest(_ manifest: ManifestApplication, on cluster: KubernetesCluster) async throws -> AppliedManifest?

  /// Deletes what a manifest applied; objects already gone are not an error.
  func delete(_ manifest: ManifestApplication, on cluster: KubernetesCluster, note: @Sendable (String) async -> Void)
    async throws

  /// The cluster's nodes with their readiness and addresses.
  func nodes(on cluster: KubernetesCluster) async throws -> [KubernetesNode]
}

extension KubernetesDriver {
  /// No lists: each release and manifest is read alone.
  public func deployed(on cluster: KubernetesCluster) async throws -> DeployedWork? {
    DeployedWork(releases: nil, manifests: nil)
  }
}

/// What a cluster runs of Cutover's, as one call lists it (``KubernetesDriver/deployed(on:)``).
public struct DeployedWork: Sendable, Equatable {
  /// Every release, or nil when the driver cannot list them with what a plan compares.
  public var releases: [DeployedRelease]?
  /// Every manifest applied, or nil when the driver cannot list them.
  public var manifests: [AppliedManifest]?

  public init(releases: [DeployedRelease]?, manifests: [AppliedManifest]?) {
    self.releases = releases
    self.manifests = manifests
  }
}

/// The driver of a client built without one (tests that never touch Kubernetes): every call fails, saying so.
public struct UnavailableKubernetesDriver: KubernetesDriver {
  public init() {}

  public var name: String { "no Kubernetes driver" }

  private var error: KubernetesDriverError {
    KubernetesDriverError("this Cutover was set up without helm and kubectl access")
  }

  public func toolProblems() async -> [String] { [error.message] }

  public func deploy(
    _ deployment: ReleaseDeployment, on cluster: KubernetesCluster, note: @Sendable (String) async -> Void
  ) async throws -> DeployedRelease { throw error }

  public func release(name: String, namespace: String, on cluster: KubernetesCluster) async throws
    -> DeployedRelease?
  { throw error }

  public func uninstall(
    name: String, namespace: String, timeout: Duration?, on cluster: KubernetesCluster,
    note: @Sendable (String) async -> Void
  ) async throws { throw error }

  public func apply(
    _ manifest: ManifestApplication, on cluster: KubernetesCluster, note: @Sendable (String) async -> Void
  ) async throws -> AppliedManifest { throw error }

  public func manifest(_ manifest: ManifestApplication, on cluster: KubernetesCluster) async throws
    -> AppliedManifest?
  { throw error }

  public func delete(
    _ manifest: ManifestApplication, on cluster: KubernetesCluster, note: @Sendable (String) async -> Void
  ) async throws { throw error }

  public func nodes(on cluster: KubernetesCluster) async throws -> [KubernetesNode] { throw error }
}
