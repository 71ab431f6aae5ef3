import Foundation
import OpenStack

/// `kubeconfig.<gen>`: the generation's kubeconfig, made the way `openstack coe cluster config` makes one (the
/// cluster's CA from Magnum, a client key generated here, a certificate request signed through Magnum) and written
/// 0600 to `state/<env>/kube/<gen>.config`. `state/<env>/kube.config` is a link to the live generation's: `live`
/// updates in place by moving the link. The key never leaves this machine and is never printed or recorded.
///
/// A new cluster (a replaced generation, or a live cluster created again after it vanished) gets a new kubeconfig
/// written over the same path as an update, not a replacement: the file's place is its identity, and the live
/// generation's must never be deleted. A delete removes the file only while it is still the one that object wrote
/// (`file_sha256`), never a later one at the same path.
public struct KubeconfigResource: NamedResourceType {
  public init() {}

  public static let typeName = "kubeconfig"
  public var highlights: [String] { [Attribute.live] }
  public var switchRole: SwitchRole { .pointsOperators }

  /// The names of this type's attributes, as state and plans record them.
  public enum Attribute {
    public static let clusterId = "cluster_id"
    public static let server = "server"
    public static let live = "live"
    public static let path = "path"
    public static let fileSha256 = "file_sha256"
  }

  public let schema = ResourceSchema([
    AttributeSchema(Attribute.clusterId, .updatable),
    AttributeSchema(Attribute.server, .updatable),
    AttributeSchema(Attribute.live, .updatable),
    AttributeSchema(Attribute.path, .computed(changesOnUpdate: false)),
    AttributeSchema(Attribute.fileSha256, .computed(changesOnUpdate: true)),
  ])

  public func expand(_ state: DesiredState) -> [DesiredResource] {
    let live = state.live.flatMap { state.generation($0) }.map { ResourceAddress(type: name, name: $0.id) }
    return state.generations.map { generation in
      let cluster = ClusterResource.address(generation.id)
      let address = ResourceAddress(type: name, name: generation.id)
      // A standby's `live: false` holds once the live generation's kubeconfig has the link: it comes after it.
      return DesiredResource(
        address: address,
        attributes: [
          Attribute.clusterId: .reference(Reference(cluster, ClusterResource.Attribute.id)),
          Attribute.server: .reference(Reference(cluster, ClusterResource.Attribute.apiAddress)),
          Attribute.live: .value(.bool(generation.id == state.live)),
        ], dependsOn: live.map { $0 == address ? [] : [$0] } ?? [])
    }
  }

  public func generation(of address: ResourceAddress) -> String? { address.name }

  public var nameAttribute: String { Attribute.path }

  // MARK: - Actions

  public func create(_ attributes: Attributes, address: ResourceAddress, context: ActionContext) async throws
    -> AppliedResource
  {
    let written = try await issue(attributes, address: address, context: context)
    try await context.recordRemoteID(written.remoteID)
    return written
  }

  /// Makes the kubeconfig of the cluster `attributes` name, writes it, and moves the link when it is live.
  private func issue(_ attributes: Attributes, address: ResourceAddress, context: ActionContext) async throws
    -> AppliedResource
  {
    guard let clusterID = attributes[Attribute.clusterId]?.stringValue else {
      throw ResourceActionError("\(address) needs the id of cluster.\(address.name)")
    }
    guard let cluster = try await context.cloud.magnum.cluster(id: clusterID) else {
      throw ResourceActionError("cluster \(clusterID) no longer exists in Magnum")
    }
    let path = try context.local.kubeconfigPath(generation: address.name)
    let document: KubeconfigDocument
    let text: String
    do {
      document = try await KubeconfigIssuer(magnum: context.cloud.magnum).issue(for: cluster)
      text = try document.rendered()
      try PrivateFileWriter.write(Data(text.utf8), to: path)
    } catch let error as KubeconfigError {
      throw ResourceActionError(error.description)
    }
    let live = attributes[Attribute.live]?.boolValue == true
    if live { try pointLiveLink(at: path, context: context) }
    return AppliedResource(
      remoteID: context.local.id(ofPath: path),
      attributes: [
        Attribute.clusterId: .string(clusterID), Attribute.server: .string(document.server),
        Attribute.live: .bool(live),
        Attribute.path: .string(LocalWorkspace.display(path)),
        Attribute.fileSha256: .string(FileDigest.sha256(Data(text.utf8))),
      ])
  }

  public func update(_ attributes: Attributes, prior: RecordedResource, context: ActionContext) async throws
    -> AppliedResource
  {
    if attributes[Attribute.clusterId] != prior.attributes[Attribute.clusterId]
      || attributes[Attribute.server] != prior.attributes[Attribute.server]
    {
      return try await issue(attributes, address: prior.address, context: context)
    }
    let path =
      try prior.remoteID.map(context.local.path(ofID:)) ?? context.local.kubeconfigPath(generation: prior.address.name)
    guard FileManager.default.fileExists(atPath: path) else {
      throw ResourceActionError("\(LocalWorkspace.display(path)) is gone; plan again to write it anew")
    }
    let live = attributes[Attribute.live]?.boolValue == true
    // Only the new live generation moves the link; the old one's update leaves it, so it is never dangling between.
    if live { try pointLiveLink(at: path, context: context) }
    var result = prior.attributes.merging(attributes) { $1 }
    result[Attribute.live] = .bool(live)
    return AppliedResource(remoteID: context.local.id(ofPath: path), attributes: result)
  }

  public func delete(_ prior: RecordedResource, context: ActionContext) async throws {
    // A deposed kubeconfig's path is the one its replacement has just written (it comes from the address).
    guard let id = prior.remoteID, prior.deposedKey == nil else { return }
    let path = try context.local.path(ofID: id)
    if let written = prior.attributes[Attribute.fileSha256]?.stringValue, FileDigest.sha256(atPath: path) != written {
      return  // the file is another kubeconfig now (the replacement's): leave it, and the link to it
    }
    if let link = try? context.local.liveKubeconfigLink(), Self.linkTarget(link, resolvesTo: path) {
      unlink(link)
    }
    if unlink(path) != 0, errno != ENOENT {
      throw ResourceActionError("cannot delete \(path): \(String(cString: strerror(errno)))")
    }
  }

  public func read(_ prior: RecordedResource, context: ActionContext) async throws -> AppliedResource? {
    guard let id = prior.remoteID, let path = try? context.local.path(ofID: id),
      FileManager.default.isReadableFile(atPath: path)
    else { return nil }
    var attributes = prior.attributes
    if let link = try? context.local.liveKubeconfigLink() {
      attributes[Attribute.live] = .bool(Self.linkTarget(link, resolvesTo: path))
    }
    return AppliedResource(remoteID: id, attributes: attributes)
  }

  public func find(_ attributes: Attributes, context: ActionContext) async throws -> AppliedResource? {
    // A kubeconfig is written in one step after its certificate is signed: an interrupted create leaves nothing to
    // adopt, and making a new one is harmless.
    nil
  }

  // MARK: - The live link

  /// Points `kube.config` at `path` by renaming a fresh link over it, so a reader never finds it missing.
  private func pointLiveLink(at path: String, context: ActionContext) throws {
    let link = try context.local.liveKubeconfigLink()
    let directory = (link as NSString).deletingLastPathComponent
    let relative = path.hasPrefix(directory + "/") ? String(path.dropFirst(directory.count + 1)) : path
    let temporary = directory + "/.kube.config.tmp-" + UUID().uuidString.lowercased()
    guard symlink(relative, temporary) == 0 else {
      throw ResourceActionError("cannot link \(link): \(String(cString: strerror(errno)))")
    }
    guard rename(temporary, link) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw ResourceActionError("cannot link \(link): \(reason)")
    }
  }

  /// Whether `link` is a symbolic link that leads to `path`.
  static func linkTarget(_ link: String, resolvesTo path: String) -> Bool {
    guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: link) else { return false }
    let directory = (link as NSString).deletingLastPathComponent
    let resolved = target.hasPrefix("/") ? target : directory + "/" + target
    return (resolved as NSString).standardizingPath == (path as NSString).standardizingPath
  }
}
