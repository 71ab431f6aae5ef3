import Foundation

/// A whole state, history included, as rows: what `cutover state migrate` copies from one store to another, and what
/// a PostgreSQL state is published as (written into a SQLite snapshot). The lock lease is never part of it.
public struct StateDump: Sendable, Equatable {
  public var environment: String
  public var version: StateVersion
  public var resources: [RecordedResource]
  /// Every apply, oldest first, with its actions.
  public var applies: [ApplyRecord]
  public var switches: [GenerationSwitch]
  public var verifications: [GenerationVerificationRecord]
  public var publications: [StatePublication]

  /// Rows per kind, for the check after a copy and for messages: `resources 9, applies 2, actions 11, …`.
  public var counts: [(kind: String, count: Int)] {
    [
      ("resources", resources.count), ("applies", applies.count),
      ("actions", applies.reduce(0) { $0 + $1.actions.count }), ("switches", switches.count),
      ("verifications", verifications.count), ("publications", publications.count),
    ]
  }

  public var countsText: String {
    counts.map { "\($0.kind) \($0.count)" }.joined(separator: ", ")
  }

  /// Whether an apply is recorded as running.
  public var applyRunning: Bool { applies.contains { $0.outcome == .running } }

  /// Whether the state records nothing at all: a store just created.
  public var isEmpty: Bool { counts.allSatisfy { $0.count == 0 } }
}

/// Copying a whole state in and out.
public protocol StateCopying: Sendable {
  /// The whole state (read with the lock held, so nothing changes it meanwhile).
  func dump() throws -> StateDump
  /// Replaces the whole state with `dump`, in one transaction: lineage, serial and every row, ids kept. The lease is
  /// left as it is.
  func load(_ dump: StateDump) throws
}

/// Everything a command needs of its environment's state, whichever store keeps it: ``SQLiteStateStore`` (a file on
/// this machine) or ``PostgreSQLStateStore`` (a database several machines share).
public protocol StateStore: StateBackend, StateCopying {
  /// Whether the store is shared by several machines (its lease expires by time alone).
  var isShared: Bool { get }
  /// A copy of the whole state as one SQLite file's bytes, lock left out: what is published.
  func snapshot() throws -> StateSnapshot
  /// Records an attempt to publish; the serial stays.
  func recordPublication(_ publication: StatePublication) throws
  /// Every recorded publication, oldest first.
  func publications() throws -> [StatePublication]
}

extension StateStore {
  public func dump() throws -> StateDump {
    StateDump(
      environment: environment, version: try version(), resources: try resources(), applies: try history(),
      switches: try switches(), verifications: try verifications(), publications: try publications())
  }
}
