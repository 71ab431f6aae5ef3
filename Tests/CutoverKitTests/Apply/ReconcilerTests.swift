import CutoverKit
import Foundation
import Testing

/// The reconciler in-process, over the memory cloud: what an interrupted apply left unknown is settled by asking the
/// cloud, and nothing is created twice.
@Suite("Reconciler")
struct ReconcilerTests {
  /// `node.<name>`: an object of the memory cloud named by its `name` attribute, which `find` looks up as an
  /// interrupted create's lost answer would need.
  private struct NodeResource: MemoryCloudResource {
    let cloud: MemoryCloud
    var names: [String] = []

    let name = "node"
    let schema = ResourceSchema([AttributeSchema("name", .forcesReplacement), AttributeSchema("size", .updatable)])

    func expand(_ state: DesiredState) -> [DesiredResource] {
      names.map { node in
        DesiredResource(
          address: ResourceAddress(type: name, name: node),
          attributes: ["name": .value(.string("paws-\(node)")), "size": .value(.int(1))])
      }
    }

    func create(_ attributes: Attributes, address: ResourceAddress, context: ActionContext) async throws
      -> AppliedResource
    {
      let id = "node-\(cloud.ids.count + 1)"
      cloud.write(id, attributes, isUpdate: false)
      return AppliedResource(remoteID: id, attributes: attributes)
    }

    func update(_ attributes: Attributes, prior: RecordedResource, context: ActionContext) async throws
      -> AppliedResource
    {
      cloud.write(prior.remoteID ?? "", attributes, isUpdate: true)
      return AppliedResource(remoteID: prior.remoteID ?? "", attributes: attributes)
    }

    func find(_ attributes: Attributes, context: ActionContext) async throws -> AppliedResource? {
      cloud.ids.first { id in
        !context.knownRemoteIDs.contains(id) && cloud[id]?["name"] == attributes["name"]
      }.map { AppliedResource(remoteID: $0, attributes: cloud[$0] ?? [:]) }
    }
  }

  private struct Setting {
    let cloud = MemoryCloud()
    let store: any StateBackend
    let node: NodeResource

    var reconciler: Reconciler {
      Reconciler(catalog: ResourceCatalog(types: [node]), store: store, cloud: .unreachable, digester: .test)
    }

    /// An apply that began `action` on `address` and was killed before it recorded the outcome.
    func interrupted(_ action: ActionLabel.Kind, _ address: String) throws {
      let apply = try store.beginApply(command: "apply eqiad1", summary: "+1 ~0 -0", identity: .tester)
      _ = try store.beginAction(applyID: apply, address: ResourceAddress(address), deposedKey: nil, action: action)
      try store.finishApply(apply, outcome: .interrupted)
    }
  }

  private func withSetting(_ body: (Setting) async throws -> Void) async throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cutover-reconciler-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    let cloud = MemoryCloud()
    let setting = Setting(
      store: try SQLiteStateStore(path: url.path + "/eqiad1.sqlite", environment: "eqiad1"),
      node: NodeResource(cloud: cloud, names: ["a"]))
    try await body(setting)
  }

  private func desired(_ setting: Setting) throws -> [DesiredResource] {
    setting.node.expand(try Fixture.desiredState("minimal.yaml"))
  }

  @Test("nothing to settle needs no cloud; an interrupted apply's pending action does")
  func needsCloud() async throws {
    try await withSetting { setting in
      #expect(try Reconciler.needsCloud(setting.store) == false)
      try setting.interrupted(.create, "node.a")
      #expect(try Reconciler.needsCloud(setting.store))
    }
  }

  @Test("a create whose answer was lost, that did reach the cloud, is found by name and recorded, not made again")
  func lostCreateFound() async throws {
    try await withSetting { setting in
      try setting.interrupted(.create, "node.a")
      setting.node.cloud.write("node-7", ["name": "paws-a", "size": 1], isUpdate: false)
      let notes = try await setting.reconciler.reconcile(desired: try desired(setting))
      #expect(notes == ["node.a: an interrupted create did reach the cloud (node-7); recorded it"])
      let recorded = try #require(try setting.store.resource(ResourceAddress("node.a")))
      #expect(recorded.remoteID == "node-7")
      #expect(recorded.status == .creating, "the next apply waits on it rather than creating another")
      #expect(try setting.store.unsettledActions().isEmpty)
      #expect(setting.node.cloud.ids == ["node-7"])
    }
  }

  @Test("a create that never reached the cloud is settled as not made, and nothing is recorded")
  func lostCreateMissing() async throws {
    try await withSetting { setting in
      try setting.interrupted(.create, "node.a")
      // Another object of the same name that the state already knows is not taken for it.
      setting.node.cloud.write("node-1", ["name": "paws-a", "size": 1], isUpdate: false)
      try setting.store.record([
        RecordedResource(address: ResourceAddress("node.b"), remoteID: "node-1", attributes: ["name": "paws-a"])
      ])
      let notes = try await setting.reconciler.reconcile(desired: try desired(setting))
      #expect(notes.isEmpty)
      #expect(try setting.store.resource(ResourceAddress("node.a")) == nil)
      #expect(try setting.store.unsettledActions().isEmpty)
      let settled = try #require(try setting.store.history().last?.actions.first)
      #expect(settled.status == .reconciled)
      #expect(settled.detail == "not found in the cloud; nothing was created")
    }
  }

  @Test("a delete that never confirmed is forgotten when the object is gone, and kept while it is still there")
  func lostDelete() async throws {
    try await withSetting { setting in
      try setting.store.record([
        RecordedResource(address: ResourceAddress("node.a"), remoteID: "node-1", attributes: ["name": "paws-a"]),
        RecordedResource(address: ResourceAddress("node.b"), remoteID: "node-2", attributes: ["name": "paws-b"]),
      ])
      setting.node.cloud.write("node-2", ["name": "paws-b"], isUpdate: false)
      try setting.interrupted(.delete, "node.a")
      try setting.interrupted(.delete, "node.b")
      let notes = try await setting.reconciler.reconcile(desired: [])
      #expect(notes == ["node.a: an interrupted delete did complete; forgot it"])
      #expect(try setting.store.resource(ResourceAddress("node.a")) == nil)
      #expect(try setting.store.resource(ResourceAddress("node.b"))?.remoteID == "node-2")
      #expect(try setting.store.unsettledActions().isEmpty)
    }
  }

  @Test("an update that may or may not have landed is read back and recorded as the cloud has it")
  func lostUpdate() async throws {
    try await withSetting { setting in
      try setting.store.record([
        RecordedResource(
          address: ResourceAddress("node.a"), remoteID: "node-1", attributes: ["name": "paws-a", "size": 1])
      ])
      setting.node.cloud.write("node-1", ["name": "paws-a", "size": 3], isUpdate: false)
      try setting.interrupted(.update, "node.a")
      let notes = try await setting.reconciler.reconcile(desired: try desired(setting))
      #expect(notes == ["node.a: an interrupted update was read back from the cloud and recorded"])
      #expect(try setting.store.resource(ResourceAddress("node.a"))?.attributes["size"] == 3)
    }
  }
}
