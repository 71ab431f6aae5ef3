import Foundation

// The state behind interfaces, in the spirit of OpenTofu's state managers: each consumer takes the narrowest one it
// needs, so another store (a read-only snapshot, PostgreSQL) or a test double can stand in. `SQLiteStateStore`
// implements them all.

/// Reading the recorded state: what a plan is made from.
public protocol StateReading: Sendable {
  /// The environment the state belongs to.
  var environment: String { get }
  /// Where the state is kept, as messages name it: a file's path, a URL.
  var location: String { get }
  /// The lineage (set when the state was created) and serial (moved by every change to what is recorded).
  func version() throws -> StateVersion
  /// Every recorded object, current ones and deposed ones awaiting deletion, sorted by address.
  func resources() throws -> [RecordedResource]
  /// The object at an address: the current one, or with `deposedKey` a deposed one.
  func resource(_ address: ResourceAddress, deposedKey: String?) throws -> RecordedResource?
}

/// Writing what an apply, refresh or import does: the journal of applies and actions, written before and after
/// every cloud call, and the records each action's result changes. Every write that changes what is recorded moves
/// the serial, so a plan saved before it is stale.
public protocol StateJournal: StateReading {
  /// Records (or replaces) objects outside any apply: adoption, reconciliation.
  func record(_ resources: [RecordedResource]) throws
  /// Records on current objects the fingerprint of their generation, after an apply converged it; the serial stays.
  func recordFingerprints(_ fingerprints: [ResourceAddress: String]) throws
  /// Records what a refresh read, and forgets the objects gone from the cloud; moves the serial only when something
  /// changed.
  func recordRefresh(_ resources: [RecordedResource], gone: [Drift]) throws
  /// Replaces, once, the plain digests an older Cutover recorded with keyed ones.
  func upgradeLegacyDigests(_ upgrade: (RecordedResource) -> RecordedResource) throws
  /// Forgets an object (it no longer exists in the cloud).
  func forget(_ address: ResourceAddress, deposedKey: String?) throws
  /// Moves the current object at an address aside as deposed, so its replacement can be recorded under it.
  func depose(_ address: ResourceAddress, key: String) throws

  /// Starts an apply, taking what the plan's refresh read (`refreshed`) in the same write; returns its id.
  func beginApply(command: String, summary: String, identity: ProcessIdentity, refreshed: [Drift]) throws -> Int64
  /// Ends an apply.
  func finishApply(_ applyID: Int64, outcome: ApplyRecord.Outcome, error: String?) throws
  /// Writes an action as pending, before its cloud call; returns its id.
  func beginAction(applyID: Int64, address: ResourceAddress, deposedKey: String?, action: ActionLabel.Kind) throws
    -> Int64
  /// Records the id the cloud gave a new object, with the object as `creating`, before the action waits for it.
  func recordRemoteID(actionID: Int64, resource: RecordedResource) throws
  /// Adds a line to an action's journal entry.
  func noteAction(_ actionID: Int64, _ line: String) throws
  /// Ends an action as done and records its result in the same write: the object, or (nil) that it is gone.
  func finishAction(_ actionID: Int64, address: ResourceAddress, deposedKey: String?, resource: RecordedResource?)
    throws
  /// Ends an action as failed and, in the same write, records what the cloud holds when the action knows it.
  func failAction(_ actionID: Int64, error: String, observed: RecordedResource?) throws
  /// Actions whose outcome is unknown (pending, or creates that failed before an id came back) of applies that no
  /// longer run: what a killed or failed apply may have left in the cloud unrecorded.
  func unsettledActions() throws -> [JournalAction]
  /// Whether an apply is recorded as running (it runs, or was killed and not yet settled), or left actions
  /// unsettled.
  func hasUnfinishedApplies() throws -> Bool
  /// Marks applies left `running` as interrupted; called with the lock held, when no other apply can run.
  func markAbandonedApplies() throws
  /// Marks a pending action settled, with what was found.
  func markReconciled(_ actionID: Int64, detail: String) throws
}

/// The lock lease: one run at a time changes an environment. A lease lives while its holder's heartbeat is fresh.
public protocol StateLocking: Sendable {
  /// Takes the lease, or throws `CutoverError.stateLocked` naming the live holder; `now` is the time it is taken at
  /// and compared with other leases' heartbeats.
  func acquireLock(command: String, identity: ProcessIdentity, ttl: TimeInterval, now: Date) throws -> LockLease
  /// Renews the lease; false when it is no longer this holder's (another run broke it).
  @discardableResult
  func heartbeat(_ lease: LockLease) throws -> Bool
  /// Gives the lease back, if it is still this holder's.
  func releaseLock(_ lease: LockLease) throws
  /// Removes whatever lease is held (`cutover state unlock`); returns it.
  func breakLock() throws -> LockLease?
  /// The lease held now, if any.
  func currentLease() throws -> LockLease?
  /// How `lease`, no longer renewable, was lost: taken by another run, expired, or broken.
  func loss(of lease: LockLease) throws -> LockLoss
}

/// What happened to an environment: applies with their actions, generation switches and verifications.
public protocol StateHistory: Sendable {
  /// Every apply with its actions, oldest first.
  func history() throws -> [ApplyRecord]
  /// Records that traffic moved from one generation to another.
  @discardableResult
  func recordSwitch(from: String?, to: String, command: String, identity: ProcessIdentity, forced: Bool, at: Date)
    throws -> GenerationSwitch
  /// Every recorded switch, oldest first.
  func switches() throws -> [GenerationSwitch]
  /// Records a verification's checklist; it observes and changes nothing a plan is made from.
  @discardableResult
  func recordVerification(
    generation: String, passed: Bool, checks: [String], command: String, identity: ProcessIdentity, at: Date
  ) throws -> GenerationVerificationRecord
  /// Every recorded verification, oldest first.
  func verifications() throws -> [GenerationVerificationRecord]
}

/// Everything a command that plans, applies and records switches needs of its environment's state.
public typealias StateBackend = StateJournal & StateLocking & StateHistory

extension StateReading {
  /// The current object at an address.
  public func resource(_ address: ResourceAddress) throws -> RecordedResource? {
    try resource(address, deposedKey: nil)
  }
}

extension StateJournal {
  public func beginApply(command: String, summary: String, identity: ProcessIdentity) throws -> Int64 {
    try beginApply(command: command, summary: summary, identity: identity, refreshed: [])
  }

  public func finishApply(_ applyID: Int64, outcome: ApplyRecord.Outcome) throws {
    try finishApply(applyID, outcome: outcome, error: nil)
  }

  public func failAction(_ actionID: Int64, error: String) throws {
    try failAction(actionID, error: error, observed: nil)
  }
}

extension StateLocking {
  /// From the lease held now: another run's, or this one's own not renewed in time (it expired), or none (broken).
  public func loss(of lease: LockLease) throws -> LockLoss {
    let current = try currentLease()
    if current?.token == lease.token { return LockLoss(takenBy: nil, expired: true) }
    return LockLoss(takenBy: current)
  }

  public func acquireLock(command: String, identity: ProcessIdentity, ttl: TimeInterval) throws -> LockLease {
    try acquireLock(command: command, identity: identity, ttl: ttl, now: Date())
  }
}

extension StateHistory {
  @discardableResult
  public func recordSwitch(from: String?, to: String, command: String, identity: ProcessIdentity, forced: Bool)
    throws -> GenerationSwitch
  {
    try recordSwitch(from: from, to: to, command: command, identity: identity, forced: forced, at: Date())
  }

  @discardableResult
  public func recordVerification(
    generation: String, passed: Bool, checks: [String], command: String, identity: ProcessIdentity
  ) throws -> GenerationVerificationRecord {
    try recordVerification(
      generation: generation, passed: passed, checks: checks, command: command, identity: identity, at: Date())
  }

  /// The most recent switch, if any: its `fromGeneration` is where `rollback` goes back to.
  public func lastSwitch() throws -> GenerationSwitch? {
    try switches().last
  }

  /// When `generation` last stopped being live through a switch; nil when it never did.
  public func switchedAway(from generation: String) throws -> Date? {
    try switches().switchedAway(from: generation)
  }

  /// When `generation` last became live through a switch; nil when it never did.
  public func switchedTo(_ generation: String) throws -> Date? {
    try switches().switchedTo(generation)
  }
}
