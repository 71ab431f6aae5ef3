/// Every resource type Cutover knows, in the order their resources are listed. Adding a type means adding it here
/// and writing its one file.
public struct ResourceCatalog: Sendable {
  public let types: [any ResourceType]
  private let byName: [String: any ResourceType]

  public init(types: [any ResourceType]) {
    self.types = types
    self.byName = Dictionary(types.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
  }

  /// The catalog of this version of Cutover.
  public static let standard = ResourceCatalog(types: [
    ClusterTemplateResource(),
    ClusterResource(),
    KubeconfigResource(),
    ManifestResource(),
    HelmReleaseResource(),
    WebProxyResource(),
    SecurityGroupResource(),
    ServerGroupResource(),
    VIPPortResource(),
    FloatingIPResource(),
    KeepalivedResource(),
    HAProxyResource(),
  ])

  public subscript(type: String) -> (any ResourceType)? { byName[type] }

  /// Every resource the desired state asks for.
  public func expand(_ state: DesiredState) -> [DesiredResource] {
    types.flatMap { $0.expand(state) }
  }

  /// The generation a resource belongs to, if its type is per-generation.
  public func generation(of address: ResourceAddress) -> String? {
    self[address.type]?.generation(of: address)
  }
}
