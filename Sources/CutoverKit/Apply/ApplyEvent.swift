/// What an apply reports while it runs, for progress output.
public enum ApplyEvent: Sendable {
  /// An action started.
  case started(ActionLabel)
  /// The cloud object changed status (`CREATE_IN_PROGRESS` → `CREATE_COMPLETE`).
  case status(ActionLabel, String, elapsed: Duration)
  /// The action is still running (sent every few seconds).
  case stillRunning(ActionLabel, elapsed: Duration)
  case finished(ActionLabel, remoteID: String?, elapsed: Duration)
  case failed(ActionLabel, error: String, elapsed: Duration)
  /// Not run because something it needed failed.
  case skipped(ActionLabel, because: ResourceAddress)
}

/// One step of an apply: an address and what is done to it.
public struct ActionLabel: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// The kind of step. A replacement is a `create` of the new object then a `delete` of the deposed one.
  public enum Kind: String, Sendable, Comparable {
    case create, update, delete

    public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The verb in progress lines: Creating, Modifying, Destroying.
    public var progressive: String {
      switch self {
      case .create: return "Creating"
      case .update: return "Modifying"
      case .delete: return "Destroying"
      }
    }

    public var pastTense: String {
      switch self {
      case .create: return "Creation"
      case .update: return "Modifications"
      case .delete: return "Destruction"
      }
    }
  }

  public var address: ResourceAddress
  public var kind: Kind
  public var deposedKey: String?

  public var description: String {
    deposedKey.map { "\(address) (deposed object \($0))" } ?? address.description
  }

  public static func < (lhs: ActionLabel, rhs: ActionLabel) -> Bool {
    (lhs.address, lhs.kind, lhs.deposedKey ?? "") < (rhs.address, rhs.kind, rhs.deposedKey ?? "")
  }
}

/// Receives apply events. The CLI prints them; tests collect them.
public protocol ApplyObserver: Sendable {
  func handle(_ event: ApplyEvent) async
}

/// What an apply did.
public struct ApplyResult: Sendable, Equatable {
  public var succeeded: [ActionLabel]
  public var failed: [ActionLabel: String]
  public var skipped: [ActionLabel]
  public var elapsed: Duration

  public var summary: String {
    let counts = Dictionary(grouping: succeeded, by: \.kind).mapValues(\.count)
    return "\(counts[.create] ?? 0) added, \(counts[.update] ?? 0) changed, \(counts[.delete] ?? 0) destroyed"
  }
}
