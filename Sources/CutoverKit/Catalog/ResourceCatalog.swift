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

  /// The hosts `objects` serve traffic from (a cluster's node addresses).
  public func servingHosts(_ objects: [RecordedResource]) -> Set<String> {
    Set(objects.flatMap { self[$0.address.type]?.servingHosts($0.attributes) ?? [] })
  }

  /// The objects of `recorded` (web proxies, haproxy hosts) that send traffic to one of `hosts`.
  public func routers(to hosts: Set<String>, in recorded: [RecordedResource]) -> [RecordedResource] {
    guard !hosts.isEmpty else { return [] }
    return recorded.filter { object in
      (self[object.address.type]?.routedHosts(object.attributes) ?? []).contains(where: hosts.contains)
    }
  }

  /// The object with the plain digests an older Cutover recorded of what may hold a secret replaced by keyed ones.
  public func upgradingLegacyDigests(_ object: RecordedResource, digester: SensitiveDigester) -> RecordedResource {
    guard let schema = self[object.address.type]?.schema else { return object }
    var upgraded = object
    upgraded.attributes = schema.upgradingLegacyDigests(object.attributes, digester: digester)
    return upgraded
  }

  /// The generation a resource belongs to, if its type is per-generation.
  public func generation(of address: ResourceAddress) -> String? {
    self[address.type]?.generation(of: address)
  }

  /// The objects of each generation whose objects are all current and ready, by index in `recorded`: the generations
  /// an apply may record as converged and a plan may leave out (``GenerationFingerprints``).
  func settledGenerations(_ recorded: [RecordedResource]) -> [String: [Int]] {
    var unsettled = Set<String>()
    var objects: [String: [Int]] = [:]
    for (index, object) in recorded.enumerated() {
      guard let generation = generation(of: object.address) else { continue }
      if object.deposedKey != nil || object.status != .ready {
        unsettled.insert(generation)
      } else {
        objects[generation, default: []].append(index)
      }
    }
    return objects.filter { !unsettled.contains($0.key) }
  }

  /// How many of `changes` act (are not no-ops) on each generation.
  func actions(byGeneration changes: [PlannedChange]) -> [String: Int] {
    var actions: [String: Int] = [:]
    for change in changes where change.action != .noop {
      if let generation = generation(of: change.address) { actions[generation, default: 0] += 1 }
    }
    return actions
  }
}
