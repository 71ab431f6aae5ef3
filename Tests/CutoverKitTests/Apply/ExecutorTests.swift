import CutoverKit
import Foundation
import Testing

/// The executor in-process, over the memory cloud: what it sends is what the plan showed, and a write the cloud does
/// not take is never reported complete.
@Suite("Executor")
struct ExecutorTests {
  /// A memory cloud with `server.a` (size 2) and `route.a` pointing at its addresses, applied and recorded.
  fileprivate struct Applied {
    let cloud = MemoryCloud()
    let store: SQLiteStateStore
    var catalog: ResourceCatalog
    let desired: DesiredState

    init(directory: String, size: Int = 2) throws {
      store = try SQLiteStateStore(path: directory + "/eqiad1.sqlite", environment: "eqiad1")
      catalog = ResourceCatalog(types: [
        MemoryServerResource(cloud: cloud, sizes: ["a": size]), MemoryRouteResource(cloud: cloud, servers: ["a"]),
      ])
      desired = try Fixture.desiredState("minimal.yaml")
    }

    func plan(refresh: Bool = true) async throws -> Plan {
      var recorded = try store.resources()
      var drift: [Drift] = []
      if refresh {
        let result = try await Refresher(catalog: catalog, cloud: .unreachable, digester: .test)
          .refresh(recorded)
        (recorded, drift) = (result.resources, result.drift)
      }
      return try Planner(catalog: catalog).plan(
        Planner.Request(
          environment: "eqiad1", desired: desired, recorded: recorded, stateVersion: try store.version(),
          drift: drift, digester: .test))
    }

    func execute(_ plan: Plan) async throws -> ApplyResult {
      try await Executor(
        catalog: catalog, store: store, cloud: .unreachable, digester: .test, polling: .simulated
      )
      .execute(plan, command: "apply eqiad1", identity: .tester, observer: CollectingObserver())
    }
  }

  private func withApplied(size: Int = 2, _ body: (Applied) async throws -> Void) async throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cutover-executor-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    let applied = try Applied(directory: url.path, size: size)
    let first = try await applied.execute(try await applied.plan())
    try #require(first.failed.isEmpty, "\(first.failed)")
    try await body(applied)
  }

  @Test("a reference the plan resolved from the refreshed cloud is sent as planned, not re-read from older records")
  func sendsWhatThePlanShowed() async throws {
    try await withApplied { applied in
      // Behind Cutover's back, as an auto-healer replacing a node: the server's second address changes.
      applied.cloud["server-a"]?["addresses"] = ["10.0.1.1", "10.0.9.9"]
      let plan = try await applied.plan()
      let route = try #require(plan.changes.first { $0.address == ResourceAddress("route.a") })
      #expect(route.action == .update)
      let planned: Value = ["http://10.0.1.1:80", "http://10.0.9.9:80"]
      #expect(route.after?["targets"] == planned)

      let result = try await applied.execute(plan)
      #expect(result.failed.isEmpty, "\(result.failed)")
      #expect(applied.cloud.writes.last?.attributes["targets"] == planned)
      #expect(applied.cloud["route-a"]?["targets"] == planned)
      // The state takes the refreshed server with the apply, so the next plan has nothing to do.
      #expect(
        try applied.store.resource(ResourceAddress("server.a"))?.attributes["addresses"] == ["10.0.1.1", "10.0.9.9"])
      #expect(try await applied.plan().hasChanges == false)
    }
  }

  @Test("a saved plan is sent as saved, even when the records it was planned from are older than the refresh")
  func savedPlanSendsWhatItShowed() async throws {
    try await withApplied { applied in
      applied.cloud["server-a"]?["addresses"] = ["10.0.1.1", "10.0.9.9"]
      let plan = try await applied.plan()
      // Round trip through the saved-plan encoding: the reference's value travels in the file.
      var decoded = try JSONDecoder.iso8601.decode(Plan.self, from: JSONEncoder.iso8601.encode(plan))
      // Without its drift the state keeps the older record of the server through the apply: what is sent still
      // comes from the plan alone.
      decoded.drift = []
      _ = try await applied.execute(decoded)
      #expect(applied.cloud["route-a"]?["targets"] == ["http://10.0.1.1:80", "http://10.0.9.9:80"])
    }
  }

  @Test("a reference known only after apply is taken from what the action it waits on recorded")
  func unknownReferenceComesFromTheUpstreamAction() async throws {
    try await withApplied(size: 2) { applied in
      let grown = Applied.resizing(applied, to: 3)
      let plan = try await grown.plan()
      let route = try #require(plan.changes.first { $0.address == ResourceAddress("route.a") })
      #expect(route.unknownAfter == ["targets"])
      let result = try await grown.execute(plan)
      #expect(result.failed.isEmpty, "\(result.failed)")
      #expect(
        applied.cloud["route-a"]?["targets"] == ["http://10.0.2.1:80", "http://10.0.2.2:80", "http://10.0.2.3:80"])
    }
  }

  @Test("an update the cloud answers but does not take fails with both values, and the state records what it holds")
  func readBackMismatchFails() async throws {
    try await withApplied { applied in
      applied.cloud["server-a"]?["addresses"] = ["10.0.1.1", "10.0.9.9"]
      applied.cloud.ignoreUpdates()
      let result = try await applied.execute(try await applied.plan())

      let route = ResourceAddress("route.a")
      let (label, error) = try #require(result.failed.first { $0.key.address == route }, "\(result)")
      #expect(label.kind == .update)
      #expect(error.contains(#"targets is ["http://10.0.1.1:80", "http://10.0.1.2:80"]"#), "\(error)")
      #expect(error.contains(#"not the ["http://10.0.1.1:80", "http://10.0.9.9:80"] sent"#), "\(error)")
      #expect(!result.succeeded.contains(label))
      let recorded = try #require(try applied.store.resource(ResourceAddress("route.a")))
      #expect(recorded.attributes["targets"] == ["http://10.0.1.1:80", "http://10.0.1.2:80"])
      let action = try #require(try applied.store.history().last?.actions.first { $0.address == route })
      #expect(action.status == .failed)
      // Still not what is desired: the next plan changes it again.
      #expect(try await applied.plan().actionable.map(\.address) == [ResourceAddress("route.a")])
    }
  }
}

extension ExecutorTests.Applied {
  /// The same cloud and state, with `server.a` declared at another size.
  fileprivate static func resizing(_ applied: Self, to size: Int) -> Self {
    var copy = applied
    copy.catalog = ResourceCatalog(types: [
      MemoryServerResource(cloud: applied.cloud, sizes: ["a": size]),
      MemoryRouteResource(cloud: applied.cloud, servers: ["a"]),
    ])
    return copy
  }
}

extension JSONEncoder {
  fileprivate static var iso8601: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .iso8601
    return encoder
  }
}

extension JSONDecoder {
  fileprivate static var iso8601: JSONDecoder {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    return decoder
  }
}
