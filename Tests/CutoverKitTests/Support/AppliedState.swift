import CutoverKit
import Testing

/// Recorded state as an apply of a desired state leaves it, built without a cloud: every resource `.ready`, its
/// references resolved from what was recorded before it, and the values the cloud computes filled in as each resource
/// type records them (`id`, `status`, `node_addresses`, …). Generation number `k` in file order (from 1) gets nodes
/// `127.0.k.2`, `127.0.k.3`, … and a master `127.0.k.1`, so every generation's nodes are distinct.
enum AppliedState {
  static func recording(_ desired: DesiredState, catalog: ResourceCatalog = .standard) throws -> [RecordedResource] {
    let resources = catalog.expand(desired)
    var graph = DependencyGraph<ResourceAddress>()
    for resource in resources {
      graph.add(resource.address)
      for dependency in resource.dependencies { graph.add(resource.address, dependsOn: dependency) }
    }
    let byAddress = Dictionary(uniqueKeysWithValues: resources.map { ($0.address, $0) })
    var recorded: [ResourceAddress: RecordedResource] = [:]
    for address in try graph.topologicalOrder() {
      guard let resource = byAddress[address] else { continue }
      var attributes: Attributes = [:]
      for (name, expression) in resource.attributes {
        switch expression {
        case .value(let value):
          attributes[name] = value
        case .reference(let reference):
          attributes[name] = recorded[reference.address]?.attributes[reference.attribute].map(reference.formatted)
        }
      }
      let (computedAttributes, remoteID) = computed(of: address, in: desired)
      attributes.merge(computedAttributes) { _, computed in computed }
      recorded[address] = RecordedResource(
        address: address, remoteID: remoteID, attributes: attributes, dependencies: resource.dependencies)
    }
    return recorded.values.sorted { $0.address < $1.address }
  }

  /// The node addresses the cloud gives a generation's cluster.
  static func nodeAddresses(of generation: String, in desired: DesiredState) -> [String] {
    let octet = octet(of: generation, in: desired)
    let workers = desired.generation(generation)?.cluster.workers ?? 0
    return (0..<workers).map { "127.0.\(octet).\($0 + 2)" }
  }

  /// What the cloud computes for an object, and the remote id it gives it.
  private static func computed(of address: ResourceAddress, in desired: DesiredState) -> (Attributes, remoteID: String)
  {
    switch address.type {
    case "cluster_template":
      return (["id": .string("template-\(address.name)")], "template-\(address.name)")
    case "cluster":
      let octet = octet(of: address.name, in: desired)
      let attributes: Attributes = [
        "id": .string("cluster-\(address.name)"),
        "status": "CREATE_COMPLETE",
        "api_address": .string("https://127.0.\(octet).1:6443"),
        "master_addresses": .list([.string("127.0.\(octet).1")]),
        "node_addresses": .list(nodeAddresses(of: address.name, in: desired).map(Value.string)),
        "coe_version": "v1.27.8",
      ]
      return (attributes, "cluster-\(address.name)")
    default:
      return ([:], address.name)
    }
  }

  private static func octet(of generation: String, in desired: DesiredState) -> Int {
    (desired.generations.firstIndex { $0.id == generation } ?? desired.generations.count) + 1
  }
}

extension Array where Element == RecordedResource {
  /// The recorded object at an address (the current one, not a deposed one).
  subscript(address: String) -> RecordedResource? {
    first { $0.address.description == address && $0.deposedKey == nil }
  }

  /// Changes the recorded object at an address in place.
  mutating func update(
    _ address: String, sourceLocation: SourceLocation = #_sourceLocation, _ change: (inout RecordedResource) -> Void
  ) {
    guard let index = firstIndex(where: { $0.address.description == address && $0.deposedKey == nil }) else {
      Issue.record("no recorded \(address)", sourceLocation: sourceLocation)
      return
    }
    change(&self[index])
  }
}

extension ResourceAddress {
  /// `ResourceAddress("cluster.128a")`, for tests.
  init(_ text: String) {
    self.init(parsing: text)!
  }
}
