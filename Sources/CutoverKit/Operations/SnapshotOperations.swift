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
