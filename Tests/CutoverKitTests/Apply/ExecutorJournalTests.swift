import CutoverKit
import Foundation
import Testing

/// The executor's order and journal in-process: what waits for what, what a failure skips, and what each action
/// leaves in the journal.
@Suite("Executor: order, failures and the journal")
struct ExecutorJournalTests {
  /// A server of the memory cloud whose create fails for the names in `failing`, as a cloud answering 500.
  private struct FlakyServerResource: MemoryCloudResource {
    let cloud: MemoryCloud
    var sizes: [String: Int]
    var failing: Set<String>

    let name = "server"
    let schema = ResourceSchema([
      AttributeSchema("size", .updatable), AttributeSchema("addresses", .computed(changesOnUpdate: true)),
    ])

    func expand(_ state: DesiredState) -> [DesiredResource] {
      MemoryServerResource(cloud: cloud, sizes: sizes).expand(state)
    }

    func create(_ attributes: Attributes, address: ResourceAddress, context: ActionContext) async throws
      -> AppliedResource
    {
      if failing.contains(address.name) { throw ResourceActionError("HTTP 500 from the compute service") }
      return try await MemoryServerResource(cloud: cloud, sizes: sizes).create(
        attributes, address: address, context: context)
    }

    func update(_ attributes: Attributes, prior: RecordedResource, context: ActionContext) async throws
      -> AppliedResource
    {
      try await MemoryServerResource(cloud: cloud, sizes: sizes).update(attributes, prior: prior, context: context)
    }
  }

  private func withStore(_ body: (SQLiteStateStore) async throws -> Void) async throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cutover-journal-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    try await body(try SQLiteStateStore(path: url.path + "/eqiad1.sqlite", environment: "eqiad1"))
  }

  private func apply(
    _ catalog: ResourceCatalog, store: SQLiteStateStore, observer: CollectingObserver = CollectingObserver()
  ) async throws -> ApplyResult {
    let plan = try Planner(catalog: catalog).plan(
      Planner.Request(
        environment: "eqiad1", desired: try Fixture.desiredState("minimal.yaml"), recorded: try store.resources(),
        stateVersion: try store.version(), digester: .test))
    return try await Executor(catalog: catalog, store: store, cloud: .unreachable, digester: .test, polling: .simulated)
      .execute(plan, command: "apply eqiad1", identity: .tester, observer: observer)
  }

  @Test("a failed create skips what depends on it, and everything else still runs")
  func failureSkipsDependents() async throws {
    try await withStore { store in
      let cloud = MemoryCloud()
      let servers = FlakyServerResource(cloud: cloud, sizes: ["a": 1, "b": 1], failing: ["b"])
      let catalog = ResourceCatalog(types: [servers, MemoryRouteResource(cloud: cloud, servers: ["a", "b"])])
      let result = try await apply(catalog, store: store)
      #expect(result.failed.keys.map(\.address.description) == ["server.b"])
      #expect(result.failed.values.first == "HTTP 500 from the compute service")
      #expect(result.skipped.map(\.address.description) == ["route.b"])
      #expect(Set(result.succeeded.map(\.address.description)) == ["server.a", "route.a"])
      #expect(cloud.ids == ["route-a", "server-a"], "route.b was never sent")
    }
  }

  @Test("each action is journaled pending before its call and done or failed after; a skipped one not at all")
  func journal() async throws {
    try await withStore { store in
      let cloud = MemoryCloud()
      let servers = FlakyServerResource(cloud: cloud, sizes: ["a": 1, "b": 1], failing: ["b"])
      let catalog = ResourceCatalog(types: [servers, MemoryRouteResource(cloud: cloud, servers: ["a", "b"])])
      _ = try await apply(catalog, store: store)
      let apply = try #require(try store.history().last)
      #expect(apply.outcome == .failed)
      let actions = Dictionary(uniqueKeysWithValues: apply.actions.map { ($0.address.description, $0) })
      #expect(actions["server.a"]?.status == .done)
      #expect(actions["server.a"]?.remoteID == "server-a")
      #expect(actions["server.b"]?.status == .failed)
      #expect(actions["server.b"]?.error?.contains("HTTP 500") == true)
      #expect(actions["route.b"] == nil)
      // A route is journaled only after the server it references: its action starts after the server's ended.
      let serverEnded = try #require(actions["server.a"]?.finishedAt)
      let routeStarted = try #require(actions["route.a"]?.startedAt)
      #expect(serverEnded <= routeStarted)
      #expect(try store.resource(ResourceAddress("server.b")) == nil, "nothing recorded of a failed create")
    }
  }

  @Test("a create waits for what it references: the server is created before the route that points at it")
  func dependencyOrder() async throws {
    try await withStore { store in
      let cloud = MemoryCloud()
      let servers = FlakyServerResource(cloud: cloud, sizes: ["a": 2], failing: [])
      let catalog = ResourceCatalog(types: [MemoryRouteResource(cloud: cloud, servers: ["a"]), servers])
      let result = try await apply(catalog, store: store)
      #expect(result.failed.isEmpty)
      #expect(cloud.writes.map(\.id) == ["server-a", "route-a"])
      #expect(cloud["route-a"]?["targets"] == ["http://10.0.1.1:80", "http://10.0.1.2:80"])
    }
  }
}
