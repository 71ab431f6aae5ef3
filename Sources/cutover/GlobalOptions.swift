import ArgumentParser
import CloudSimulator
import CutoverKit
import Foundation
import OpenStack

/// Options every environment command takes.
struct GlobalOptions: ParsableArguments {
  @Flag(help: "Use the embedded simulated cloud, kept in state/<env>.simulated-cloud.sqlite, instead of OpenStack.")
  var simulate = false

  @Option(help: "Directory holding <env>.yaml.")
  var clusters = "clusters"

  @Option(help: "Directory holding <env>.sqlite.")
  var state = "state"

  @Option(help: "The clouds.yaml entry to use, instead of OS_CLOUD or the environment file's `cloud:`.")
  var cloud: String?

  @Flag(name: .customLong("no-color"), help: "Plain output (also when NO_COLOR is set).")
  var noColor = false

  var paths: WorkspacePaths { WorkspacePaths(clustersDirectory: clusters, stateDirectory: state) }
  var color: Bool { Terminal.useColor(noColorFlag: noColor) }

  func loadDesired(_ environment: String) throws -> DesiredState {
    try EnvironmentName.validate(environment)
    return try EnvironmentFile.load(
      environment: environment, path: paths.desiredStateFile(environment), sourceDirectory: paths.sourceDirectory)
  }

  /// Opens the environment's state, upgrading (once) the plain digests an older Cutover recorded to keyed ones.
  func openStore(_ environment: String) throws -> SQLiteStateStore {
    let store = try SQLiteStateStore(path: paths.stateFile(environment), environment: environment)
    let digester = try digester(environment)
    try store.upgradeLegacyDigests { ResourceCatalog.standard.upgradingLegacyDigests($0, digester: digester) }
    return store
  }

  /// The environment's keyed digests: the key `CUTOVER_DIGEST_KEY` gives, else `state/<env>/digest.key` (made on
  /// first use).
  func digester(_ environment: String) throws -> SensitiveDigester {
    try SensitiveDigester.load(
      environment: ProcessInfo.processInfo.environment, directory: paths.localDirectory(environment))
  }

  /// The environment's local files: `state/<env>`, and where its charts, values files and manifests resolve.
  func localWorkspace(_ environment: String) -> LocalWorkspace {
    LocalWorkspace(directory: paths.localDirectory(environment), sourceDirectory: paths.sourceDirectory)
  }

  /// The steps before a plan, over the environment's state and cloud.
  func preparation(store: SQLiteStateStore, cloud: CloudAccess) throws -> PlanPreparation {
    PlanPreparation(
      store: store, cloud: { try await cloud.clients() }, kubernetesTools: kubernetesToolProblems,
      digester: try digester(store.environment))
  }

  /// What keeps this machine from running helm and kubectl, found without the cloud: the tools on `PATH`, or nothing
  /// under `--simulate`, whose cloud plays them.
  @Sendable func kubernetesToolProblems() async -> [String] {
    simulate ? [] : await HelmKubectlDriver().toolProblems()
  }

  /// Resolves the cloud without touching the network, so a missing `clouds.yaml` stops the run before any call.
  /// - Parameter probesIngress: whether the command sends requests to the workers' ingress ports (`generation
  ///   verify`), so the simulator must serve them.
  func cloudAccess(for desired: DesiredState, probesIngress: Bool = false) throws -> CloudAccess {
    if simulate {
      return CloudAccess(
        simulated: paths.simulatedCloudFile(desired.environment), project: desired.project,
        local: localWorkspace(desired.environment),
        ingressPort: probesIngress ? desired.webProxies?.port ?? 30001 : nil)
    }
    let environment = ProcessInfo.processInfo.environment
    // As the openstack CLI: an explicit choice (--cloud, then OS_CLOUD) wins over the file's default.
    guard let name = cloud ?? environment["OS_CLOUD"].flatMap({ $0.isEmpty ? nil : $0 }) ?? desired.cloud else {
      throw CutoverError.cloud(
        "\(paths.desiredStateFile(desired.environment)) names no `cloud:` and neither --cloud nor OS_CLOUD is set; "
          + "name a clouds.yaml entry, or use --simulate")
    }
    do {
      let config = try CloudConfigLoader.load(
        cloud: name, environment: environment, currentDirectory: FileManager.default.currentDirectoryPath,
        homeDirectory: environment["HOME"] ?? NSHomeDirectory())
      return CloudAccess(config: config, local: localWorkspace(desired.environment))
    } catch {
      throw CutoverError.cloud(
        "cannot use cloud '\(name)': \((error as? LocalizedError)?.errorDescription ?? String(describing: error))")
    }
  }
}

/// The cloud of one command, opened on first use: a real cloud from `clouds.yaml`, or the simulator started
/// in-process on a loopback port and reached over HTTP exactly like a real cloud.
actor CloudAccess {
  private enum Source {
    case real(CloudConfig)
    /// `ingressPort`: where the simulated workers answer, for a command that probes them; nil serves none.
    case simulated(databasePath: String, project: String, ingressPort: Int?)
  }

  private let source: Source
  private let local: LocalWorkspace
  private var connection: CloudConnection?
  private var simulator: CloudSimulator?

  init(config: CloudConfig, local: LocalWorkspace) {
    source = .real(config)
    self.local = local
  }

  init(simulated databasePath: String, project: String, local: LocalWorkspace, ingressPort: Int? = nil) {
    source = .simulated(databasePath: databasePath, project: project, ingressPort: ingressPort)
    self.local = local
  }

  /// How long-running cloud work is polled: quickly for the simulator, politely for a real cloud.
  var polling: PollingPolicy {
    if case .simulated = source { return .simulated }
    return PollingPolicy()
  }

  func clients() async throws -> CloudClients {
    if let connection { return connection.clients }
    let config: CloudConfig
    var kubernetes: (@Sendable (OpenStackSession) -> any KubernetesDriver)?
    switch source {
    case .real(let real):
      config = real
    case .simulated(let databasePath, let project, let ingressPort):
      let environment = ProcessInfo.processInfo.environment
      var settings = try SimulatorConfiguration.fromEnvironment(
        environment, databasePath: databasePath, project: project)
      // A command's simulator lives for one command and serves no traffic: no worker ingress listeners unless the
      // command probes them (or the variable asks for them).
      if environment[SimulatorConfiguration.EnvironmentKey.ingressPort] == nil { settings.ingressPort = ingressPort }
      let simulator = try await CloudSimulator.start(configuration: settings)
      self.simulator = simulator
      config = CloudConfig(
        name: "simulator", authURL: simulator.authURL,
        auth: .applicationCredential(
          id: settings.applicationCredentialID, name: nil, secret: settings.applicationCredentialSecret,
          userName: nil, userID: nil, userDomainName: nil))
      let url = simulator.kubernetesURL
      kubernetes = { SimulatedKubernetesDriver(session: $0, baseURL: url) }
    }
    let connection = try CloudConnection(config: config, local: local, kubernetes: kubernetes)
    self.connection = connection
    return connection.clients
  }

  func close() async {
    await connection?.close()
    connection = nil
    await simulator?.shutdown()
    simulator = nil
  }
}

/// Runs a command body with an environment's state open, the lock held (unless `lock` is false) and the cloud
/// available, then closes the cloud and gives the lock back, last, however the body ends.
///
/// SIGINT, SIGTERM and SIGHUP, and the lock lost to another run, stop the body the same way (see ``RunStop``): it is
/// cancelled, launches nothing new, stops its children and records what it did, and the command exits 1 saying why.
/// Private values folders that dead runs left behind are swept first.
func withEnvironment<T: Sendable>(
  store: SQLiteStateStore, cloud: CloudAccess?, command: String, lock: Bool = true,
  _ body: @escaping () async throws -> T
) async throws -> T {
  let stop = RunStop()
  defer { stop.uninstall() }
  HelmClient.removeStaleHiddenValues()
  let holder = lock ? try LockHolder(store: store, command: command, onLost: { _ in stop.lockLost() }) : nil
  if let lease = holder?.lease { stop.onQuit { try? store.releaseLock(lease) } }
  let run = CommandBody(body)
  let work = Task { try await run.body() }
  stop.onStop { work.cancel() }
  let result = await work.result
  stop.yieldToQuit()
  await cloud?.close()
  await holder?.release()
  if let loss = await holder?.loss { throw CutoverError.lockLost(loss) }
  if case .signal(let number) = stop.reason, case .failure(let error) = result {
    var message = "stopped by \(RunStop.name(of: number))"
    if case .applyFailed = error as? CutoverError, let text = (error as? CutoverError)?.errorDescription {
      message += ": \(text)"
    } else {
      message += "; the state records what was done, and the next run picks up from there"
    }
    throw CutoverError.interrupted(message)
  }
  return try result.get()
}

/// A command's body, run in a task of its own so a signal can cancel it. `@unchecked Sendable`: the body may capture
/// the command's non-`Sendable` options, but ``withEnvironment(store:cloud:command:lock:_:)`` waits for that task
/// before it returns, so they are never used from two tasks at once.
private struct CommandBody<T: Sendable>: @unchecked Sendable {
  let body: () async throws -> T

  init(_ body: @escaping () async throws -> T) {
    self.body = body
  }
}
