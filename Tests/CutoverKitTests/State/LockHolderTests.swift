import CutoverKit
import Foundation
import Synchronization
import Testing

/// The lease timings (a heartbeat every third of the time to live, 60 s by default; a lease from another host expires
/// once its heartbeat is older than that) and what a holder does when its lease is broken, with the clock and the
/// time to live injected instead of waited for.
@Suite("State lock: holder timings and a lost lease")
struct LockHolderTests {
  private let alice = ProcessIdentity(user: "alice", host: "bastion-a", pid: 4242)
  private let bob = ProcessIdentity(user: "bob", host: "bastion-b", pid: 5151)

  private func withStore(_ body: (SQLiteStateStore) async throws -> Void) async throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cutover-lock-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    try await body(try SQLiteStateStore(path: url.path + "/eqiad1.sqlite", environment: "eqiad1"))
  }

  @Test("the time to live is 60 s unless set, and a holder beats every third of it: 20 s")
  func heartbeatIsAThirdOfTheTTL() throws {
    #expect(try LockHolder.ttl(environment: [:]) == 60)
    #expect(LockHolder.heartbeatInterval(forTTL: 60) == .seconds(20))
    #expect(LockHolder.heartbeatInterval(forTTL: 15) == .seconds(5))
    #expect(LockHolder.heartbeatInterval(forTTL: 0.3) == .milliseconds(100))
  }

  @Test("a lease from another host holds for the time to live after its last heartbeat, and expires after it")
  func leaseFromAnotherHostExpiresAfterTTL() async throws {
    try await withStore { store in
      let taken = Date(timeIntervalSince1970: 1_800_000_000)
      let held = try store.acquireLock(command: "apply eqiad1", identity: alice, ttl: 60, now: taken)
      #expect(held.heartbeatAt == taken)
      #expect(!held.isExpired(now: taken.addingTimeInterval(60), ttl: 60, localHost: "bastion-b"))
      #expect(held.isExpired(now: taken.addingTimeInterval(60.5), ttl: 60, localHost: "bastion-b"))
      #expect(throws: CutoverError.self) {
        try store.acquireLock(command: "plan eqiad1", identity: bob, ttl: 60, now: taken.addingTimeInterval(59))
      }
      let lease = try store.acquireLock(
        command: "plan eqiad1", identity: bob, ttl: 60, now: taken.addingTimeInterval(61))
      #expect(lease.holder == "bob")
    }
  }

  @Test("a holder proves itself alive each interval: its heartbeat moves on")
  func holderBeats() async throws {
    try await withStore { store in
      let holder = try LockHolder(store: store, command: "apply eqiad1", identity: alice, ttl: 0.3)
      let first = holder.lease.heartbeatAt
      var moved = false
      for _ in 0..<200 where !moved {
        moved = (try store.currentLease()?.heartbeatAt ?? first) > first
        if !moved { try await Task.sleep(for: .milliseconds(20)) }
      }
      #expect(moved, "no heartbeat within 4 s with a 100 ms interval")
      await holder.release()
      #expect(try store.currentLease() == nil)
    }
  }

  @Test("a holder whose lease was broken and taken says so once, naming who holds it now, and stops beating")
  func lostLease() async throws {
    try await withStore { store in
      let losses = LossRecorder()
      let holder = try LockHolder(
        store: store, command: "apply eqiad1", identity: alice, ttl: 0.3, onLost: { losses.record($0) })
      #expect(try store.breakLock() != nil)
      let taken = try store.acquireLock(command: "apply eqiad1", identity: bob, ttl: 60)
      for _ in 0..<200 where losses.all.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
      let loss = try #require(losses.all.first, "the holder never noticed")
      #expect(loss.takenBy?.token == taken.token)
      #expect(await holder.loss == loss)
      #expect(
        CutoverError.lockLost(loss).errorDescription?.hasPrefix(
          "lost the lock to bob@bastion-b pid 5151 (apply eqiad1)") == true)
      #expect(CutoverError.lockLost(loss).exitCode == 1)
      await holder.release()
      #expect(losses.all.count == 1)
      #expect(try store.currentLease()?.token == taken.token, "releasing never gives back another run's lease")
    }
  }

  @Test("a lease broken with nobody holding it now is reported as broken")
  func brokenLease() {
    let message = CutoverError.lockLost(LockLoss(takenBy: nil)).errorDescription ?? ""
    #expect(message.hasPrefix("the state lock was broken while this run held it"), "\(message)")
  }
}

/// Collects what a holder reports, from its heartbeat task.
private final class LossRecorder: Sendable {
  private let losses = Mutex<[LockLoss]>([])
  func record(_ loss: LockLoss) { losses.withLock { $0.append(loss) } }
  var all: [LockLoss] { losses.withLock { $0 } }
}
