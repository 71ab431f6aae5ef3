import CutoverKit
import Foundation
import Testing

/// The refresher in-process, over the memory cloud: every recorded object is read, and what changed outside Cutover
/// or is gone is said.
@Suite("Refresher")
struct RefresherTests {
  /// A server type whose reads fail, as a cloud answering 500.
  private struct FailingServerResource: MemoryCloudResource {
    let cloud: MemoryCloud
    let name = "server"
    let schema = ResourceSchema([AttributeSchema("size", .updatable)])

    func expand(_ state: DesiredState) -> [DesiredResource] { [] }
    func create(_ attributes: Attributes, address: ResourceAddress, context: ActionContext) async throws
      -> AppliedResource
    { throw ResourceActionError("not used") }
    func update(_ attributes: Attributes, prior: RecordedResource, context: ActionContext) async throws
      -> AppliedResource
    { throw ResourceActionError("not used") }
    func read(_ prior: RecordedResource, context: ActionContext) async throws -> AppliedResource? {
      throw ResourceActionError("HTTP 500 from the compute service")
    }
    func inventory(context: ActionContext) async throws -> [String: String] { ["orphan": "server-9"] }
  }

  private let cloud = MemoryCloud()

  private func refresher(_ types: [any ResourceType]? = nil) -> Refresher {
    Refresher(
      catalog: ResourceCatalog(types: types ?? [MemoryServerResource(cloud: cloud, sizes: [:])]), cloud: .unreachable,
      digester: .test)
  }

  private func server(_ name: String, size: Int, status: RecordedResource.Status = .ready) -> RecordedResource {
    RecordedResource(
      address: ResourceAddress(type: "server", name: name), remoteID: "server-\(name)",
      attributes: MemoryServerResource.built(["size": .int(size)], index: 1), status: status)
  }

  @Test("an object unchanged in the cloud reads back as recorded, with no drift")
  func unchanged() async throws {
    let recorded = server("a", size: 2)
    cloud["server-a"] = recorded.attributes
    let result = try await refresher().refresh([recorded])
    #expect(result.resources == [recorded])
    #expect(result.drift.isEmpty)
  }

  @Test("a change made outside Cutover is taken, and said with the values before and after")
  func changedOutside() async throws {
    let recorded = server("a", size: 2)
    cloud["server-a"] = MemoryServerResource.built(["size": 3], index: 1)
    let result = try await refresher().refresh([recorded])
    #expect(result.resources.first?.attributes["size"] == 3)
    #expect(result.resources.first?.attributes["addresses"]?.stringList?.count == 3, "computed values too")
    let drift = try #require(result.drift.first)
    #expect(drift.kind == .changed)
    #expect(drift.before["size"] == 2)
    #expect(drift.after?["size"] == 3)
  }

  @Test("an object gone from the cloud is dropped from the records and said as gone")
  func gone() async throws {
    let result = try await refresher().refresh([server("a", size: 2)])
    #expect(result.resources.isEmpty)
    #expect(result.drift.map(\.kind) == [.gone])
    #expect(result.drift.first?.address == ResourceAddress("server.a"))
  }

  @Test("an object still being created is left for the reconciler: not read, not gone")
  func creatingIsNotRead() async throws {
    let creating = server("a", size: 2, status: .creating)
    let result = try await refresher().refresh([creating])
    #expect(result.resources == [creating])
    #expect(result.drift.isEmpty)
  }

  @Test("a read the cloud fails stops the refresh: the object is never taken for gone")
  func failedRead() async throws {
    let error = await #expect(throws: ResourceActionError.self) {
      try await refresher([FailingServerResource(cloud: cloud)]).refresh([server("a", size: 2)])
    }
    #expect(error?.message == "HTTP 500 from the compute service")
  }

  @Test("every type's objects in the cloud are listed, by name, for the planner's check of unrecorded ones")
  func inventory() async throws {
    let result = try await refresher([FailingServerResource(cloud: cloud)]).refresh([])
    #expect(result.inventory == ["server": ["orphan": "server-9"]])
  }
}
