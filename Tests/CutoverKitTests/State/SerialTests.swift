import CutoverKit
import Foundation
import Testing

/// Every change to what the state records moves the serial, so a plan saved before it is refused; the lock lease's
/// own upkeep does not.
@Suite("State store: the serial")
struct SerialTests {
  private let cluster = RecordedResource(
    address: ResourceAddress("cluster.128a"), remoteID: "cluster-128a", attributes: ["node_count": 6])

  private func withStore(_ implementation: StateImplementation, _ body: (any StateBackend) throws -> Void) throws {
    try withTemporaryDirectory { directory in
      try body(try implementation.open(directory, "eqiad1"))
    }
  }

  /// Runs `change` and returns by how much it moved the serial.
  private func bump(_ store: any StateBackend, _ change: () throws -> Void) throws -> Int {
    let before = try store.version().serial
    try change()
    return try store.version().serial - before
  }

  @Test(
    "apply start and end, each action's start, note and end, a failed action: each moves the serial",
    arguments: StateImplementation.all)
  func applyMovesTheSerial(_ implementation: StateImplementation) throws {
    try withStore(implementation) { store in
      var apply: Int64 = 0
      var action: Int64 = 0
      #expect(try bump(store) { apply = try store.beginApply(command: "apply", summary: "+1", identity: .tester) } == 1)
      #expect(
        try bump(store) {
          action = try store.beginAction(applyID: apply, address: cluster.address, deposedKey: nil, action: .create)
        } == 1)
      #expect(try bump(store) { try store.recordRemoteID(actionID: action, resource: cluster) } == 1)
      #expect(try bump(store) { try store.noteAction(action, "CREATE_IN_PROGRESS") } == 1)
      #expect(
        try bump(store) {
          try store.finishAction(action, address: cluster.address, deposedKey: nil, resource: cluster)
        } == 1)
      let failing = try store.beginAction(applyID: apply, address: cluster.address, deposedKey: nil, action: .update)
      #expect(try bump(store) { try store.failAction(failing, error: "quota") } == 1)
      #expect(try bump(store) { try store.finishApply(apply, outcome: .failed) } == 1)
    }
  }

  @Test(
    "import, refresh, unlock and a recorded switch each move the serial; a verification does not",
    arguments: StateImplementation.all)
  func everyRecordMovesTheSerial(_ implementation: StateImplementation) throws {
    try withStore(implementation) { store in
      #expect(try bump(store) { try store.record([cluster]) } == 1, "import")
      var resized = cluster
      resized.attributes["node_count"] = 3
      #expect(try bump(store) { try store.recordRefresh([resized], gone: []) } == 1, "refresh that read a change")
      #expect(try bump(store) { try store.recordRefresh([resized], gone: []) } == 0, "refresh that read nothing new")
      _ = try store.acquireLock(command: "apply", identity: .tester, ttl: 60)
      #expect(try bump(store) { _ = try store.breakLock() } == 1, "unlock")
      #expect(
        try bump(store) {
          try store.recordSwitch(from: "127d", to: "128a", command: "switch", identity: .tester, forced: false)
        } == 1, "switch")
      #expect(
        try bump(store) {
          try store.recordVerification(
            generation: "128a", passed: true, checks: [], command: "verify", identity: .tester)
        } == 0, "a verification observes: it changes nothing a plan is made from")
      #expect(try bump(store) { try store.forget(cluster.address, deposedKey: nil) } == 1, "forget")
    }
  }

  @Test("taking, renewing and giving back the lock lease leaves the serial alone", arguments: StateImplementation.all)
  func leaseUpkeepKeepsTheSerial(_ implementation: StateImplementation) throws {
    try withStore(implementation) { store in
      var lease: LockLease?
      #expect(try bump(store) { lease = try store.acquireLock(command: "plan", identity: .tester, ttl: 60) } == 0)
      let held = try #require(lease)
      #expect(try bump(store) { try store.heartbeat(held) } == 0)
      #expect(try bump(store) { try store.releaseLock(held) } == 0)
      #expect(try bump(store) { try store.markAbandonedApplies() } == 0, "no apply was left running")
    }
  }

  @Test("a saved plan made before any recorded change is refused as stale", arguments: StateImplementation.all)
  func savedPlanAfterAnyChangeIsStale(_ implementation: StateImplementation) throws {
    try withStore(implementation) { store in
      let desired = try Fixture.desiredState("minimal.yaml")
      let preparation = PlanPreparation(store: store, cloud: nil, kubernetesTools: { [] }, digester: .test)
      let plan = try Planner().plan(
        Planner.Request(
          environment: "eqiad1", desired: desired, recorded: [], stateVersion: try store.version(), digester: .test))
      #expect(throws: Never.self) { _ = try preparation.restoreSaved(plan, desired: desired) }
      try store.recordSwitch(from: nil, to: "127d", command: "switch", identity: .tester, forced: false)
      let error = try #require(throws: CutoverError.self) { try preparation.restoreSaved(plan, desired: desired) }
      guard case .stalePlan(let reason) = error else {
        Issue.record("expected a stale plan, got \(error)")
        return
      }
      #expect(reason.contains("serial moved from 0 to 1"), "\(reason)")
    }
  }
}
