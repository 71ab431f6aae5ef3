import OpenStack

/// What one refresh lists of the cloud, each list fetched once however many objects it answers for: Magnum's
/// clusters and cluster templates in detail (`GET /clusters/detail`, `GET /clustertemplates/detail`, pages followed)
/// and the web proxy's routes. A refresh reads recorded objects from these lists instead of one GET each, so it takes
/// a request per type (and, for releases, per cluster), not per object. Outside a refresh there is none, and each read
/// asks the cloud for its object.
public actor CloudListings {
  private let cloud: CloudClients
  private var clusters: Task<[String: Cluster], any Error>?
  private var templates: Task<[String: ClusterTemplate], any Error>?
  private var routes: Task<[String: ProxyRoute], any Error>?
  private var releases: [String: Task<[DeployedRelease]?, any Error>] = [:]
  private var manifests: [String: Task<[AppliedManifest]?, any Error>] = [:]

  public init(cloud: CloudClients) {
    self.cloud = cloud
  }

  /// Every cluster, by uuid, in detail.
  public func clusters() async throws -> [String: Cluster] {
    if clusters == nil {
      let magnum = cloud.magnum
      clusters = Task {
        Dictionary(try await magnum.clustersInDetail().map { ($0.uuid, $0) }, uniquingKeysWith: { first, _ in first })
      }
    }
    return try await clusters!.value
  }

  /// Every cluster template, by uuid, in detail.
  public func templates() async throws -> [String: ClusterTemplate] {
    if templates == nil {
      let magnum = cloud.magnum
      templates = Task {
        Dictionary(
          try await magnum.clusterTemplatesInDetail().map { ($0.uuid, $0) }, uniquingKeysWith: { first, _ in first })
      }
    }
    return try await templates!.value
  }

  /// Every web-proxy route, by domain.
  public func routes() async throws -> [String: ProxyRoute] {
    if routes == nil {
      let webProxy = cloud.webProxy
      routes = Task {
        Dictionary(try await webProxy.routes().map { ($0.domain, $0) }, uniquingKeysWith: { first, _ in first })
      }
    }
    return try await routes!.value
  }

  /// Every Helm release on `cluster`, in one call per cluster; nil when the driver cannot list them with what a plan
  /// compares (then each release is read alone).
  public func releases(on cluster: KubernetesCluster) async throws -> [DeployedRelease]? {
    if releases[cluster.clusterID] == nil {
      let kubernetes = cloud.kubernetes
      releases[cluster.clusterID] = Task { try await kubernetes.releases(on: cluster) }
    }
    return try await releases[cluster.clusterID]!.value
  }

  /// Every manifest applied to `cluster`, in one call per cluster; nil when the driver cannot list them.
  public func manifests(on cluster: KubernetesCluster) async throws -> [AppliedManifest]? {
    if manifests[cluster.clusterID] == nil {
      let kubernetes = cloud.kubernetes
      manifests[cluster.clusterID] = Task { try await kubernetes.manifests(on: cluster) }
    }
    return try await manifests[cluster.clusterID]!.value
  }
}
