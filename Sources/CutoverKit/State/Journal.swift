import Foundation

/// One apply (or destroy) as the journal recorded it.
public struct ApplyRecord: Sendable, Equatable {
  /// How an apply ended.
  public enum Outcome: String, Sendable {
    case running, succeeded, failed, interrupted
  }

  public var id: Int64
  public var command: String
  public var user: String
  public var host: String
  public var pid: Int32
  public var startedAt: Date
  public var finishedAt: Date?
  /// The state serial its start produced (every later write of the apply bumps it again).
  public var serial: Int
  /// `+N ~N -N`, the plan it executed.
  public var summary: String
  public var outcome: Outcome
  public var error: String?
  public var actions: [JournalAction]
}

/// One action of an apply, written before its cloud call and again after.
public struct JournalAction: Sendable, Equatable {
  /// Where an action stands.
  public enum Status: String, Sendable {
    /// Written before the cloud call; still pending after a crash means the outcome is unknown.
    case pending
    case done
    case failed
    /// A pending action of a dead apply that a later run looked up in the cloud and settled.
    case reconciled
  }

  public var id: Int64
  public var applyID: Int64
  public var address: ResourceAddress
  public var deposedKey: String?
  /// What the action does to the object (kept in the journal as its text: `create`, `update`, `delete`).
  public var action: ActionLabel.Kind
  public var status: Status
  public var remoteID: String?
  public var startedAt: Date
  public var finishedAt: Date?
  public var detail: String?
  public var error: String?
}
