import Foundation
import OpenStack
import Synchronization
import Yams

/// One command's hold on an environment: its desired state, state store and cloud, each opened on first use, and the
/// run that holds the lock while an operation works on them. Every operation (`ApplyOperation`, `SwitchOperation`,
/// …) is built on one.
public final class OperationSession: Sendable {
  /// How the command reaches the cloud.
  public enum CloudChoice: Sendable {
    /// A `clouds.yaml` entry: this name, else `OS_CLOUD`, else the environment file's `cloud:`.
    case named(String?)
    /// The simulated cloud, started by the executable (`--simulate`).
    case simulated(SimulatorStarter)
  }

  public let environment: String
  public let paths: WorkspacePaths
  public let output: any OperationOutput
  private let cloudChoice: CloudChoice
  /// The options that point a `cutover` command line at the same files and cloud (`--state dir`, `--simulate`).
  private let rerunOptions: [String]
  private let variables: [String: String]
  private let makeStop: @Sendable () -> any RunStopping
  private let opened = Mutex(Opened())

  private struct Opened {
    var desired: DesiredState?
    var store: (any StateStore)?
    var digester: SensitiveDigester?
    var cloud: CloudAccess?
    /// The connection to an object store named by `OS_STORAGE_URL` and `OS_AUTH_TOKEN`.
    var storage: CloudConnection?
    /// The scratch directory holding a snapshot planned against (`--from-snapshot`).
    var snapshotDirectory: String?
  }

  /// How often a long run publishes the state while it changes (`state.publish`), besides once at its end.
  public let publishInterval: Duration

  /// - Parameters:
  ///   - rerunOptions: the options a printed `cutover` command line needs to reach the same files and cloud.
  ///   - variables: the process environment, where the digest key, `OS_CLOUD` and the clouds.yaml search path are
  ///     read.
  ///   - makeStop: what stops a run from outside (the signals); nothing but a lost lock by default.
  public init(
    environment: String, paths: WorkspacePaths, cloud: CloudChoice, output: any OperationOutput,
    rerunOptions: [String] = [], variables: [String: String] = ProcessInfo.processInfo.environment,
    makeStop: @escaping @Sendable () -> any RunStopping = { UnstoppableRun() }, publishInterval: Duration = .seconds(30)
  ) {
    self.publishInterval = publishInterval
    self.environment = environment
    self.paths = paths
    self.cloudChoice = cloud
    self.output = output
    self.rerunOptions = rerunOptions
    self.variables = variables
    self.makeStop = makeStop
  }

  /// Whether the cloud is the simulated one.
  public var simulated: Bool {
    if case .simulated = cloudChoice { return true }
    return false
  }

  /// `clusters/<env>.yaml`.
  public var desiredStateFile: String { paths.desiredStateFile(environment) }

  /// The desired state, read once.
  public func desired() throws -> DesiredState {
    if let desired = opened.withLock({ $0.desired }) { return desired }
    try EnvironmentName.validate(environment)
    let desired = try EnvironmentFile.load(
      environment: environment, path: desiredStateFile, sourceDirectory: paths.sourceDirectory)
    opened.withLock { $0.desired = desired }
    return desired
  }

  /// The desired state an edited text of the environment file gives.
  public func desired(parsing text: String) throws -> DesiredState {
    try EnvironmentFile.parse(
      text, environment: environment, file: desiredStateFile, sourceDirectory: paths.sourceDirectory)
  }

  /// The state store, opened (and created) once: `state/<env>.sqlite`, or with `state: {backend: postgresql}` the
  /// shared database; plain digests an older Cutover recorded are upgraded to keyed ones.
  public func store() throws -> any StateStore {
    if let store = opened.withLock({ $0.store }) { return store }
    try EnvironmentName.validate(environment)
    let store: any StateStore
    switch try backend() {
    case .local:
      store = try SQLiteStateStore(path: paths.stateFile(environment), environment: environment)
    case .postgresql:
      store = try PostgreSQLStateStore(settings: try postgresSettings(), environment: environment)
    }
    let digester = try digester()
    try store.upgradeLegacyDigests { ResourceCatalog.standard.upgradingLegacyDigests($0, digester: digester) }
    opened.withLock { $0.store = store }
    return store
  }

  /// The state store when a state exists, without creating a local file: for commands that only read it.
  /// - Throws: `CutoverError.usage` naming the missing file, or the database that records nothing for the
  ///   environment.
  public func existingStore() throws -> any StateStore {
    try EnvironmentName.validate(environment)
    if opened.withLock({ $0.store }) == nil, try backend() == .local {
      let path = paths.stateFile(environment)
      guard SQLiteStateStore.exists(at: path) else {
        throw CutoverError.usage("\(path): no state yet for \(environment) (nothing applied)")
      }
    }
    let store = try store()
    if store.isShared, try store.version().serial == 0 {
      throw CutoverError.usage("\(store.location): no state yet for \(environment) (nothing applied)")
    }
    return store
  }

  /// Where the environment's state is kept (`state.backend`). A file that does not load as a whole still names it
  /// when its `state:` reads, so `state list` and `state unlock` reach the right store while the file is being fixed;
  /// one that names none (or cannot be read at all) means the local file, the default.
  public func backend() throws -> StateSettings.Backend {
    do {
      return try desired().state.backend
    } catch {
      guard let text = try? String(contentsOfFile: desiredStateFile, encoding: .utf8),
        case .mapping(let top)? = try? Yams.compose(yaml: text),
        case .mapping(let state)? = top["state"], let name = state["backend"]?.string
      else { return .local }
      guard let backend = StateSettings.Backend(rawValue: name) else { throw error }
      return backend
    }
  }

  /// Where the PostgreSQL state is: `CUTOVER_PG_URL`, else libpq's `PG*` variables.
  public func postgresSettings() throws -> PostgresSettings {
    try PostgresSettings.from(environment: variables)
  }

  /// The environment's keyed digests: the key `CUTOVER_DIGEST_KEY` gives, else `state/<env>/digest.key` (made on
  /// first use). Planning against a snapshot writes nothing: without `CUTOVER_DIGEST_KEY` its key lives only in this
  /// process (and the plan says which digests it cannot compare).
  public func digester() throws -> SensitiveDigester {
    if let digester = opened.withLock({ $0.digester }) { return digester }
    if opened.withLock({ $0.snapshotDirectory }) != nil,
      variables[SensitiveDigester.keyVariable].map({ $0.isEmpty }) ?? true
    {
      let digester = SensitiveDigester.ephemeral()
      opened.withLock { $0.digester = digester }
      return digester
    }
    let digester = try SensitiveDigester.load(environment: variables, directory: paths.localDirectory(environment))
    opened.withLock { $0.digester = digester }
    return digester
  }

  /// The commit of the desired state when the run was told it: `CUTOVER_COMMIT`, else GitHub Actions' `GITHUB_SHA`.
  public var commit: String? {
    ["CUTOVER_COMMIT", "GITHUB_SHA"].lazy.compactMap { self.variables[$0] }.first { !$0.isEmpty }
  }

  /// The environment's local files: `state/<env>`, and where its charts, values files and manifests resolve.
  public var local: LocalWorkspace {
    LocalWorkspace(directory: paths.localDirectory(environment), sourceDirectory: paths.sourceDirectory)
  }

  /// The cloud, resolved without touching the network (a missing `clouds.yaml` stops the command before any call)
  /// and connected on first use; the same for the whole session.
  /// - Parameter probesIngress: whether the command sends requests to the workers' ingress ports (`generation
  ///   verify`), so the simulator must serve them; the first call decides, as one command asks one way.
  public func cloud(probesIngress: Bool = false) throws -> CloudAccess {
    if let cloud = opened.withLock({ $0.cloud }) { return cloud }
    let desired = try desired()
    let access: CloudAccess
    switch cloudChoice {
    case .simulated(let start):
      access = CloudAccess(
        simulated: paths.simulatedCloudFile(environment), project: desired.project, local: local,
        ingressPort: probesIngress ? desired.webProxies?.port ?? 30001 : nil, start: start)
    case .named(let chosen):
      // As the openstack CLI: an explicit choice (--cloud, then OS_CLOUD) wins over the file's default.
      guard let name = chosen ?? variables["OS_CLOUD"].flatMap({ $0.isEmpty ? nil : $0 }) ?? desired.cloud else {
        throw CutoverError.cloud(
          "\(desiredStateFile) names no `cloud:` and neither --cloud nor OS_CLOUD is set; "
            + "name a clouds.yaml entry, or use --simulate")
      }
      do {
        let config = try CloudConfigLoader.load(
          cloud: name, environment: variables, currentDirectory: FileManager.default.currentDirectoryPath,
          homeDirectory: variables["HOME"] ?? NSHomeDirectory())
        access = CloudAccess(config: config, local: local)
      } catch {
        throw CutoverError.cloud(
          "cannot use cloud '\(name)': \((error as? LocalizedError)?.errorDescription ?? String(describing: error))")
      }
    }
    opened.withLock { $0.cloud = access }
    return access
  }

  /// What keeps this machine from running helm and kubectl, found without the cloud: the tools on `PATH`, or nothing
  /// for the simulated cloud, which plays them.
  @Sendable public func kubernetesToolProblems() async -> [String] {
    if simulated || (try? cloud())?.playsKubernetes == true { return [] }
    return await HelmKubectlDriver().toolProblems()
  }

  /// The steps before a plan, over the state and, unless `cloud` is nil (a plan made offline), the cloud.
  public func preparation(cloud: CloudAccess?) throws -> PlanPreparation {
    var open: (@Sendable () async throws -> CloudClients)?
    if let cloud { open = { try await cloud.clients() } }
    return PlanPreparation(
      store: try store(), cloud: open, kubernetesTools: { [self] in await kubernetesToolProblems() },
      digester: try digester())
  }

  /// A `cutover` command line with `words`, and the options that point it at the same files and cloud as this run.
  public func commandLine(_ words: [String]) -> String {
    (["cutover"] + words + rerunOptions).map(Self.shellQuoted).joined(separator: " ")
  }

  /// A word as a shell reads it back: as it is when plain, else in single quotes.
  public static func shellQuoted(_ word: String) -> String {
    let plain = word.unicodeScalars.allSatisfy {
      CharacterSet.alphanumerics.contains($0) || "_./=:@%+-".unicodeScalars.contains($0)
    }
    return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
  }

  /// Runs `body` with the state open, the lock held (unless `lock` is false) and the cloud available, then closes
  /// the cloud and gives the lock back, last, however the body ends.
  ///
  /// A signal or the lock lost to another run (see ``RunStopping``) cancels the body's task: it launches nothing new,
  /// stops its children and records what it did, and the run throws saying why. Private values folders that dead
  /// runs left behind are swept while it runs, and the sweep is over before it returns.
  public func run<T: Sendable>(
    command: String, lock: Bool = true, _ body: @escaping @Sendable () async throws -> T
  ) async throws -> T {
    // A run without the lock may have no state at all (`state pull` on a new machine): it is opened only when used.
    let store = lock ? try store() : nil
    let stop = makeStop()
    defer { stop.finish() }
    // Beside the command's own work, not before it: listing a busy temporary directory took a millisecond.
    let sweep = Task.detached { _ = HelmClient.removeStaleHiddenValues() }
    let holder: LockHolder?
    do {
      holder = try store.map { try LockHolder(store: $0, command: command, onLost: { _ in stop.lockLost() }) }
    } catch {
      await sweep.value
      throw error
    }
    if let store, let lease = holder?.lease { stop.onQuit { try? store.releaseLock(lease) } }
    let publishes = lock && (try? desired().state.publish) != nil
    let periodic = publishes ? Task { await publishPeriodically(command: command) } : nil
    let work = Task { try await body() }
    stop.onStop { work.cancel() }
    let result = await work.result
    await sweep.value
    stop.yieldToQuit()
    periodic?.cancel()
    await periodic?.value
    // The state as this run leaves it, published while the lock still keeps others from changing it.
    if publishes, await holder?.loss == nil { await publishIfBehind(command: command) }
    await closeConnections()
    await holder?.release()
    if let loss = await holder?.loss { throw CutoverError.lockLost(loss) }
    if let signal = stop.stoppingSignal, case .failure(let error) = result {
      var message = "stopped by \(signal)"
      if case .applyFailed = error as? CutoverError, let text = (error as? CutoverError)?.errorDescription {
        message += ": \(text)"
      } else {
        message += "; the state records what was done, and the next run picks up from there"
      }
      throw CutoverError.interrupted(message)
    }
    return try result.get()
  }

  private func closeConnections() async {
    await opened.withLock { $0.cloud }?.close()
    if let storage = opened.withLock({ opened in
      defer { opened.storage = nil }; return opened.storage
    }) {
      await storage.close()
    }
    if let directory = opened.withLock({ $0.snapshotDirectory }) {
      try? FileManager.default.removeItem(atPath: directory)
    }
  }

  // MARK: - Snapshots

  /// The publisher of this environment's snapshots to the container `state.publish` names; nil when it names none.
  ///
  /// The container is reached through the catalog's `object-store` endpoint with the cloud's credentials, or, when
  /// `OS_STORAGE_URL` and `OS_AUTH_TOKEN` are both set (python-swiftclient's names), at that URL with that token.
  public func publisher() async throws -> StatePublisher? {
    guard let publish = try desired().state.publish else { return nil }
    let client: ObjectStoreClient
    if let url = variables["OS_STORAGE_URL"].flatMap({ $0.isEmpty ? nil : $0 }),
      let token = variables["OS_AUTH_TOKEN"].flatMap({ $0.isEmpty ? nil : $0 })
    {
      let connection =
        try opened.withLock { $0.storage }
        ?? CloudConnection(
          config: .storage(
            url: url, token: token, cacertPath: variables["OS_CACERT"],
            insecure: ["1", "true", "yes"].contains(variables["OS_INSECURE"]?.lowercased() ?? "")))
      opened.withLock { $0.storage = connection }
      client = ObjectStoreClient(session: connection.session)
    } else {
      guard let objectStore = try await cloud().clients().objectStore else {
        throw CutoverError.cloud("the cloud offers no object store to publish the state to")
      }
      client = objectStore
    }
    return StatePublisher(
      container: SwiftSnapshotContainer(name: publish.container, client: client), environment: environment)
  }

  /// Publishes the state now, whether or not the published copy is behind; records the outcome in the history.
  /// - Throws: when `state.publish` names no container, or the publish failed (after recording it).
  /// - Parameter replacingOtherLineage: publishes over the snapshots of another state (`state publish --force`).
  public func publishNow(command: String, replacingOtherLineage: Bool = false) async throws -> SnapshotIndex {
    guard let publisher = try await publisher() else {
      throw CutoverError.usage(
        "\(desiredStateFile) names no container to publish to; add `state: {publish: {container: NAME}}`")
    }
    return try await publish(with: publisher, command: command, replacingOtherLineage: replacingOtherLineage)
  }

  /// Publishes the state when the published copy is behind it (this run changed it, or the last publish failed):
  /// a failure is a warning (container, status, request id) and a line in the history, never the command's failure.
  func publishIfBehind(command: String) async {
    do {
      let store = try store()
      let last = try store.publications().last
      let serial = try store.version().serial
      // A state that never recorded anything (a clone's first plan) has nothing to share.
      if serial == 0 { return }
      if let last, last.published, last.serial == serial { return }
      guard let publisher = try await publisher() else { return }
      _ = try await publish(with: publisher, command: command)
    } catch {
      output.warning(
        "\(Self.describe(error)); the command's result stands, and the next command "
          + "publishes again")
    }
  }

  /// Publishes the state when `state.publish` names a container, whatever the published copy holds (after a command
  /// that changed the state outside a run, such as `state unlock`); a failure only warns, as after a run.
  public func publishIfConfigured(command: String) async {
    guard (try? desired().state.publish) != nil else { return }
    do {
      _ = try await publishNow(command: command)
    } catch {
      output.warning(
        "\(Self.describe(error)); the command's result stands, and the next command "
          + "publishes again")
    }
    await closeConnections()
  }

  private func publishPeriodically(command: String) async {
    while !Task.isCancelled {
      do { try await Task.sleep(for: publishInterval) } catch { return }
      await publishIfBehind(command: command)
    }
  }

  private func publish(
    with publisher: StatePublisher, command: String, replacingOtherLineage: Bool = false
  ) async throws -> SnapshotIndex {
    let store = try store()
    let identity = ProcessIdentity.current
    let snapshot = try store.snapshot()
    func record(_ published: Bool, object: String?, detail: String) {
      try? store.recordPublication(
        StatePublication(
          at: Date(), user: identity.user, host: identity.host, command: command, serial: snapshot.version.serial,
          container: publisher.container.name, object: object, published: published, detail: detail))
    }
    do {
      let index = try await publisher.publish(
        snapshot, command: command, identity: identity, replacingOtherLineage: replacingOtherLineage)
      record(true, object: index.snapshot, detail: "published serial \(index.serial) as \(index.snapshot)")
      return index
    } catch {
      let detail = "container '\(publisher.container.name)': \(Self.describe(error))"
      record(false, object: nil, detail: detail)
      throw CutoverError.cloud("could not publish the state to \(detail)")
    }
  }

  /// Plans from here on read the latest published snapshot instead of the local state file: fetched into a private
  /// scratch directory, never written back, never locked. Returns the snapshot's index.
  public func useLatestSnapshot() async throws -> SnapshotIndex {
    guard let publisher = try await publisher() else {
      throw CutoverError.usage(
        "--from-snapshot: \(desiredStateFile) names no container (`state: {publish: {container: NAME}}`)")
    }
    guard let (index, data) = try await publisher.latest() else {
      throw CutoverError.state(
        "container '\(publisher.container.name)' holds no snapshot of \(environment) yet (\(publisher.indexObject) "
          + "is missing): publish one with `cutover state publish \(environment)` where the state is")
    }
    let directory = try PrivateDirectory.make(prefix: "cutover-\(environment)")
    let path = directory + "/\(environment).sqlite"
    try SQLiteStateStore.restore(data, to: path)
    opened.withLock { $0.snapshotDirectory = directory }
    let store = try SQLiteStateStore(path: path, environment: environment)
    opened.withLock { $0.store = store }
    return index
  }

  static func describe(_ error: any Error) -> String {
    (error as? LocalizedError)?.errorDescription ?? String(describing: error)
  }
}
