import Foundation

/// `manifest.<gen>.<name>`: a plain Kubernetes manifest file (the Cinder CSI plugin, the default StorageClass, an
/// Ingress) applied server-side to one generation's cluster after its kubeconfig exists, before its releases. A
/// change to the file (its digest) applies it again in place.
public struct ManifestResource: NamedResourceType {
  public init() {}

  public static let typeName = "manifest"
  public var highlights: [String] { [Attribute.file] }

  /// The names of this type's attributes, as state and plans record them.
  public enum Attribute {
    public static let clusterId = "cluster_id"
    public static let file = "file"
    public static let sha256 = "sha256"
    public static let kinds = "kinds"
    public static let status = "status"
  }

  public let schema = ResourceSchema([
    AttributeSchema(Attribute.clusterId, .updatable),
    AttributeSchema(Attribute.file, .updatable),
    // A manifest may hold a Secret: its digest is keyed.
    AttributeSchema(Attribute.sha256, .updatable, keyed: true),
    AttributeSchema(Attribute.kinds, .updatable),
    AttributeSchema(Attribute.status, .updatable),
  ])

  public func expand(_ state: DesiredState) -> [DesiredResource] {
    state.generations.flatMap { generation in
      generation.manifests.map { manifest in
        var attributes: [String: AttributeExpression] = [
          Attribute.clusterId: .reference(
            Reference(ClusterResource.address(generation.id), ClusterResource.Attribute.id)),
          Attribute.file: .value(.string(manifest.file)),
          Attribute.kinds: .value(.list(manifest.kinds.map(Value.string))),
          Attribute.status: .value(.string("applied")),
        ]
        if let digest = manifest.sha256 { attributes[Attribute.sha256] = .value(.string(digest)) }
        return DesiredResource(
          address: Self.address(generation: generation.id, name: manifest.name), attributes: attributes,
          dependsOn: [KubeconfigResource.address(generation.id)])
      }
    }
  }

  /// `manifest.<generation>.<name>`.
  static func address(generation: String, name: String) -> ResourceAddress {
    ManifestResource.address("\(generation).\(name)")
  }

  public func generation(of address: ResourceAddress) -> String? {
    address.nameBeforeFirstDot ?? address.name
  }

  public var nameAttribute: String { Attribute.file }

  // MARK: - Actions

  public func create(_ attributes: Attributes, address: ResourceAddress, context: ActionContext) async throws
    -> AppliedResource
  {
    try await apply(attributes, address: address, context: context)
  }

  public func update(_ attributes: Attributes, prior: RecordedResource, context: ActionContext) async throws
    -> AppliedResource
  {
    try await apply(attributes, address: prior.address, context: context)
  }

  private func apply(_ attributes: Attributes, address: ResourceAddress, context: ActionContext) async throws
    -> AppliedResource
  {
    let cluster = try HelmReleaseResource.cluster(attributes, address: address, context: context)
    let manifest = try Self.application(attributes, address: address, context: context)
    // Applied is what the file holds now: it must be what the plan showed.
    if let planned = attributes[Attribute.sha256]?.stringValue, planned != manifest.sha256 {
      throw ResourceActionError("\(manifest.file) changed since the plan; plan again")
    }
    let applied: AppliedManifest
    do {
      applied = try await context.cloud.kubernetes.apply(manifest, on: cluster, note: context.note)
    } catch let error as KubernetesDriverError {
      throw ResourceActionError(error.message)
    }
    context.sightings?.reached(clusterID: cluster.clusterID)
    let remoteID = Self.remoteID(address)
    try await context.recordRemoteID(remoteID)
    var result = attributes
    result[Attribute.sha256] = .string(manifest.sha256)
    result[Attribute.kinds] = .list(manifest.kinds.map(Value.string))
    result[Attribute.status] = .string(applied.status)
    return AppliedResource(remoteID: remoteID, attributes: result)
  }

  public func delete(_ prior: RecordedResource, context: ActionContext) async throws {
    let cluster: KubernetesCluster
    switch try await HelmReleaseResource.clusterState(prior.attributes, address: prior.address, context: context) {
    case .gone: return  // the cluster is gone, and the objects with it
    case .busy(let status):
      throw ResourceActionError(
        "cannot delete \(prior.address) while its cluster is \(status); apply again once it settles")
    case .ready(let ready): cluster = ready
    }
    // kubectl deletes what the file describes; a file removed since cannot say what that was.
    let manifest = try Self.application(prior.attributes, address: prior.address, context: context, current: false)
    do {
      try await context.cloud.kubernetes.delete(manifest, on: cluster, note: context.note)
    } catch let error as KubernetesDriverError {
      throw ResourceActionError(error.message)
    }
  }

  public func read(_ prior: RecordedResource, context: ActionContext) async throws -> AppliedResource? {
    if !(await context.cloud.kubernetes.toolProblems()).isEmpty {
      return AppliedResource(remoteID: prior.remoteID ?? Self.remoteID(prior.address), attributes: prior.attributes)
    }
    let cluster: KubernetesCluster
    switch try await HelmReleaseResource.clusterState(prior.attributes, address: prior.address, context: context) {
    case .gone: return nil
    case .busy:
      return AppliedResource(remoteID: prior.remoteID ?? Self.remoteID(prior.address), attributes: prior.attributes)
    case .ready(let ready): cluster = ready
    }
    let manifest = try Self.application(prior.attributes, address: prior.address, context: context, current: false)
    let found: AppliedManifest?
    do {
      if let listed = try await context.listings?.manifests(on: cluster) {
        found = listed.first { $0.name == manifest.name }
      } else {
        found = try await context.cloud.kubernetes.manifest(manifest, on: cluster)
      }
    } catch let error as KubernetesDriverError {
      throw ResourceActionError("cannot read \(prior.address): \(error.message)")
    }
    guard let found else { return nil }
    var attributes = prior.attributes
    attributes[Attribute.status] = .string(found.status)
    if let digest = found.sha256 { attributes[Attribute.sha256] = .string(digest) }
    return AppliedResource(remoteID: prior.remoteID ?? Self.remoteID(prior.address), attributes: attributes)
  }

  public func find(_ attributes: Attributes, context: ActionContext) async throws -> AppliedResource? {
    nil  // a server-side apply again is how an interrupted one is finished
  }

  // MARK: - Helpers

  /// The id recorded for a manifest: its address's name (`128a.storage-class`), as the cluster knows no other.
  static func remoteID(_ address: ResourceAddress) -> String { address.name }

  /// What the driver is given. `current` reads the file's digest and kinds now (for an apply); otherwise they are
  /// the recorded ones (for a read or delete, which must work after the file changed or went away).
  static func application(
    _ attributes: Attributes, address: ResourceAddress, context: ActionContext, current: Bool = true
  ) throws -> ManifestApplication {
    guard let file = attributes[Attribute.file]?.stringValue else {
      throw ResourceActionError("\(address) names no manifest file")
    }
    let base = try context.local.sources()
    let name = String(address.name.split(separator: ".", maxSplits: 1).last ?? "")
    guard current else {
      return ManifestApplication(
        name: name, file: file, sha256: attributes[Attribute.sha256]?.stringValue ?? "",
        kinds: attributes[Attribute.kinds]?.stringList ?? [], workingDirectory: base)
    }
    do {
      let read = try SourceFiles.manifest(file, in: base)
      return ManifestApplication(name: name, file: file, sha256: read.sha256, kinds: read.kinds, workingDirectory: base)
    } catch {
      throw ResourceActionError("manifest \(file): \(error.message)")
    }
  }
}
