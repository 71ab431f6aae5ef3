import CutoverKit
import Foundation
import Synchronization
import Testing

/// The lock holder needs nothing of a store but ``StateLocking``: an in-memory double stands in for the state here.
@Suite("State lock: a holder over a stand-in store")
struct LockHolderOverADoubleTests {
  /// A lock kept in memory: one lease at a time, heartbeats counted, and a way for the test to break it.
  private final class MemoryLock: StateLocking {
    private struct Fields {
      var lease: LockLease?
      var heartbeats = 0
      var released: [String] = []
    }

    private let fields = Mutex(Fields())

    func acquireLock(command: String, identity: ProcessIdentity, ttl: TimeInterval, now: Date) throws -> LockLease {
      try fields.withLock { fields in
        if let held = fields.lease { throw CutoverError.stateLocked(held) }
        let lease = LockLease(
          environment: "eqiad1", token: UUID().uuidString, holder: identity.user, host: identity.host,
          pid: identity.pid, command: command, acquiredAt: now, heartbeatAt: now)
        fields.lease = lease
        return lease
      }
    }

    func heartbeat(_ lease: LockLease) throws -> Bool {
      fields.withLock { fields in
        guard fields.lease?.token == lease.token else { return false }
        fields.heartbeats += 1
        return true
      }
    }

    func releaseLock(_ lease: LockLease) throws {
      fields.withLock { fields in
        fields.released.append(lease.token)
        if fields.lease?.token == lease.token { fields.lease = nil }
      }
    }

    func breakLock() throws -> LockLease? {
      fields.withLock { fields in
        defer { fields.lease = nil }
        return fields.lease
      }
    }

    func currentLease() throws -> LockLease? { fields.withLock { $0.lease } }

    /// Breaks the lease and hands the lock to another run, as `cutover state unlock` and a second apply would.
    func takeOver(by identity: ProcessIdentity) throws {
      _ = try breakLock()
      _ = try acquireLock(command: "apply eqiad1", identity: identity, ttl: 60, now: Date())
    }

    var heartbeats: Int { fields.withLock { $0.heartbeats } }
    var released: [String] { fields.withLock { $0.released } }
  }

  private let alice = ProcessIdentity(user: "alice", host: "bastion-a", pid: 4242)
  private let bob = ProcessIdentity(user: "bob", host: "bastion-b", pid: 5151)

  /// Polls `condition` every 10 ms for at most 5 s.
  private func eventually(_ condition: () -> Bool) async throws -> Bool {
    for _ in 0..<500 {
      if condition() { return true }
      try await Task.sleep(for: .milliseconds(10))
    }
    return condition()
  }

  @Test("a holder takes the lease, beats, names a second taker's refusal, and gives the lease back")
  func holdsAndReleases() async throws {
    let lock = MemoryLock()
    let holder = try LockHolder(store: lock, command: "apply eqiad1", identity: alice, ttl: 0.3)
    #expect(try lock.currentLease()?.token == holder.lease.token)
    #expect(try await eventually { lock.heartbeats >= 2 })
    #expect(throws: CutoverError.self) {
      try LockHolder(store: lock, command: "plan eqiad1", identity: bob, ttl: 0.3)
    }
    await holder.release()
    #expect(try lock.currentLease() == nil)
    #expect(lock.released == [holder.lease.token])
  }

  @Test("a holder whose lease another run took says it lost it, and to whom")
  func noticesTheLoss() async throws {
    let lock = MemoryLock()
    let losses = Mutex<[LockLoss]>([])
    let holder = try LockHolder(
      store: lock, command: "apply eqiad1", identity: alice, ttl: 0.3,
      onLost: { loss in losses.withLock { $0.append(loss) } })
    try lock.takeOver(by: bob)
    #expect(try await eventually { losses.withLock { !$0.isEmpty } })
    #expect(losses.withLock { $0.map { $0.takenBy?.holder } } == ["bob"])
    #expect(await holder.loss?.takenBy?.host == "bastion-b")
    await holder.release()
    #expect(try lock.currentLease()?.holder == "bob", "releasing a lost lease leaves the new holder's alone")
  }
}
