import Foundation
import GRDB
import Logging

/// Keeps one `LoopbackServer` on `address:ingressPort` for every worker node that serves (see
/// `IngressNode.serving`), following the clusters while the simulator runs: every 200 ms it reads which nodes
/// should answer and starts or stops listeners to match, so a cluster that completes gains listeners, a resize
/// adds or removes nodes, and a deleted cluster loses them — also when another process changed the database.
///
/// An address that cannot be bound (taken by another simulator on the same cloud, or not local) is logged and
/// retried every two seconds; it never stops the simulator.
actor IngressListeners {
  private let database: DatabaseQueue
  private let port: Int
  private let logger: Logger
  /// The cloud's clock, which decides which clusters are built.
  private let now: @Sendable () -> Date
  private var running: [String: (node: IngressNode, server: LoopbackServer)] = [:]
  /// When binding a node last failed, so a taken address is retried now and then rather than every tick.
  private var failures: [IngressNode: ContinuousClock.Instant] = [:]
  private var follower: Task<Void, Never>?
  private var isStopped = false

  static let interval = Duration.milliseconds(200)
  static let retryInterval = Duration.seconds(2)

  init(database: DatabaseQueue, port: Int, logger: Logger, now: @escaping @Sendable () -> Date) {
    self.database = database
    self.port = port
    self.logger = logger
    self.now = now
  }

  // MARK: - Lifecycle

  /// Binds the listeners of the nodes serving now (so a short-lived command's own probes find them), then
  /// keeps following the clusters until `stop`.
  func start() async {
    await reconcile()
    guard !isStopped, follower == nil else { return }
    follower = Task {
      while !Task.isCancelled {
        try? await Task.sleep(for: Self.interval)
        guard !Task.isCancelled else { break }
        await self.reconcile()
      }
    }
  }

  /// Stops following and closes every listener.
  func stop() async {
    isStopped = true
    follower?.cancel()
    await follower?.value
    follower = nil
    for (_, entry) in running {
      await entry.server.stop()
    }
    running = [:]
  }

  /// The addresses listened on now, for tests.
  var addresses: Set<String> {
    Set(running.keys)
  }

  // MARK: - Reconciling

  /// Starts and stops listeners so that exactly the serving nodes have one.
  func reconcile() async {
    guard !isStopped else { return }
    let serving: [IngressNode]
    do {
      let instant = now().timeIntervalSince1970
      serving = try await database.read { db in try IngressNode.serving(at: instant, in: db) }
    } catch {
      logger.debug("cannot read the clusters to follow their ingress ports: \(error)")
      return
    }
    let wanted = Dictionary(serving.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
    for (address, entry) in running where wanted[address] != entry.node {
      running[address] = nil
      await entry.server.stop()
      logger.info("stopped listening on \(address):\(port) (\(entry.node.nodeName))")
    }
    failures = failures.filter { wanted[$0.key.address] == $0.key }
    for node in serving where running[node.address] == nil && !isStopped {
      if let failedAt = failures[node], failedAt.duration(to: .now) < Self.retryInterval { continue }
      await listen(for: node)
    }
  }

  private func listen(for node: IngressNode) async {
    let database = database
    do {
      let server = try await LoopbackServer.start(host: node.address, port: port, logger: logger) { request, _ in
        try await node.respond(to: request, database: database)
      }
      running[node.address] = (node, server)
      failures[node] = nil
      logger.info("listening on \(node.address):\(port) for \(node.nodeName) of cluster \(node.clusterName)")
    } catch {
      let level: Logger.Level = failures[node] == nil ? .warning : .debug
      failures[node] = .now
      let reason =
        "the ingress port of \(node.nodeName) (cluster \(node.clusterName)) stays closed: \(error); retrying every "
        + "\(Self.retryInterval)"
      logger.log(level: level, "\(reason)")
    }
  }
}
