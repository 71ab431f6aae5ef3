import GRDB
import Hummingbird
import Logging
import NIOCore

/// A simulated OpenStack cloud (Keystone v3, Magnum v1, Neutron v2.0, Nova server groups, Swift's object store and
/// the Cloud VPS web-proxy API) served over HTTP on a loopback address, persisting its state in SQLite so consecutive processes
/// see the same cloud. It also plays the clusters' Kubernetes side (`/kubernetes/v1/…`), opens each built
/// cluster's worker ingress ports on their 127.0.0.0/8 addresses, and optionally serves the web-proxy data plane
/// (docs/simulator-kubernetes.md).
///
/// ```swift
/// let cloud = try await CloudSimulator.start(configuration: .init(buildSeconds: 0))
/// // point an OpenStack client at cloud.authURL with application credential "cutover-simulator"
/// await cloud.shutdown()
/// ```
public final class CloudSimulator: Sendable {
  /// The settings the cloud runs with.
  public let configuration: SimulatorConfiguration
  private let endpoint: ServerEndpoint
  private let store: CloudStore
  private let server: Task<Void, any Error>
  private let ingress: IngressListeners?
  private let dataPlane: DataPlaneFront?
  /// The requests answered so far, by method and route.
  public let requests: RequestCounts

  private init(
    configuration: SimulatorConfiguration, endpoint: ServerEndpoint, store: CloudStore,
    server: Task<Void, any Error>, ingress: IngressListeners?, dataPlane: DataPlaneFront?, requests: RequestCounts
  ) {
    self.requests = requests
    self.configuration = configuration
    self.endpoint = endpoint
    self.store = store
    self.server = server
    self.ingress = ingress
    self.dataPlane = dataPlane
  }

  /// The TCP port the server listens on.
  public var port: Int { endpoint.port }

  /// Keystone's URL, e.g. `http://127.0.0.1:PORT/identity/v3`.
  public var authURL: String { endpoint.baseURL + "/identity/v3" }

  /// The simulated clusters' Kubernetes API, e.g. `http://127.0.0.1:PORT/kubernetes/v1` (not in the Keystone
  /// catalog; see docs/simulator-kubernetes.md).
  public var kubernetesURL: String { endpoint.baseURL + "/kubernetes/v1" }

  /// Where the request counts are read (`GET`) and reset (`DELETE`): see ``RequestCounts``.
  public var requestCountsURL: String { endpoint.baseURL + RequestCounts.endpointPath }

  /// The port of the web-proxy data plane, when one is served (`SimulatorConfiguration.dataPlanePort`).
  public var dataPlanePort: Int? { dataPlane?.port }

  /// The data plane's URL, e.g. `http://127.0.0.1:PORT`; send requests there with the `Host` of a proxied domain.
  public var dataPlaneURL: String? {
    dataPlane.map { ServerEndpoint.url(host: endpoint.host, port: $0.port) }
  }

  /// Reads the simulated cloud's database directly (tests).
  func withDatabase<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
    try await store.database.read(body)
  }

  /// The addresses whose ingress port is open right now.
  var ingressAddresses: Set<String> {
    get async { await ingress?.addresses ?? [] }
  }

  // MARK: - Lifecycle

  /// Starts the HTTP server on `host` (loopback only: anything outside 127.0.0.0/8 and ::1 is refused;
  /// `localhost` means 127.0.0.1) and `port` (0 picks a free one); returns once it accepts connections, the
  /// ingress ports of the clusters built by then are open, and the data plane (if configured) listens.
  /// - Throws: `CloudSimulatorError` when the server or the data plane cannot listen.
  public static func start(
    configuration: SimulatorConfiguration, host: String = "127.0.0.1", port: Int = 0
  ) async throws -> CloudSimulator {
    guard let bindHost = LoopbackHost.bindAddress(for: host) else { throw CloudSimulatorError.hostNotLoopback(host) }
    let endpoint = ServerEndpoint(host: bindHost)
    let store = try CloudStore(configuration: configuration, endpoint: endpoint)
    let router = Router(context: SimulatorRequestContext.self)
    let requests = RequestCounts()
    router.add(middleware: ServiceGateway(store: store, requests: requests))
    IdentityRoutes(store: store).register(on: router)
    MagnumVersionRoutes(store: store).register(on: router)
    ClusterTemplateRoutes(store: store).register(on: router)
    ClusterRoutes(store: store).register(on: router)
    CertificateRoutes(store: store).register(on: router)
    WebProxyRoutes(store: store).register(on: router)
    NetworkRoutes(store: store).register(on: router)
    NeutronExtensionRoutes(store: store).register(on: router)
    PortRoutes(store: store).register(on: router)
    FloatingIPRoutes(store: store).register(on: router)
    SecurityGroupRoutes(store: store).register(on: router)
    ServerGroupRoutes(store: store).register(on: router)
    KubernetesRoutes(store: store).register(on: router)
    ObjectStoreRoutes(store: store).register(on: router)
    let logger = makeLogger(level: configuration.logLevel)

    let (boundPorts, portSink) = AsyncStream.makeStream(of: Int.self)
    let application = Application(
      router: router,
      configuration: ApplicationConfiguration(address: .hostname(bindHost, port: port), serverName: nil),
      onServerRunning: { channel in
        let boundPort = channel.localAddress?.port ?? port
        endpoint.bind(port: boundPort)
        portSink.yield(boundPort)
        portSink.finish()
      },
      logger: logger
    )
    let server = Task {
      defer { portSink.finish() }
      try await application.run()
    }
    for await _ in boundPorts {
      let dataPlane: DataPlaneFront?
      do {
        dataPlane = try await configuration.dataPlanePort.asyncMap { port in
          try await DataPlaneFront.start(host: bindHost, port: port, database: store.database, logger: logger)
        }
      } catch {
        server.cancel()
        _ = try? await server.value
        store.close()
        throw CloudSimulatorError.serverFailedToStart("the web-proxy data plane: \(error)")
      }
      let ingress = configuration.ingressPort.map { port in
        IngressListeners(database: store.database, port: port, logger: logger, now: configuration.now)
      }
      await ingress?.start()
      return CloudSimulator(
        configuration: configuration, endpoint: endpoint, store: store, server: server, ingress: ingress,
        dataPlane: dataPlane, requests: requests)
    }
    // The server failed, or this task was cancelled while waiting: stop the server rather than await it forever.
    server.cancel()
    defer { store.close() }
    do {
      try await server.value
    } catch {
      throw CloudSimulatorError.serverFailedToStart(String(describing: error))
    }
    throw CloudSimulatorError.serverFailedToStart("the server stopped before accepting connections")
  }

  /// Stops the ingress listeners, the data plane and the server (in-flight requests are cancelled) and closes the
  /// database. Calling it twice is harmless.
  public func shutdown() async {
    await ingress?.stop()
    await dataPlane?.stop()
    server.cancel()
    _ = try? await server.value
    store.close()
  }

  // MARK: - Logging

  /// Silent unless a level is configured; then to standard error, never standard output (the CLI owns it).
  private static func makeLogger(level: Logger.Level?) -> Logger {
    guard let level else {
      return Logger(label: "cutover.simulator", factory: { _ in SwiftLogNoOpLogHandler() })
    }
    var logger = Logger(label: "cutover.simulator", factory: { StreamLogHandler.standardError(label: $0) })
    logger.logLevel = level
    return logger
  }
}

// MARK: - Optional

extension Optional {
  /// `map` with an asynchronous transform.
  fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
    guard let self else { return nil }
    return try await transform(self)
  }
}
