import Foundation

/// `cutover state publish ENV`: publish a snapshot of the state now, to the container `state.publish` names.
public struct StatePublishOperation: Sendable {
  public var session: OperationSession
  /// Publish over the snapshots of another state (another lineage).
  public var force: Bool

  public init(session: OperationSession, force: Bool = false) {
    self.session = session
    self.force = force
  }

  /// Publishes without the lock (an apply may be running: its own publishes go on), never moving the published
  /// copy back to an older serial of the same state.
  public func run() async throws -> SnapshotIndex {
    _ = try session.existingStore()
    return try await session.run(command: "state publish \(session.environment)", lock: false) {
      try await session.publishNow(command: "state publish \(session.environment)", replacingOtherLineage: force)
    }
  }
}

/// `cutover state pull ENV [--force]`: replace the local state with the latest published snapshot (a bastion lost,
/// a new machine).
public struct StatePullOperation: Sendable {
  public var session: OperationSession
  /// Replace a local state of another lineage, or of a higher serial.
  public var force: Bool

  public init(session: OperationSession, force: Bool = false) {
    self.session = session
    self.force = force
  }

  /// What a pull did.
  public struct Outcome: Sendable {
    public var index: SnapshotIndex
    /// The local state replaced; nil when there was none.
    public var replaced: StateVersion?
    /// Whether the local state already was the snapshot's (nothing written).
    public var upToDate: Bool
    /// The recorded kubeconfigs whose files this machine lacks (they hold credentials, which no snapshot carries).
    public var missingKubeconfigs: [ResourceAddress] = []
  }

  public func run() async throws -> Outcome {
    let environment = session.environment
    try EnvironmentName.validate(environment)
    let path = session.paths.stateFile(environment)
    if try session.backend() == .postgresql {
      throw CutoverError.usage(
        "\(session.desiredStateFile) keeps \(environment)'s state in PostgreSQL, which a lost machine does not take "
          + "with it; `state pull` restores only a local state file")
    }
    return try await session.run(command: "state pull \(environment)", lock: false) {
      guard let publisher = try await session.publisher() else {
        throw CutoverError.usage(
          "\(session.desiredStateFile) names no container to pull from; add `state: {publish: {container: NAME}}`")
      }
      guard let (index, data) = try await publisher.latest() else {
        throw CutoverError.state(
          "container '\(publisher.container.name)' holds no snapshot of \(environment) (\(publisher.indexObject) is "
            + "missing)")
      }
      let pulled = try SQLiteStateStore.summary(ofSnapshot: data, named: index.snapshot)
      guard pulled.environment == environment, pulled.version.lineage == index.lineage,
        pulled.version.serial == index.serial
      else {
        throw CutoverError.state(
          "\(index.snapshot) holds \(pulled.environment) lineage \(pulled.version.lineage) serial "
            + "\(pulled.version.serial), not what \(publisher.indexObject) says; nothing was changed")
      }
      guard SQLiteStateStore.exists(at: path) else {
        try SQLiteStateStore.restore(data, to: path)
        return try settle(Outcome(index: index, replaced: nil, upToDate: false), container: publisher.container.name)
      }
      let local = try SQLiteStateStore(path: path, environment: environment)
      let version = try local.version()
      if version == pulled.version {
        return try settle(Outcome(index: index, replaced: version, upToDate: true), container: nil)
      }
      // A state that never recorded anything (a first plan here) loses nothing when replaced.
      let empty = try version.serial == 0 && local.resources().isEmpty
      if !force, !empty {
        if version.lineage != pulled.version.lineage {
          throw CutoverError.refused(
            "\(path) holds another state (lineage \(version.lineage), serial \(version.serial)) than the snapshot "
              + "(lineage \(pulled.version.lineage)); nothing was changed: --force replaces it, history and all")
        }
        if version.serial > pulled.version.serial {
          throw CutoverError.refused(
            "\(path) is ahead of the snapshot (serial \(version.serial) > \(pulled.version.serial)): it holds changes "
              + "never published; nothing was changed: publish them with `cutover state publish \(environment)`, or "
              + "--force replaces them")
        }
      }
      // Held until the file is replaced: the snapshot holds no lease, so the lock goes with the old file.
      _ = try local.acquireLock(command: "state pull \(environment)", identity: .current, ttl: try LockHolder.ttl())
      try local.closeForReplacement()
      try SQLiteStateStore.restore(data, to: path)
      return try settle(Outcome(index: index, replaced: version, upToDate: false), container: publisher.container.name)
    }
  }

  /// Records that the pulled state is the published one (so the next run does not publish it again), and finds the
  /// kubeconfigs it records that this machine lacks.
  private func settle(_ outcome: Outcome, container: String?) throws -> Outcome {
    let store = try SQLiteStateStore(
      path: session.paths.stateFile(session.environment), environment: session.environment)
    if let container {
      let identity = ProcessIdentity.current
      try store.recordPublication(
        StatePublication(
          at: Date(), user: identity.user, host: identity.host, command: "state pull \(session.environment)",
          serial: outcome.index.serial, container: container, object: outcome.index.snapshot, published: true,
          detail: "pulled serial \(outcome.index.serial) from \(outcome.index.snapshot)"))
    }
    var outcome = outcome
    outcome.missingKubeconfigs = try store.resources().filter { resource in
      guard resource.address.type == KubeconfigResource.typeName, resource.deposedKey == nil,
        let id = resource.remoteID, let file = try? session.local.path(ofID: id)
      else { return false }
      return !FileManager.default.fileExists(atPath: file)
    }.map(\.address)
    return outcome
  }
}

/// `cutover state migrate ENV --to postgresql|local`: copies the whole state, history included, from the store it is
/// in to the other one, both locked meanwhile, then checks the copy's counts and serial.
public struct StateMigrateOperation: Sendable {
  public var session: OperationSession
  public var target: StateSettings.Backend

  public init(session: OperationSession, to target: StateSettings.Backend) {
    self.session = session
    self.target = target
  }

  /// What a migration did.
  public struct Outcome: Sendable {
    public var from: String
    public var to: String
    public var copied: StateDump
    /// Whether the target already held exactly this state (nothing was written).
    public var alreadyThere: Bool
  }

  public func run() throws -> Outcome {
    let environment = session.environment
    try EnvironmentName.validate(environment)
    let path = session.paths.stateFile(environment)
    let local: () throws -> SQLiteStateStore = { try SQLiteStateStore(path: path, environment: environment) }
    let shared: () throws -> PostgreSQLStateStore = {
      try PostgreSQLStateStore(settings: try session.postgresSettings(), environment: environment)
    }
    let source: any StateStore
    let destination: any StateStore
    switch target {
    case .postgresql:
      guard SQLiteStateStore.exists(at: path) else {
        throw CutoverError.usage("\(path): no local state of \(environment) to migrate")
      }
      source = try local()
      destination = try shared()
    case .local:
      source = try shared()
      guard try source.version().serial > 0 else {
        throw CutoverError.usage("\(source.location): no state of \(environment) to migrate")
      }
      destination = try local()
    }
    let command = "state migrate \(environment) --to \(target.rawValue)"
    let ttl = try LockHolder.ttl()
    let sourceLease = try source.acquireLock(command: command, identity: .current, ttl: ttl)
    defer { try? source.releaseLock(sourceLease) }
    let targetLease = try destination.acquireLock(command: command, identity: .current, ttl: ttl)
    defer { try? destination.releaseLock(targetLease) }

    let dump = try source.dump()
    let existing = try destination.dump()
    if !existing.isEmpty || existing.version.serial > 0 {
      if existing.version.lineage != dump.version.lineage {
        throw CutoverError.refused(
          "\(destination.location) holds another state of \(environment) (lineage \(existing.version.lineage), "
            + "serial \(existing.version.serial)) than \(source.location) (lineage \(dump.version.lineage)); "
            + "nothing was changed")
      }
      if existing == dump {
        return Outcome(from: source.location, to: destination.location, copied: dump, alreadyThere: true)
      }
      if existing.version.serial > dump.version.serial {
        throw CutoverError.refused(
          "\(destination.location) is ahead of \(source.location) (serial \(existing.version.serial) > "
            + "\(dump.version.serial)); nothing was changed")
      }
    }
    try destination.load(dump)
    let copied = try destination.dump()
    guard copied.version == dump.version, copied.counts.map(\.count) == dump.counts.map(\.count) else {
      throw CutoverError.state(
        "the copy in \(destination.location) does not match: serial \(copied.version.serial) with "
          + "\(copied.countsText), where \(source.location) has serial \(dump.version.serial) with "
          + "\(dump.countsText)")
    }
    return Outcome(from: source.location, to: destination.location, copied: copied, alreadyThere: false)
  }
}
