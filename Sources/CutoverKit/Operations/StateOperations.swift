import Foundation

/// `cutover plan ENV`: settle, refresh (unless asked not to) and plan, without changing the cloud.
public struct PlanOperation: Sendable {
  public var session: OperationSession
  public var mode: Plan.Mode
  /// Read every recorded object from the cloud first; without it the plan is made offline.
  public var refresh: Bool
  /// Take the state lock; without it a concurrent apply may change the state meanwhile, and nothing is settled.
  public var lock: Bool
  public var targets: [ResourceAddress]
  public var replace: [ResourceAddress]
  /// Plan against the latest published snapshot instead of the local state file: never writes, never locks.
  public var fromSnapshot: Bool

  public init(
    session: OperationSession, mode: Plan.Mode = .apply, refresh: Bool = true, lock: Bool = true,
    targets: [ResourceAddress] = [], replace: [ResourceAddress] = [], fromSnapshot: Bool = false
  ) {
    self.session = session
    self.mode = mode
    self.refresh = refresh
    self.lock = lock
    self.targets = targets
    self.replace = replace
    self.fromSnapshot = fromSnapshot
  }

  /// Plans, and with `save` writes the plan there (0600) for `cutover apply FILE`, while the lock is held. The
  /// preparation's notes are printed as warnings; the plan is the caller's to render.
  public func run(saveTo save: String? = nil) async throws -> Plan {
    let desired = try session.desired()
    // Without a refresh the plan is made offline: nothing asks the cloud.
    let cloud = refresh ? try session.cloud() : nil
    let environment = session.environment
    let snapshot: SnapshotIndex? = fromSnapshot ? try await session.useLatestSnapshot() : nil
    if let index = snapshot {
      session.output.note("Planning against the snapshot of \(environment): \(index.description).")
      if index.applyRunning {
        session.output.warning(
          "the snapshot was published while an apply of \(environment) was running (or had been stopped before it "
            + "settled): what that apply did after it is not in this plan")
      }
    }
    let lock = lock && !fromSnapshot
    let commit = session.commit
    return try await session.run(command: "plan \(environment)", lock: lock) {
      let outcome = try await session.preparation(cloud: cloud).plan(
        environment: environment, desired: desired, mode: mode, refresh: refresh, locked: lock, targets: targets,
        replace: replace)
      for note in outcome.notes { session.output.warning(note) }
      var plan = outcome.plan
      plan.snapshot = snapshot
      plan.commit = commit
      if let save { try SavedPlan.write(plan, to: save, digester: try session.digester()) }
      return plan
    }
  }
}

/// `cutover refresh ENV`: read every recorded object from the cloud and record what was found.
public struct RefreshOperation: Sendable {
  public var session: OperationSession

  public init(session: OperationSession) {
    self.session = session
  }

  /// - Returns: what changed outside Cutover, and what is gone (now forgotten).
  public func run() async throws -> [Drift] {
    let cloud = try session.cloud()
    return try await session.run(command: "refresh \(session.environment)") {
      try await session.preparation(cloud: cloud).refreshState()
    }
  }
}

/// `cutover import ENV ADDR ID` or `cutover import ENV --from-tofu-state FILE`: adopt what already exists.
public struct ImportOperation: Sendable {
  /// What to adopt.
  public enum Source: Sendable {
    case object(ResourceAddress, remoteID: String)
    /// The JSON of `tofu state pull` or `tofu show -json`.
    case tofuState(Data)
  }

  public var session: OperationSession
  public var source: Source

  public init(session: OperationSession, source: Source) {
    self.session = session
    self.source = source
  }

  /// - Returns: one row per object considered, adopted or not, with why.
  public func run() async throws -> [Importer.Row] {
    let desired = try session.desired()
    let cloud = try session.cloud()
    let source = source
    return try await session.run(command: "import \(session.environment)") {
      let importer = Importer(
        store: try session.store(), cloud: try await cloud.clients(), digester: try session.digester())
      switch source {
      case .tofuState(let data):
        return try await importer.importTofuState(data, desired: desired)
      case .object(let address, let remoteID):
        return [try await importer.importOne(address: address, remoteID: remoteID, desired: desired)]
      }
    }
  }
}

/// `cutover generation status ENV`: every generation as the state, the journal and the cloud have it.
public struct StatusOperation: Sendable {
  public var session: OperationSession

  public init(session: OperationSession) {
    self.session = session
  }

  public func run() async throws -> GenerationStatusReport {
    let desired = try session.desired()
    let cloud = try session.cloud()
    return try await session.run(command: "generation status", lock: false) {
      let store = try session.store()
      return await GenerationStatus(
        desired: desired, recorded: try store.resources(), switches: try store.switches(),
        history: try store.history(), access: GenerationAccess(cloud: try await cloud.clients())
      ).report()
    }
  }
}

/// `cutover generation new ENV`: add a generation to `clusters/ENV.yaml`, a copy of another's settings, by inserting
/// lines (the file's comments and layout stay).
public struct NewGenerationOperation: Sendable {
  public var session: OperationSession
  /// The generation whose settings to copy; the live one when nil.
  public var from: String?
  /// The new generation's id; the next after the highest when nil.
  public var id: String?

  public init(session: OperationSession, from: String? = nil, id: String? = nil) {
    self.session = session
    self.from = from
    self.id = id
  }

  /// Works out the lines to insert, and writes them unless `write` is false (a dry run).
  public func run(write: Bool = true) throws -> GenerationEditor.Addition {
    try EnvironmentName.validate(session.environment)
    let path = session.desiredStateFile
    let original = try EnvironmentFileRewriter.read(environment: session.environment, path: path)
    let addition = try GenerationEditor.addGeneration(
      to: original, environment: session.environment, file: path, from: from, id: id)
    if write { try EnvironmentFileRewriter.replace(path: path, original: original, with: addition.text) }
    return addition
  }
}
