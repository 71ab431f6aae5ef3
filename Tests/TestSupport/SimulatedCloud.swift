import CloudSimulator
import CutoverKit
import Foundation
import OpenStack

/// What a simulated cloud holds at one moment, read over HTTP through the OpenStack clients.
public struct CloudSnapshot: Sendable {
  public var templates: [ClusterTemplate]
  /// Every cluster, in full detail (node addresses, node count, status).
  public var clusters: [Cluster]
  public var routes: [ProxyRoute]

  /// The clusters with this name (more than one would be a duplicate).
  public func clusters(named name: String) -> [Cluster] {
    clusters.filter { $0.name == name }
  }

  /// The templates with this name.
  public func templates(named name: String) -> [ClusterTemplate] {
    templates.filter { $0.name == name }
  }

  /// The web-proxy route of a domain.
  public func route(_ domain: String) -> ProxyRoute? {
    routes.first { $0.domain == domain }
  }
}

/// Opens the simulated cloud that `cutover --simulate` keeps in a workspace, the way `cutover` itself does: a
/// simulator started in this process on the same database file, reached over loopback HTTP.
public enum SimulatedCloud {
  /// Runs `body` with clients of the simulated cloud persisted at `databasePath`, then shuts it down.
  public static func withClients<Result: Sendable>(
    databasePath: String, project: String = "paws", _ body: (CloudClients) async throws -> Result
  ) async throws -> Result {
    try await withSimulator(SimulatorConfiguration(databasePath: databasePath, buildSeconds: 0, project: project)) {
      _, connection in try await body(connection.clients)
    }
  }

  /// Starts a simulator with `configuration`, opens a connection to it as `cutover --simulate` does (its Kubernetes
  /// driver the simulator's own API), runs `body`, and closes both however it ends.
  public static func withSimulator<Result: Sendable>(
    _ configuration: SimulatorConfiguration, _ body: (CloudSimulator, CloudConnection) async throws -> Result
  ) async throws -> Result {
    let simulator = try await CloudSimulator.start(configuration: configuration)
    let url = simulator.kubernetesURL
    let connection: CloudConnection
    do {
      connection = try CloudConnection(
        config: CloudConfig(
          name: "simulator", authURL: simulator.authURL,
          auth: .applicationCredential(
            id: configuration.applicationCredentialID, name: nil, secret: configuration.applicationCredentialSecret,
            userName: nil, userID: nil, userDomainName: nil)),
        kubernetes: { SimulatedKubernetesDriver(session: $0, baseURL: url) })
    } catch {
      await simulator.shutdown()
      throw error
    }
    do {
      let result = try await body(simulator, connection)
      await connection.close()
      await simulator.shutdown()
      return result
    } catch {
      await connection.close()
      await simulator.shutdown()
      throw error
    }
  }

  /// Every template, cluster (in detail) and web-proxy route of the simulated cloud at `databasePath`.
  public static func snapshot(databasePath: String, project: String = "paws") async throws -> CloudSnapshot {
    try await withClients(databasePath: databasePath, project: project) { clients in
      let templates = try await clients.magnum.clusterTemplates()
      var clusters: [Cluster] = []
      for summary in try await clients.magnum.clusters() {
        if let detail = try await clients.magnum.cluster(id: summary.uuid) { clusters.append(detail) }
      }
      let routes = try await clients.webProxy.routes()
      return CloudSnapshot(templates: templates, clusters: clusters, routes: routes)
    }
  }
}

extension Workspace {
  /// The simulated cloud of an environment of this workspace, as it stands now.
  public func cloudSnapshot(environment: String = "eqiad1", project: String = "paws") async throws -> CloudSnapshot {
    try await SimulatedCloud.snapshot(databasePath: simulatedCloudFile(environment), project: project)
  }

  /// The recorded state of an environment of this workspace; nil while `cutover` has not created it yet (opening
  /// it here would create it).
  public func stateStore(environment: String = "eqiad1") throws -> SQLiteStateStore? {
    guard SQLiteStateStore.exists(at: stateFile(environment)) else { return nil }
    return try SQLiteStateStore(path: stateFile(environment), environment: environment)
  }
}
