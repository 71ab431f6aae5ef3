import CutoverKit
import OpenStack
import Synchronization
import Testing

/// Counts the calls inside a section right now, and the most there ever were at once.
final class ConcurrencyGauge: Sendable {
  private let counts = Mutex((current: 0, maximum: 0))

  func enter() {
    counts.withLock { counts in
      counts.current += 1
      counts.maximum = max(counts.maximum, counts.current)
    }
  }

  func leave() {
    counts.withLock { $0.current -= 1 }
  }

  var current: Int { counts.withLock { $0.current } }
  var maximum: Int { counts.withLock { $0.maximum } }
}

/// Where calls wait until the test lets them through, one at a time: a test sees exactly how many calls are in
/// flight at once, with no sleep and no race against the scheduler.
actor Turnstile {
  private var waiting: [CheckedContinuation<Void, Never>] = []
  private var permits = 0

  /// How many calls are waiting now.
  var waitingCount: Int { waiting.count }

  /// Waits until ``admit(_:)`` lets this call through.
  func pass() async {
    if permits > 0 {
      permits -= 1
      return
    }
    await withCheckedContinuation { waiting.append($0) }
  }

  /// Lets `count` calls through: those waiting first, then the next ones to arrive.
  func admit(_ count: Int = 1) {
    for _ in 0..<count {
      if waiting.isEmpty {
        permits += 1
      } else {
        waiting.removeFirst().resume()
      }
    }
  }

  /// Lets `total` calls through one at a time, each once `expectedWaiting(released)` calls are waiting (how many
  /// should be in flight with `released` let through so far), so a bound on concurrency is reached before it is
  /// measured. Records an issue, and throws, if they never are.
  func admitOneAtATime(total: Int, expectedWaiting: (Int) -> Int) async throws {
    for released in 0..<total {
      let expected = expectedWaiting(released)
      let clock = ContinuousClock()
      let deadline = clock.now.advanced(by: .seconds(20))
      while waiting.count < expected {
        guard clock.now < deadline else {
          Issue.record("only \(waiting.count) calls waiting, expected \(expected), after \(released) let through")
          throw TurnstileTimeout()
        }
        try await Task.sleep(for: .milliseconds(5))
      }
      admit()
    }
  }

  struct TurnstileTimeout: Error {}
}

/// `gated.item-NN`: `count` independent resources whose create and read each wait at a turnstile, counting how many
/// run at once, to measure how many actions an executor or a refresh runs in parallel.
struct GatedTestResource: ResourceType {
  let name = "gated"
  var count: Int
  var gauge: ConcurrencyGauge
  var turnstile: Turnstile
  /// Whether reads wait at the turnstile too: not when measuring an apply, whose actions read each object back.
  var gatesReads = true

  let schema = ResourceSchema([
    AttributeSchema("name", .forcesReplacement),
    AttributeSchema("id", .computed(changesOnUpdate: false)),
  ])

  func expand(_ state: DesiredState) -> [DesiredResource] {
    addresses.map { address in DesiredResource(address: address, attributes: ["name": .value(.string(address.name))]) }
  }

  /// Every address `expand` makes.
  var addresses: [ResourceAddress] {
    (0..<count).map { ResourceAddress(type: name, name: "item-\($0 < 10 ? "0" : "")\($0)") }
  }

  /// The objects as an apply records them.
  var recorded: [RecordedResource] {
    addresses.map { address in
      RecordedResource(
        address: address, remoteID: "id-\(address.name)",
        attributes: ["name": .string(address.name), "id": .string("id-\(address.name)")])
    }
  }

  func generation(of address: ResourceAddress) -> String? { nil }

  func create(_ attributes: Attributes, address: ResourceAddress, context: ActionContext) async throws
    -> AppliedResource
  {
    try await gated {
      var attributes = attributes
      attributes["id"] = .string("id-\(address.name)")
      return AppliedResource(remoteID: "id-\(address.name)", attributes: attributes)
    }
  }

  func read(_ prior: RecordedResource, context: ActionContext) async throws -> AppliedResource? {
    let found = AppliedResource(remoteID: prior.remoteID ?? "", attributes: prior.attributes)
    return gatesReads ? try await gated { found } : found
  }

  func update(_ attributes: Attributes, prior: RecordedResource, context: ActionContext) async throws
    -> AppliedResource
  {
    throw ResourceActionError("gated resources are never updated")
  }

  func delete(_ prior: RecordedResource, context: ActionContext) async throws {
    throw ResourceActionError("gated resources are never deleted")
  }

  func find(_ attributes: Attributes, context: ActionContext) async throws -> AppliedResource? { nil }

  private func gated(_ body: () throws -> AppliedResource) async throws -> AppliedResource {
    gauge.enter()
    defer { gauge.leave() }
    await turnstile.pass()
    return try body()
  }
}

/// An observer that ignores every event.
struct IgnoringObserver: ApplyObserver {
  func handle(_ event: ApplyEvent) async {}
}
