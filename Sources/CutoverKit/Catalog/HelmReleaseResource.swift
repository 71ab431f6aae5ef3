import Foundation
import OpenStack

/// `helm_release.<gen>.<name>`: a Helm release deployed into one generation's cluster with that generation's
/// kubeconfig, after the generation's manifests and the releases declared before it.
///
/// Everything a deploy depends on is an attribute, so a change to any of it plans an upgrade: the chart and its
/// version (or, for a local chart, a digest of its files), each values file's digest (never its content: a values
/// file may hold the hub's secrets), and the `set:` values, those that look secret (or are listed under
/// `sensitive:`) held apart as one sensitive attribute that prints as `(sensitive)`. A release the cluster reports
/// failed, or whose values someone changed with helm by hand, shows as drift and is deployed again.
public struct HelmReleaseResource: NamedResourceType {
  public init() {}

  public static let typeName = "helm_release"
  public var highlights: [String] { [Attribute.chart, Attribute.version] }

  /// The names of this type's attributes, as state and plans record them.
  public enum Attribute {
    public static let clusterId = "cluster_id"
    public static let release = "release"
    public static let namespace = "namespace"
    public static let chart = "chart"
    public static let repositories = "repositories"
    public static let version = "version"
    public static let chartSha256 = "chart_sha256"
    public static let chartGitIdentity = "chart_git_identity"
    public static let values = "values"
    public static let valuesSha256 = "values_sha256"
    public static let valuesGitBlobs = "values_git_blobs"
    public static let set = "set"
    public static let setSensitive = "set_sensitive"
    public static let status = "status"
    public static let valuesOnCluster = "values_on_cluster"
    public static let timeout = "timeout"
    public static let wait = "wait"
    public static let dependencyUpdate = "dependency_update"
    public static let revision = "revision"
    public static let chartVersion = "chart_version"
    public static let lastDeployed = "last_deployed"
    public static let valuesFingerprint = "values_fingerprint"
  }

  /// What `values_on_cluster` says while the release runs with the values Cutover deployed.
  static let asDeployed = "as deployed"
  /// What it says when they differ (a `helm upgrade --set …` by hand).
  static let changedOutside = "changed outside Cutover"

  public let schema = ResourceSchema([
    AttributeSchema(Attribute.clusterId, .updatable),
    AttributeSchema(Attribute.release, .forcesReplacement),
    AttributeSchema(Attribute.namespace, .forcesReplacement),
    AttributeSchema(Attribute.chart, .updatable),
    AttributeSchema(Attribute.repositories, .createOnly),
    AttributeSchema(Attribute.version, .updatable),
    // A local chart's files and the values files may hold secrets (PAWS keeps some in both): keyed digests.
    AttributeSchema(Attribute.chartSha256, .updatable, keyed: true, identifiedBy: Attribute.chartGitIdentity),
    // What identifies a local chart with git-crypt encrypted files where they cannot be read (CI).
    AttributeSchema(Attribute.chartGitIdentity, .recordedOnly),
    AttributeSchema(Attribute.values, .updatable),
    AttributeSchema(Attribute.valuesSha256, .updatable, keyed: true, identifiedBy: Attribute.valuesGitBlobs),
    // What identifies a git-crypt encrypted values file where it cannot be read (CI): its blob as committed.
    AttributeSchema(Attribute.valuesGitBlobs, .recordedOnly),
    AttributeSchema(Attribute.set, .updatable),
    AttributeSchema(Attribute.setSensitive, .updatable, sensitive: true),
    AttributeSchema(Attribute.status, .updatable),
    AttributeSchema(Attribute.valuesOnCluster, .updatable),
    AttributeSchema(Attribute.timeout, .createOnly),
    AttributeSchema(Attribute.wait, .createOnly),
    AttributeSchema(Attribute.dependencyUpdate, .createOnly),
    AttributeSchema(Attribute.revision, .computed(changesOnUpdate: true)),
    // The chart version the cluster reported after the last deploy (`~4.14` resolves to 4.14.3).
    AttributeSchema(Attribute.chartVersion, .computed(changesOnUpdate: true)),
    AttributeSchema(Attribute.lastDeployed, .computed(changesOnUpdate: true)),
    // A digest over every value the release runs with, the secrets' included: never printed.
    AttributeSchema(Attribute.valuesFingerprint, .computed(changesOnUpdate: true), sensitive: true),
  ])

  public func expand(_ state: DesiredState) -> [DesiredResource] {
    state.generations.flatMap { generation in
      let cluster = ClusterResource.address(generation.id)
      let kubeconfig = KubeconfigResource.address(generation.id)
      let manifests = generation.manifests.map { ManifestResource.address(generation: generation.id, name: $0.name) }
      var previous: ResourceAddress?
      return generation.releases.map { release in
        let address = Self.address(generation: generation.id, name: release.name)
        let policy = SensitiveValuePolicy(listedKeys: release.sensitive)
        var shown: [String: Value] = [:]
        var hidden: [String: Value] = [:]
        for (key, value) in release.set {
          // A map holding a secret somewhere inside is hidden whole, so the deploy still has every value of it.
          if policy.isSensitive(key) || policy.redacted(value, at: key) != value {
            hidden[key] = value
          } else {
            shown[key] = value
          }
        }
        var attributes: [String: AttributeExpression] = [
          Attribute.clusterId: .reference(Reference(cluster, ClusterResource.Attribute.id)),
          Attribute.release: .value(.string(release.name)),
          Attribute.namespace: .value(.string(release.namespace)),
          Attribute.chart: .value(.string(release.chart)),
          Attribute.values: .value(.list(release.values.map(Value.string))),
          Attribute.set: .value(.map(shown)),
          Attribute.status: .value(.string("deployed")),
          Attribute.valuesOnCluster: .value(.string(Self.asDeployed)),
          Attribute.wait: .value(.bool(release.wait)),
          Attribute.dependencyUpdate: .value(.bool(release.dependencyUpdate)),
        ]
        if let version = release.version { attributes[Attribute.version] = .value(.string(version)) }
        if !state.helmRepositories.isEmpty {
          attributes[Attribute.repositories] = .value(.map(state.helmRepositories.mapValues(Value.string)))
        }
        if let chart = release.chartSHA256 { attributes[Attribute.chartSha256] = .value(.string(chart)) }
        if let identity = release.chartGitIdentity {
          attributes[Attribute.chartGitIdentity] = .value(.string(identity))
        }
        if let digests = release.valuesSHA256 {
          attributes[Attribute.valuesSha256] = .value(.list(digests.map(Value.string)))
        }
        if let blobs = release.valuesGitBlobs {
          attributes[Attribute.valuesGitBlobs] = .value(.list(blobs.map { $0.map(Value.string) ?? .null }))
        }
        // Carried whole for the deploy; state and plans hold only its digest.
        if !hidden.isEmpty { attributes[Attribute.setSensitive] = .value(.map(hidden)) }
        if let minutes = release.timeoutMinutes { attributes[Attribute.timeout] = .value(.int(minutes)) }
        let order = [kubeconfig] + manifests + (previous.map { [$0] } ?? [])
        previous = address
        return DesiredResource(address: address, attributes: attributes, dependsOn: order)
      }
    }
  }

  /// `helm_release.<generation>.<release>`.
  static func address(generation: String, name: String) -> ResourceAddress {
    HelmReleaseResource.address("\(generation).\(name)")
  }

  public func generation(of address: ResourceAddress) -> String? {
    address.nameBeforeFirstDot ?? address.name
  }

  public var nameAttribute: String { Attribute.release }

  // MARK: - Actions

  public func create(_ attributes: Attributes, address: ResourceAddress, context: ActionContext) async throws
    -> AppliedResource
  {
    try await deploy(attributes, address: address, context: context)
  }

  public func update(_ attributes: Attributes, prior: RecordedResource, context: ActionContext) async throws
    -> AppliedResource
  {
    try await deploy(attributes, address: prior.address, context: context)
  }

  /// `helm upgrade --install`: the same call installs a new release, upgrades one, and deploys one again after a
  /// failure or a change by hand.
  private func deploy(_ attributes: Attributes, address: ResourceAddress, context: ActionContext) async throws
    -> AppliedResource
  {
    let cluster = try Self.cluster(attributes, address: address, context: context)
    let deployment = try Self.deployment(attributes, context: context)
    // A saved plan holds digests: the files must still be the ones planned, or helm would deploy something unseen.
    if let planned = attributes[Attribute.valuesSha256]?.stringList {
      let current = try deployment.request.valuesFiles.map { file in
        try Self.digest(ofValuesFile: file, context: context)
      }
      if current != planned {
        throw ResourceActionError("a values file of \(address) changed since the plan; plan again")
      }
    }
    let deployed: DeployedRelease
    do {
      deployed = try await context.cloud.kubernetes.deploy(deployment, on: cluster, note: context.note)
    } catch let error as KubernetesDriverError {
      throw ResourceActionError(error.message)
    }
    context.sightings?.reached(clusterID: cluster.clusterID)
    let remoteID = "\(deployed.namespace)/\(deployed.name)"
    try await context.recordRemoteID(remoteID)
    return AppliedResource(
      remoteID: remoteID,
      attributes: Self.recorded(attributes, deployed, fingerprint: nil, digester: context.digester))
  }

  public func delete(_ prior: RecordedResource, context: ActionContext) async throws {
    let cluster: KubernetesCluster
    switch try await Self.clusterState(prior.attributes, address: prior.address, context: context) {
    case .gone: return  // the cluster is gone, and the release with it
    case .busy(let status):
      throw ResourceActionError(
        "cannot uninstall \(prior.address) while its cluster is \(status); apply again once it settles")
    case .ready(let ready): cluster = ready
    }
    let timeout = prior.attributes[Attribute.timeout]?.intValue.map { Duration.seconds($0 * 60) }
    do {
      try await context.cloud.kubernetes.uninstall(
        name: Self.releaseName(prior), namespace: Self.namespace(prior), timeout: timeout, on: cluster,
        note: context.note)
    } catch let error as KubernetesDriverError {
      throw ResourceActionError(error.message)
    }
  }

  public func read(_ prior: RecordedResource, context: ActionContext) async throws -> AppliedResource? {
    // Without helm here (a plan preview on another machine), the release is taken as recorded; the plan says so.
    if !(await context.cloud.kubernetes.toolProblems()).isEmpty {
      return AppliedResource(remoteID: prior.remoteID ?? "", attributes: prior.attributes)
    }
    let cluster: KubernetesCluster
    switch try await Self.clusterState(prior.attributes, address: prior.address, context: context) {
    case .gone: return nil
    case .busy: return AppliedResource(remoteID: prior.remoteID ?? "", attributes: prior.attributes)
    case .ready(let ready): cluster = ready
    }
    let deployed: DeployedRelease?
    do {
      let (name, namespace) = (Self.releaseName(prior), Self.namespace(prior))
      // The cluster's releases in one call when the driver lists them with their values' fingerprints.
      if let listed = try await context.listings?.releases(on: cluster) {
        deployed = listed.first { $0.name == name && $0.namespace == namespace }
      } else {
        deployed = try await context.cloud.kubernetes.release(name: name, namespace: namespace, on: cluster)
      }
    } catch let error as KubernetesDriverError {
      throw ResourceActionError("cannot read \(prior.address): \(error.message)")
    }
    guard let deployed else { return nil }
    var attributes = Self.recorded(
      prior.attributes, deployed, fingerprint: prior.attributes[Attribute.valuesFingerprint]?.stringValue,
      digester: context.digester)
    // A chart upgraded or downgraded by hand: the cluster runs another version than the deploy left, which a plan
    // shows as `version` changing back (the desired text may be a range, so it is the deployed version compared).
    if prior.attributes[Attribute.version] != nil, let version = deployed.version,
      let deployedVersion = prior.attributes[Attribute.chartVersion]?.stringValue, version != deployedVersion
    {
      attributes[Attribute.version] = .string(version)
      attributes[Attribute.chartVersion] = .string(version)
    }
    return AppliedResource(
      remoteID: prior.remoteID ?? "\(deployed.namespace)/\(deployed.name)", attributes: attributes)
  }

  public func find(_ attributes: Attributes, context: ActionContext) async throws -> AppliedResource? {
    // `upgrade --install` of an interrupted create is harmless: deploying again is how it is finished.
    nil
  }

  // MARK: - Attributes

  /// The attributes to record after a deploy or a read: the inputs, and the cluster's answer. `fingerprint` is the
  /// values fingerprint recorded at the last deploy (nil right after a deploy, which records the new one).
  static func recorded(
    _ inputs: Attributes, _ deployed: DeployedRelease, fingerprint: String?, digester: SensitiveDigester
  ) -> Attributes {
    var result = inputs
    result[Attribute.status] = .string(deployed.status)
    result[Attribute.revision] = .int(deployed.revision)
    if fingerprint == nil, let version = deployed.version { result[Attribute.chartVersion] = .string(version) }
    if let date = deployed.lastDeployed {
      result[Attribute.lastDeployed] = .string(date.formatted(.iso8601))
    }
    let current = deployed.valuesFingerprint.map(Value.string) ?? .null
    if let fingerprint {
      // State holds the fingerprint's digest (it is sensitive); a fresh deploy's result holds the fingerprint.
      let same =
        current == .null || current.stringValue == fingerprint || digester.digest(current).stringValue == fingerprint
      result[Attribute.valuesOnCluster] = .string(same ? asDeployed : changedOutside)
    } else {
      result[Attribute.valuesFingerprint] = current
      result[Attribute.valuesOnCluster] = .string(asDeployed)
    }
    return result
  }

  static func releaseName(_ prior: RecordedResource) -> String {
    prior.attributes[Attribute.release]?.stringValue
      ?? String(prior.address.name.split(separator: ".", maxSplits: 1).last ?? "")
  }

  static func namespace(_ prior: RecordedResource) -> String {
    prior.attributes[Attribute.namespace]?.stringValue ?? "default"
  }

  /// What the driver is asked to deploy.
  static func deployment(_ attributes: Attributes, context: ActionContext) throws -> ReleaseDeployment {
    var set = attributes[Attribute.set]?.mapValue ?? [:]
    let hidden = attributes[Attribute.setSensitive]
    if let hidden, SensitiveDigester.isDigest(hidden) {
      throw ResourceActionError(
        "the sensitive set: values are not known here (the plan holds their digest); plan again")
    }
    for (key, value) in hidden?.mapValue ?? [:] { set[key] = value }
    let base = try context.local.sources()
    var request = HelmReleaseRequest(
      name: attributes[Attribute.release]?.stringValue ?? "", chart: attributes[Attribute.chart]?.stringValue ?? "",
      version: attributes[Attribute.version]?.stringValue,
      namespace: attributes[Attribute.namespace]?.stringValue ?? "default",
      valuesFiles: (attributes[Attribute.values]?.stringList ?? []).map { SourceFiles.resolve($0, in: base) }, set: set,
      timeout: attributes[Attribute.timeout]?.intValue.map { .seconds($0 * 60) },
      wait: attributes[Attribute.wait]?.boolValue ?? true, rollbackOnFailure: true,
      dependencyUpdate: attributes[Attribute.dependencyUpdate]?.boolValue ?? false,
      sensitiveKeys: (hidden?.mapValue ?? [:]).keys.sorted())
    // Helm gets the paths Cutover digested, resolved as Cutover resolves them (no shell expands a `~`).
    if request.isLocalChart { request.chart = SourceFiles.resolve(request.chart, in: base) }
    // What the deploy ran with, as keyed digests: the cluster side records them (the simulator does), and they
    // cover secrets.
    let files = Value.list(
      (attributes[Attribute.valuesSha256]?.listValue ?? []) + (attributes[Attribute.chartSha256].map { [$0] } ?? []))
    return ReleaseDeployment(
      request: request, valuesSHA256: context.digester.digest(files).stringValue ?? "",
      setSHA256: context.digester.digest(.map(set)).stringValue ?? "", workingDirectory: base,
      repositories: (attributes[Attribute.repositories]?.mapValue ?? [:]).compactMapValues(\.stringValue))
  }

  static func digest(ofValuesFile file: String, context: ActionContext) throws -> String {
    let base = try context.local.sources()
    do {
      return try SourceFiles.fileDigest(file, in: base)
    } catch {
      throw ResourceActionError("values file \(file): \(error.message)")
    }
  }

  // MARK: - The cluster

  /// The generation's cluster and kubeconfig, for a deploy: both must exist.
  static func cluster(_ attributes: Attributes, address: ResourceAddress, context: ActionContext) throws
    -> KubernetesCluster
  {
    guard let id = attributes[Attribute.clusterId]?.stringValue else {
      throw ResourceActionError("\(address) needs the id of its generation's cluster")
    }
    guard let generation = address.name.split(separator: ".", maxSplits: 1).first.map(String.init) else {
      throw ResourceActionError("\(address) names no generation")
    }
    return KubernetesCluster(clusterID: id, kubeconfig: try context.local.kubeconfigPath(generation: generation))
  }

  /// Where the cluster of a recorded release or manifest stands.
  enum ClusterState {
    /// Magnum no longer has it, or its create failed, or it is being deleted: nothing runs on it.
    case gone
    /// It is being built, resized or upgraded (the status says which): its Kubernetes side is not asked now.
    case busy(String)
    /// Built, or settled after a change (an `UPDATE_FAILED` cluster still runs what it ran).
    case ready(KubernetesCluster)
  }

  static func clusterState(_ attributes: Attributes, address: ResourceAddress, context: ActionContext)
    async throws -> ClusterState
  {
    guard let id = attributes[Attribute.clusterId]?.stringValue else { return .gone }
    // The read-back of a deploy this action just made to the cluster: its Kubernetes API answered, so it runs.
    if context.sightings?.hasReached(clusterID: id) == true {
      return .ready(try Self.cluster(attributes, address: address, context: context))
    }
    guard let found = try await context.cluster(id: id),
      !found.status.hasPrefix("DELETE"), found.status != "CREATE_FAILED"
    else { return .gone }
    guard !found.status.hasSuffix("_IN_PROGRESS") else { return .busy(found.status) }
    return .ready(try Self.cluster(attributes, address: address, context: context))
  }
}
