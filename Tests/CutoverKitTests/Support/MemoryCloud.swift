import CutoverKit
import Foundation
import OpenStack
import Synchronization

/// A cloud of plain objects (id → attributes) for executor and refresher tests: no network, every write recorded, and
/// a switch that makes the cloud answer writes without taking them, as a service that drops a body it does not like.
final class MemoryCloud: Sendable {
  private struct Contents {
    var objects: [String: Attributes] = [:]
    var writes: [(id: String, attributes: Attributes)] = []
    var ignoresUpdates = false
  }

  private let contents = Mutex(Contents())

  /// Every create and update, in order, with exactly the attributes sent.
  var writes: [(id: String, attributes: Attributes)] { contents.withLock { $0.writes } }

  /// When set, updates are answered as done but change nothing.
  func ignoreUpdates(_ ignore: Bool = true) { contents.withLock { $0.ignoresUpdates = ignore } }

  /// Every object's id, sorted.
  var ids: [String] { contents.withLock { $0.objects.keys.sorted() } }

  subscript(id: String) -> Attributes? {
    get { contents.withLock { $0.objects[id] } }
    set { contents.withLock { $0.objects[id] = newValue } }
  }

  func write(_ id: String, _ attributes: Attributes, isUpdate: Bool) {
    contents.withLock { contents in
      contents.writes.append((id, attributes))
      if isUpdate && contents.ignoresUpdates { return }
      contents.objects[id] = attributes
    }
  }
}

/// A resource type whose objects live in a memory cloud, by remote id: reading, deleting and finding are the same for
/// every such type.
protocol MemoryCloudResource: ResourceType {
  var cloud: MemoryCloud { get }
}

extension MemoryCloudResource {
  func generation(of address: ResourceAddress) -> String? { nil }

  func delete(_ prior: RecordedResource, context: ActionContext) async throws {
    cloud[prior.remoteID ?? ""] = nil
  }

  func read(_ prior: RecordedResource, context: ActionContext) async throws -> AppliedResource? {
    guard let id = prior.remoteID, let attributes = cloud[id] else { return nil }
    return AppliedResource(remoteID: id, attributes: attributes)
  }

  func find(_ attributes: Attributes, context: ActionContext) async throws -> AppliedResource? { nil }
}

/// `server.<name>`: an object of the memory cloud with an input `size` and computed `addresses` (one per unit of size,
/// `10.0.<n>.<i>`), like a cluster's nodes.
struct MemoryServerResource: MemoryCloudResource {
  let cloud: MemoryCloud
  /// Servers to declare: name → size.
  var sizes: [String: Int]

  let name = "server"
  let schema = ResourceSchema([
    AttributeSchema("size", .updatable),
    AttributeSchema("addresses", .computed(changesOnUpdate: true)),
  ])

  func expand(_ state: DesiredState) -> [DesiredResource] {
    sizes.sorted { $0.key < $1.key }.map { server, size in
      DesiredResource(address: ResourceAddress(type: name, name: server), attributes: ["size": .value(.int(size))])
    }
  }

  func create(_ attributes: Attributes, address: ResourceAddress, context: ActionContext) async throws
    -> AppliedResource
  {
    let id = "server-\(address.name)"
    cloud.write(id, Self.built(attributes, index: 1), isUpdate: false)
    return AppliedResource(remoteID: id, attributes: cloud[id] ?? [:])
  }

  func update(_ attributes: Attributes, prior: RecordedResource, context: ActionContext) async throws
    -> AppliedResource
  {
    let id = prior.remoteID ?? ""
    cloud.write(id, Self.built(attributes, index: 2), isUpdate: true)
    return AppliedResource(remoteID: id, attributes: attributes)
  }

  static func built(_ attributes: Attributes, index: Int) -> Attributes {
    let size = attributes["size"]?.intValue ?? 0
    var built = attributes
    built["addresses"] = .list((0..<size).map { .string("10.0.\(index).\($0 + 1)") })
    return built
  }
}

/// `route.<name>`: an object of the memory cloud whose `targets` are every address of `server.<name>`, formatted
/// `http://{}:80`, like a web proxy's backends.
struct MemoryRouteResource: MemoryCloudResource {
  let cloud: MemoryCloud
  var servers: [String]

  let name = "route"
  let schema = ResourceSchema([AttributeSchema("targets", .updatable)])

  func expand(_ state: DesiredState) -> [DesiredResource] {
    servers.sorted().map { server in
      DesiredResource(
        address: ResourceAddress(type: name, name: server),
        attributes: [
          "targets": .reference(
            Reference(ResourceAddress(type: "server", name: server), "addresses", format: "http://{}:80"))
        ])
    }
  }

  func create(_ attributes: Attributes, address: ResourceAddress, context: ActionContext) async throws
    -> AppliedResource
  {
    let id = "route-\(address.name)"
    cloud.write(id, attributes, isUpdate: false)
    return AppliedResource(remoteID: id, attributes: attributes)
  }

  func update(_ attributes: Attributes, prior: RecordedResource, context: ActionContext) async throws
    -> AppliedResource
  {
    let id = prior.remoteID ?? ""
    cloud.write(id, attributes, isUpdate: true)
    // Echoes what it sent, as a client that trusts the answer would.
    return AppliedResource(remoteID: id, attributes: attributes)
  }

}

/// An observer that keeps every event.
final class CollectingObserver: ApplyObserver, Sendable {
  private let collected = Mutex<[ApplyEvent]>([])

  var events: [ApplyEvent] { collected.withLock { $0 } }

  func handle(_ event: ApplyEvent) async {
    collected.withLock { $0.append(event) }
  }
}
