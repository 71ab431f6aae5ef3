import OpenStack

/// A simulated cloud a command runs against (`--simulate`): the executable starts it and hands it over, so the engine
/// never depends on the simulator.
public struct RunningSimulator: Sendable {
  /// How to reach its Keystone, as a `clouds.yaml` entry would say.
  public var config: CloudConfig
  /// Where its Kubernetes API answers, for the driver that plays helm and kubectl.
  public var kubernetesURL: String
  /// Stops it.
  public var shutdown: @Sendable () async -> Void

  public init(config: CloudConfig, kubernetesURL: String, shutdown: @escaping @Sendable () async -> Void) {
    self.config = config
    self.kubernetesURL = kubernetesURL
    self.shutdown = shutdown
  }
}

/// Starts the simulated cloud kept in `databasePath` for `project`; `ingressPort` is where its workers answer, for a
/// command that probes them (nil serves none).
public typealias SimulatorStarter =
  @Sendable (_ databasePath: String, _ project: String, _ ingressPort: Int?) async throws -> RunningSimulator

/// The cloud of one command, opened on first use: a real cloud from `clouds.yaml`, or a simulated one started on a
/// loopback port and reached over HTTP exactly like a real cloud.
public actor CloudAccess {
  private enum Source {
    case real(CloudConfig)
    case simulated(start: SimulatorStarter, databasePath: String, project: String, ingressPort: Int?)
  }

  private nonisolated let source: Source
  private let local: LocalWorkspace
  private var connection: CloudConnection?
  private var stopSimulator: (@Sendable () async -> Void)?

  public init(config: CloudConfig, local: LocalWorkspace) {
    source = .real(config)
    self.local = local
  }

  public init(
    simulated databasePath: String, project: String, local: LocalWorkspace, ingressPort: Int? = nil,
    start: @escaping SimulatorStarter
  ) {
    source = .simulated(start: start, databasePath: databasePath, project: project, ingressPort: ingressPort)
    self.local = local
  }

  /// How long-running cloud work is polled: quickly for the simulator, politely for a real cloud.
  public var polling: PollingPolicy {
    playsKubernetes ? .simulated : PollingPolicy()
  }

  /// Whether the cloud is a simulator that plays helm and kubectl itself, so neither need be installed.
  public nonisolated var playsKubernetes: Bool {
    switch source {
    case .simulated: true
    case .real(let config): config.simulatedKubernetesURL != nil
    }
  }

  public func clients() async throws -> CloudClients {
    if let connection { return connection.clients }
    let config: CloudConfig
    var kubernetes: (@Sendable (OpenStackSession) -> any KubernetesDriver)?
    switch source {
    case .real(let real):
      config = real
      if let url = real.simulatedKubernetesURL {
        kubernetes = { SimulatedKubernetesDriver(session: $0, baseURL: url) }
      }
    case .simulated(let start, let databasePath, let project, let ingressPort):
      let simulator = try await start(databasePath, project, ingressPort)
      stopSimulator = simulator.shutdown
      config = simulator.config
      let url = simulator.kubernetesURL
      kubernetes = { SimulatedKubernetesDriver(session: $0, baseURL: url) }
    }
    let connection = try CloudConnection(config: config, local: local, kubernetes: kubernetes)
    self.connection = connection
    return connection.clients
  }

  public func close() async {
    await connection?.close()
    connection = nil
    await stopSimulator?()
    stopSimulator = nil
  }
}
