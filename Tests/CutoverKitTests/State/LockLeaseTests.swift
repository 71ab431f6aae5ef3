import CutoverKit
import Foundation
import Testing

@Suite("State store: lock lease")
struct LockLeaseTests {
  private let alice = ProcessIdentity(user: "alice", host: "bastion-a", pid: 4242)
  private let bob = ProcessIdentity(user: "bob", host: "bastion-b", pid: 5151)

  private func withStore(_ implementation: StateImplementation, _ body: (any StateBackend) throws -> Void) throws {
    try withTemporaryDirectory { directory in
      try body(try implementation.open(directory, "eqiad1"))
    }
  }

  /// The lease a failed `acquireLock` names; records an issue when the lock was taken instead.
  private func lockedBy(
    sourceLocation: SourceLocation = #_sourceLocation, _ acquire: () throws -> LockLease
  ) -> (lease: LockLease, error: CutoverError)? {
    do {
      _ = try acquire()
      Issue.record("the lock was taken", sourceLocation: sourceLocation)
    } catch let error as CutoverError {
      if case .stateLocked(let lease) = error { return (lease, error) }
      Issue.record("expected stateLocked, got \(error)", sourceLocation: sourceLocation)
    } catch {
      Issue.record("expected stateLocked, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
  }

  /// The pid of a process that has certainly exited: `/bin/true`, run and waited for.
  private func exitedPID() throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    return process.processIdentifier
  }

  @Test(
    "a second run is refused with the holder, host, pid, time and command, and exit code 75",
    arguments: StateImplementation.all)
  func secondRunIsRefused(_ implementation: StateImplementation) throws {
    try withStore(implementation) { store in
      let held = try store.acquireLock(command: "apply eqiad1", identity: alice, ttl: 60)
      guard let locked = lockedBy({ try store.acquireLock(command: "plan eqiad1", identity: bob, ttl: 60) }) else {
        return
      }
      #expect(locked.lease.token == held.token)
      #expect(locked.error.exitCode == 75)
      #expect(
        locked.error.errorDescription
          == "state locked by alice@bastion-a pid 4242 since \(held.acquiredAtText) (apply eqiad1)"
          + "; if that run is gone, `cutover state unlock eqiad1` breaks the lock")
      #expect(held.acquiredAtText.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"#, options: .regularExpression) != nil)
    }
  }

  @Test("a lease whose heartbeat is older than the time to live is taken over", arguments: StateImplementation.all)
  func expiredHeartbeatIsTakenOver(_ implementation: StateImplementation) throws {
    try withStore(implementation) { store in
      let held = try store.acquireLock(command: "apply eqiad1", identity: alice, ttl: 60)
      // With a 10 ms time to live, the lease expires within moments; poll for it, bounded, instead of sleeping.
      let deadline = Date().addingTimeInterval(5)
      var taken: LockLease?
      while taken == nil, Date() < deadline {
        taken = try? store.acquireLock(command: "apply eqiad1", identity: bob, ttl: 0.01)
        if taken == nil { Thread.sleep(forTimeInterval: 0.005) }
      }
      let lease = try #require(taken, "the expired lease was never taken over")
      #expect(lease.holder == "bob")
      #expect(lease.token != held.token)
      #expect(try store.currentLease()?.token == lease.token)
    }
  }

  @Test("a fresh lease of a live process is not taken over", arguments: StateImplementation.all)
  func freshLeaseHolds(_ implementation: StateImplementation) throws {
    try withStore(implementation) { store in
      let here = ProcessIdentity(user: "alice", host: "bastion-a", pid: getpid())
      _ = try store.acquireLock(command: "apply eqiad1", identity: here, ttl: 60)
      let other = ProcessIdentity(user: "bob", host: "bastion-a", pid: getpid())
      _ = lockedBy { try store.acquireLock(command: "plan eqiad1", identity: other, ttl: 3600) }
    }
  }

  @Test(
    "a lease held by a process that is gone from this host is taken over at once", arguments: StateImplementation.all)
  func deadHolderIsTakenOver(_ implementation: StateImplementation) throws {
    try withStore(implementation) { store in
      let gone = ProcessIdentity(user: "alice", host: "bastion-a", pid: try exitedPID())
      _ = try store.acquireLock(command: "apply eqiad1", identity: gone, ttl: 3600)
      let here = ProcessIdentity(user: "bob", host: "bastion-a", pid: getpid())
      let lease = try store.acquireLock(command: "apply eqiad1", identity: here, ttl: 3600)
      #expect(lease.holder == "bob")
    }
  }

  @Test("heartbeat succeeds while the lease is held and fails once it is broken", arguments: StateImplementation.all)
  func heartbeatFailsAfterBreak(_ implementation: StateImplementation) throws {
    try withStore(implementation) { store in
      let lease = try store.acquireLock(command: "apply eqiad1", identity: alice, ttl: 60)
      #expect(try store.heartbeat(lease))
      #expect(try store.breakLock()?.token == lease.token)
      #expect(try !store.heartbeat(lease))
      #expect(try store.currentLease() == nil)
    }
  }

  @Test("releaseLock gives back only our own lease", arguments: StateImplementation.all)
  func releaseOnlyOwnLease(_ implementation: StateImplementation) throws {
    try withStore(implementation) { store in
      let held = try store.acquireLock(command: "apply eqiad1", identity: alice, ttl: 60)
      var impostor = held
      impostor.token = UUID().uuidString
      try store.releaseLock(impostor)
      #expect(try store.currentLease()?.token == held.token)

      try store.releaseLock(held)
      #expect(try store.currentLease() == nil)
    }
  }

  @Test(
    "a live process on this host keeps its local lease however old its heartbeat (it may only be paused)",
    arguments: [StateImplementation.sqlite])
  func livePausedHolderKeepsLease(_ implementation: StateImplementation) throws {
    try withStore(implementation) { store in
      let here = ProcessInfo.processInfo.hostName
      let running = ProcessIdentity(user: "carol", host: here, pid: getpid())
      _ = try store.acquireLock(command: "apply eqiad1", identity: running, ttl: 60)
      let other = ProcessIdentity(user: "dave", host: here, pid: getpid() + 1)
      let refused = lockedBy { try store.acquireLock(command: "apply eqiad1", identity: other, ttl: 0) }
      #expect(refused?.lease.holder == "carol")
    }
  }

  @Test(
    "a shared lease expires by time alone: a paused holder on this host loses it, and its writes are fenced off",
    arguments: [StateImplementation.postgresql])
  func pausedHolderLosesSharedLease(_ implementation: StateImplementation) throws {
    try withTemporaryDirectory { directory in try pausedHolder(implementation, directory: directory) }
  }

  private func pausedHolder(_ implementation: StateImplementation, directory: String) throws {
    let paused = try implementation.open(directory, "eqiad1")
    let here = ProcessInfo.processInfo.hostName
    let held = try paused.acquireLock(
      command: "apply eqiad1", identity: ProcessIdentity(user: "carol", host: here, pid: getpid()), ttl: 0.05)
    let other = try implementation.open(directory, "eqiad1")
    let deadline = Date().addingTimeInterval(5)
    var taken: LockLease?
    while taken == nil, Date() < deadline {
      taken = try? other.acquireLock(
        command: "apply eqiad1", identity: ProcessIdentity(user: "dave", host: here, pid: getpid() + 1), ttl: 60)
      if taken == nil { Thread.sleep(forTimeInterval: 0.01) }
    }
    let lease = try #require(taken, "the paused holder's lease was never taken over")
    #expect(Int(lease.token) ?? 0 > Int(held.token) ?? 0, "the fencing token grows")
    // The paused holder wakes: its heartbeat and its next write both fail, naming who holds the lock now.
    #expect(try paused.heartbeat(held) == false)
    let fenced = #expect(throws: CutoverError.self) { try paused.record([Self.cluster]) }
    #expect(fenced?.errorDescription?.contains("lost the lock to dave@\(here) pid \(getpid() + 1)") == true)
    #expect(try other.resources().isEmpty, "the fenced write wrote nothing")
    try other.record([Self.cluster])
    #expect(try other.resources().count == 1, "the new holder writes")
  }

  /// An object to record.
  static let cluster = RecordedResource(
    address: ResourceAddress("cluster.127d"), remoteID: "c-1", attributes: ["node_count": 2])
}
