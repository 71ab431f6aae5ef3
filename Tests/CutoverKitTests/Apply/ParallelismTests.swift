import CutoverKit
import Foundation
import Testing

/// The README's bounds on concurrency: a refresh reads recorded objects ten at a time, and an apply runs at most ten
/// independent actions at once (`--parallelism`, default 10). Each call waits at a turnstile the test opens one at a
/// time, so the count in flight is seen exactly.
@Suite("Parallelism of refresh and apply")
struct ParallelismTests {
  /// More objects than the bound, so the bound is what stops them.
  static let objects = 25
  static let bound = 10

  @Test("a refresh reads the recorded objects ten at a time: never more, and ten while that many remain")
  func refreshReadsTenAtATime() async throws {
    let gated = GatedTestResource(count: Self.objects, gauge: ConcurrencyGauge(), turnstile: Turnstile())
    let refresher = Refresher(catalog: ResourceCatalog(types: [gated]), cloud: .unreachable, digester: .test)
    let refresh = Task { try await refresher.refresh(gated.recorded) }
    try await gated.turnstile.admitOneAtATime(total: Self.objects) { min(Self.bound, Self.objects - $0) }
    let result = try await refresh.value
    #expect(result.resources.count == Self.objects)
    #expect(result.drift.isEmpty)
    #expect(gated.gauge.maximum == Self.bound, "at most \(Self.bound) reads at once")
  }

  @Test("an apply runs ten independent actions at once by default: never more, and ten while that many remain")
  func applyRunsTenActionsAtOnce() async throws {
    let gated = GatedTestResource(
      count: Self.objects, gauge: ConcurrencyGauge(), turnstile: Turnstile(), gatesReads: false)
    let catalog = ResourceCatalog(types: [gated])
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cutover-kit-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try SQLiteStateStore(
      path: directory.appendingPathComponent("eqiad1.sqlite").path, environment: "eqiad1")
    let plan = try Planner(catalog: catalog).plan(
      Planner.Request(
        environment: "eqiad1", desired: try Fixture.desiredState("eqiad1.yaml"), recorded: [],
        stateVersion: try store.version(), digester: .test))
    #expect(plan.changes.count == Self.objects)

    // The executor as `cutover apply` builds it when --parallelism is not given.
    let executor = Executor(catalog: catalog, store: store, cloud: .unreachable, digester: .test)
    let apply = Task {
      try await executor.execute(plan, command: "apply eqiad1", identity: .tester, observer: IgnoringObserver())
    }
    try await gated.turnstile.admitOneAtATime(total: Self.objects) { min(Self.bound, Self.objects - $0) }
    let result = try await apply.value
    #expect(result.failed.isEmpty, "\(result.failed)")
    #expect(result.succeeded.count == Self.objects)
    #expect(try store.resources().count == Self.objects)
    #expect(gated.gauge.maximum == Self.bound, "at most \(Self.bound) actions at once")
  }
}
