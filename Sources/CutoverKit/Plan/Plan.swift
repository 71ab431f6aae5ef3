import Foundation

/// A computed plan: every change Cutover would make, in the form that is printed, saved and applied.
/// A saved plan is this value as JSON; applying it checks that the state and desired state have not moved.
public struct Plan: Sendable, Codable, Equatable {
  /// The version of the saved-plan and JSON formats.
  public static let currentFormatVersion = "1.0"

  /// Whether the plan converges on the desired state or removes everything.
  public enum Mode: String, Sendable, Codable {
    case apply, destroy
  }

  public var formatVersion: String
  public var environment: String
  public var mode: Mode
  /// The state the plan was computed against.
  public var stateVersion: StateVersion
  /// SHA-256 of the expanded desired state the plan was computed from.
  public var desiredDigest: String
  public var createdAt: Date
  /// Every resource considered, no-ops included, in a stable order.
  public var changes: [PlannedChange]
  /// The desired resources, so an apply evaluates references exactly as planned.
  public var desired: [DesiredResource]
  /// Differences found between the recorded state and the cloud before planning.
  public var drift: [Drift]
  /// Notes an operator should read before approving (not errors).
  public var warnings: [String]
  /// The published snapshot the plan was made against (`plan --from-snapshot`); nil for the local state.
  public var snapshot: SnapshotIndex?
  /// The commit of the desired state, when the run was told it (`CUTOVER_COMMIT`, else `GITHUB_SHA`).
  public var commit: String?
  /// Why the plan may only be looked at, never applied (files it could read only encrypted); empty when it may be.
  public var previewOnly: [String]?
  /// Each desired generation as the plan saw it, by id (``GenerationFingerprints``); nil for a destroy or a targeted
  /// plan, which converge no generation as a whole.
  public var generations: [String: PlannedGeneration]?

  public init(
    environment: String, mode: Mode, stateVersion: StateVersion, desiredDigest: String, createdAt: Date = Date(),
    changes: [PlannedChange], desired: [DesiredResource], drift: [Drift] = [], warnings: [String] = []
  ) {
    self.formatVersion = Self.currentFormatVersion
    self.environment = environment
    self.mode = mode
    self.stateVersion = stateVersion
    self.desiredDigest = desiredDigest
    self.createdAt = createdAt
    self.changes = changes
    self.desired = desired
    self.drift = drift
    self.warnings = warnings
  }

  /// The generations the plan left out as unchanged, sorted.
  public var unchangedGenerations: [String] {
    (generations ?? [:]).filter(\.value.unchanged).keys.sorted()
  }

  /// The recorded resources of the generations left out as unchanged: no-ops the plan did not list one by one.
  public var unchangedResources: Int {
    (generations ?? [:]).values.reduce(0) { $0 + ($1.unchanged ? $1.resources : 0) }
  }

  /// What an operator reads about the generations left out as unchanged; nil when none was.
  public var unchangedNote: String? {
    let generations = unchangedGenerations
    guard !generations.isEmpty else { return nil }
    let count = generations.count == 1 ? "1 generation" : "\(generations.count) generations"
    return "\(count) (\(unchangedResources) objects) not compared one by one: nothing they are made from changed"
      + " since the apply that converged them"
  }

  /// The changes that do something.
  public var actionable: [PlannedChange] { changes.filter { $0.action != .noop } }

  public var hasChanges: Bool { changes.contains { $0.action != .noop } }

  /// Counts for `Plan: N to add, N to change, N to destroy.` (a replacement adds one and destroys one).
  public var summary: PlanSummary {
    var summary = PlanSummary()
    for change in changes {
      switch change.action {
      case .create: summary.add += 1
      case .update: summary.change += 1
      case .replace:
        summary.add += 1
        summary.destroy += 1
      case .delete: summary.destroy += 1
      case .noop: break
      }
    }
    return summary
  }
}

/// One generation as a plan saw it.
public struct PlannedGeneration: Sendable, Codable, Equatable {
  /// The digest of everything its resources are made from (``GenerationFingerprints``).
  public var fingerprint: String
  /// Left out of the comparison: the apply that last converged it recorded this same fingerprint on each of its
  /// resources, and the state holds them as that apply left them. Its resources are no-ops the plan does not list.
  public var unchanged: Bool
  /// Its recorded resources, when unchanged.
  public var resources: Int
  /// The plan's changes to it that act (not no-ops). An apply records the fingerprint only when it ran exactly these
  /// and all of them succeeded: a plan cut down after planning (a switch's part of one) converges nothing.
  public var actions: Int

  public init(fingerprint: String, unchanged: Bool, resources: Int = 0, actions: Int = 0) {
    self.fingerprint = fingerprint
    self.unchanged = unchanged
    self.resources = resources
    self.actions = actions
  }
}

/// How many resources a plan adds, changes and destroys.
public struct PlanSummary: Sendable, Equatable, CustomStringConvertible {
  public var add = 0
  public var change = 0
  public var destroy = 0

  public var description: String { "Plan: \(add) to add, \(change) to change, \(destroy) to destroy." }
  /// `+1 ~0 -0`, for the journal.
  public var compact: String { "+\(add) ~\(change) -\(destroy)" }
}

/// What the plan does to one resource.
public struct PlannedChange: Sendable, Codable, Equatable {
  /// The action, in the order operators read them.
  public enum Action: String, Sendable, Codable {
    case create, update, replace, delete, noop
  }

  /// Why a resource is created, replaced or deleted, when it is not obvious.
  public enum Reason: String, Sendable, Codable {
    /// An attribute that cannot change in place changed.
    case replaceBecauseCannotUpdate = "replace_because_cannot_update"
    /// Its create failed after the cloud accepted it (a cluster in `CREATE_FAILED`).
    case replaceBecauseTainted = "replace_because_tainted"
    /// `--replace` asked for it.
    case replaceByRequest = "replace_by_request"
    /// No longer in the desired state.
    case deleteBecauseNoResourceConfig = "delete_because_no_resource_config"
    /// `cutover destroy`.
    case deleteBecauseDestroy = "delete_because_destroy"
    /// An old object a replacement superseded, left behind by an interrupted apply.
    case deleteDeposed = "delete_deposed"
    /// An earlier apply started creating it and stopped; the apply waits on the existing object.
    case resumeInterruptedCreate = "resume_interrupted_create"
    /// Recorded, but gone from the cloud.
    case recreateBecauseGone = "recreate_because_gone"
  }

  public var address: ResourceAddress
  /// Set when the change deletes a deposed object rather than the current one.
  public var deposedKey: String?
  public var action: Action
  public var reason: Reason?
  /// Attributes before (nil for a create), sensitive ones removed.
  public var before: Attributes?
  /// Known attributes after (nil for a delete), sensitive ones removed.
  public var after: Attributes?
  /// Attributes whose value is known only after apply.
  public var unknownAfter: [String]
  /// Attributes whose change forces the replacement.
  public var replacePaths: [String]
  /// Attributes that are sensitive: shown as `(sensitive)`, never printed.
  public var sensitive: [String]
  /// Desired dependencies: created or updated before this one.
  public var dependencies: [ResourceAddress]
  /// Recorded dependencies of the object being deleted: deleted after this one.
  public var priorDependencies: [ResourceAddress]
  /// The remote id of the object being deleted, replaced or waited on.
  public var remoteID: String?

  public init(
    address: ResourceAddress, deposedKey: String? = nil, action: Action, reason: Reason? = nil, before: Attributes?,
    after: Attributes?, unknownAfter: [String] = [], replacePaths: [String] = [], sensitive: [String] = [],
    dependencies: [ResourceAddress] = [], priorDependencies: [ResourceAddress] = [], remoteID: String? = nil
  ) {
    self.address = address
    self.deposedKey = deposedKey
    self.action = action
    self.reason = reason
    self.before = before
    self.after = after
    self.unknownAfter = unknownAfter
    self.replacePaths = replacePaths
    self.sensitive = sensitive
    self.dependencies = dependencies
    self.priorDependencies = priorDependencies
    self.remoteID = remoteID
  }

  /// The address as printed, with the deposed key when there is one.
  public var displayAddress: String {
    deposedKey.map { "\(address) (deposed object \($0))" } ?? address.description
  }
}

/// A difference between what the state recorded and what the cloud holds, found by a refresh.
public struct Drift: Sendable, Codable, Equatable {
  public var address: ResourceAddress
  /// Set when the drifted object is a deposed one.
  public var deposedKey: String?
  /// `changed` attributes, or the object is `gone`.
  public var kind: Kind
  /// The drifted attributes as recorded.
  public var before: Attributes
  /// The drifted attributes as the cloud has them; nil when the object is gone.
  public var after: Attributes?

  /// What a refresh found different.
  public enum Kind: String, Sendable, Codable {
    case changed, gone
  }

  public init(
    address: ResourceAddress, deposedKey: String? = nil, kind: Kind, before: Attributes, after: Attributes?
  ) {
    self.address = address
    self.deposedKey = deposedKey
    self.kind = kind
    self.before = before
    self.after = after
  }
}
