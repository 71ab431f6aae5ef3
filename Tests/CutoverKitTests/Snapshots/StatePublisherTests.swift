import CutoverKit
import Foundation
import Synchronization
import Testing

/// A container held in memory: what the publisher writes, and the faults a test gives it.
final class MemoryContainer: SnapshotContainer {
  let name: String
  private let objects = Mutex<[String: Data]>([:])
  /// Whether the next `put` of the index fails, as a store answering 503 would.
  let failingIndexWrites = Atomic(false)

  init(name: String = "paws-state") {
    self.name = name
  }

  var names: [String] { objects.withLock { $0.keys.sorted() } }
  subscript(object: String) -> Data? {
    get { objects.withLock { $0[object] } }
    set { objects.withLock { $0[object] = newValue } }
  }

  func preparePrivate() async throws {}

  func put(_ object: String, data: Data, contentType: String, exclusive: Bool) async throws -> Bool {
    if object.hasSuffix("index.json"), failingIndexWrites.load(ordering: .relaxed) {
      throw CutoverError.cloud("object-store PUT /\(name)/\(object) answered 503 (request req-test)")
    }
    return objects.withLock { objects in
      if exclusive, objects[object] != nil { return false }
      objects[object] = data
      return true
    }
  }

  func get(_ object: String) async throws -> Data? { self[object] }

  func list(prefix: String) async throws -> [String] { names.filter { $0.hasPrefix(prefix) } }

  func delete(_ object: String) async throws { self[object] = nil }
}

@Suite("State snapshots: what is published, and read back")
struct StatePublisherTests {
  private let identity = ProcessIdentity(user: "ops", host: "bastion", pid: 42)
  private let cluster = RecordedResource(
    address: ResourceAddress("cluster.127d"), remoteID: "cluster-127d", attributes: ["node_count": 5])

  private func withStore<T>(_ body: (SQLiteStateStore, String) async throws -> T) async throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cutover-kit-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(try SQLiteStateStore(path: url.path + "/eqiad1.sqlite", environment: "eqiad1"), url.path)
  }

  @Test("a snapshot is the whole state without the lock; the index names it; a reader gets both back, checked")
  func publishAndRead() async throws {
    try await withStore { store, directory in
      try store.record([cluster])
      let lease = try store.acquireLock(command: "apply eqiad1", identity: identity, ttl: 60)
      let container = MemoryContainer()
      let publisher = StatePublisher(container: container, environment: "eqiad1")
      let index = try await publisher.publish(try store.snapshot(), command: "apply eqiad1", identity: identity)
      try store.releaseLock(lease)

      #expect(index.serial == 1 && index.publishedBy == "ops@bastion" && !index.applyRunning)
      #expect(index.snapshot.hasPrefix("eqiad1/snapshots/0000000001-") && index.snapshot.hasSuffix(".sqlite"))
      #expect(container.names == ["eqiad1/index.json", index.snapshot])
      let read = try #require(try await publisher.latest())
      #expect(read.index == index)

      // Restored elsewhere, it is the same state, and holds no lease.
      let copy = directory + "/copy/eqiad1.sqlite"
      try SQLiteStateStore.restore(read.data, to: copy)
      let restored = try SQLiteStateStore(path: copy, environment: "eqiad1")
      #expect(try restored.version() == (try store.version()))
      #expect(try restored.resources().map(\.address) == [cluster.address])
      #expect(try restored.currentLease() == nil)
      #expect(try FileManager.default.attributesOfItem(atPath: copy)[.posixPermissions] as? Int == 0o600)
    }
  }

  @Test("the ten newest snapshots are kept; a running apply is said in the index")
  func pruneAndRunningApply() async throws {
    try await withStore { store, _ in
      let container = MemoryContainer()
      let publisher = StatePublisher(container: container, environment: "eqiad1")
      for workers in 1...12 {
        try store.record([
          RecordedResource(address: cluster.address, remoteID: "c", attributes: ["node_count": .int(workers)])
        ])
        _ = try await publisher.publish(try store.snapshot(), command: "apply eqiad1", identity: identity)
      }
      let snapshots = container.names.filter { $0.hasPrefix("eqiad1/snapshots/") }
      #expect(snapshots.count == StatePublisher.kept)
      #expect(snapshots.first?.hasPrefix("eqiad1/snapshots/0000000003-") == true, "\(snapshots)")

      _ = try store.beginApply(command: "apply eqiad1", summary: "+1", identity: identity)
      let running = try await publisher.publish(try store.snapshot(), command: "apply eqiad1", identity: identity)
      #expect(running.applyRunning)
    }
  }

  @Test("an index of another environment, or a snapshot its digest does not match, is refused by name")
  func damagedIndex() async throws {
    try await withStore { store, _ in
      let container = MemoryContainer()
      let publisher = StatePublisher(container: container, environment: "eqiad1")
      #expect(try await publisher.latest() == nil)
      let index = try await publisher.publish(try store.snapshot(), command: "apply eqiad1", identity: identity)

      container[index.snapshot] = Data("not the state".utf8)
      await #expect(throws: CutoverError.self) { try await publisher.latest() }
      let codfw = StatePublisher(container: container, environment: "codfw")
      container["codfw/index.json"] = container["eqiad1/index.json"]
      let error = await #expect(throws: CutoverError.self) { try await codfw.latest() }
      #expect(error?.errorDescription?.contains("is the index of 'eqiad1', not 'codfw'") == true)
    }
  }

  @Test("a failed index write leaves the published copy as it was: the previous index still names a whole snapshot")
  func failedPublishKeepsThePrevious() async throws {
    try await withStore { store, _ in
      let container = MemoryContainer()
      let publisher = StatePublisher(container: container, environment: "eqiad1")
      let first = try await publisher.publish(try store.snapshot(), command: "apply eqiad1", identity: identity)
      try store.record([cluster])
      container.failingIndexWrites.store(true, ordering: .relaxed)
      await #expect(throws: CutoverError.self) {
        try await publisher.publish(try store.snapshot(), command: "apply eqiad1", identity: identity)
      }
      #expect(try await publisher.latest()?.index == first)
    }
  }

  @Test("publications are recorded without moving the serial")
  func publicationsKeepTheSerial() async throws {
    try await withStore { store, _ in
      let before = try store.version()
      try store.recordPublication(
        StatePublication(
          at: Date(timeIntervalSince1970: 1_800_000_000), user: "ops", host: "bastion", command: "apply eqiad1",
          serial: 0, container: "paws-state", object: nil, published: false, detail: "503 (request req-1)"))
      #expect(try store.version() == before)
      #expect(try store.publications().map(\.detail) == ["503 (request req-1)"])
    }
  }
}

@Suite("State snapshots: never over another state")
struct StatePublisherRefusalTests {
  private let identity = ProcessIdentity(user: "ops", host: "bastion", pid: 42)

  @Test("another lineage is refused unless replacing it is asked for; an older serial of the same state is refused")
  func refusals() async throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cutover-kit-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    let mine = try SQLiteStateStore(path: url.path + "/a/eqiad1.sqlite", environment: "eqiad1")
    let other = try SQLiteStateStore(path: url.path + "/b/eqiad1.sqlite", environment: "eqiad1")
    let container = MemoryContainer()
    let publisher = StatePublisher(container: container, environment: "eqiad1")
    let cluster = RecordedResource(address: ResourceAddress("cluster.127d"), remoteID: "c", attributes: [:])

    try mine.record([cluster])
    let old = try mine.snapshot()
    try mine.record([cluster])
    _ = try await publisher.publish(try mine.snapshot(), command: "apply eqiad1", identity: identity)
    let behind = await #expect(throws: CutoverError.self) {
      try await publisher.publish(old, command: "apply eqiad1", identity: identity)
    }
    #expect(behind?.errorDescription?.contains("holds a newer serial of this state") == true)

    let foreign = await #expect(throws: CutoverError.self) {
      try await publisher.publish(try other.snapshot(), command: "apply eqiad1", identity: identity)
    }
    #expect(foreign?.errorDescription?.contains("holds another state of eqiad1") == true)
    let replaced = try await publisher.publish(
      try other.snapshot(), command: "state publish eqiad1", identity: identity, replacingOtherLineage: true)
    #expect(try await publisher.latest()?.index == replaced)
  }
}
