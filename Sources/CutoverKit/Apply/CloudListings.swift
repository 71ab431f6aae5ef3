import OpenStack

/// What one refresh lists of the cloud, each list fetched once however many objects it answers for: Magnum's
/// clusters and cluster templates in detail (`GET /clusters/detail`, `GET /clustertemplates/detail`, pages followed),
/// the web proxy's routes, and each cluster's releases and manifests where the driver lists them. A refresh reads
/// recorded objects from these lists instead of one GET each, so it takes a request per type (and per cluster), not
/// per object. Outside a refresh there is none, and each read asks the cloud for its object (see the
/// ``ActionContext`` reads below).
public actor CloudListings {
  private let cloud: CloudClients
  /// Each list's fetch, by what it lists (`clusters`, `releases <cluster>`), started once.
  private var fetches: [String: Task<any Sendable, any Error>] = [:]

  public init(cloud: CloudClients) {
    self.cloud = cloud
  }

  /// The list called `key`, fetched by `fetch` the first time it is asked for.
  private func once<T: Sendable>(_ key: String, _ fetch: @escaping @Sendable () async throws -> T) async throws -> T {
    let task = fetches[key] ?? Task { try await fetch() }
    fetches[key] = task
    guard let list = try await task.value as? T else {
      preconditionFailure("the list \(key) was fetched as another type")
    }
    return list
  }

  /// Every cluster, by uuid, in detail.
  public func clusters() async throws -> [String: Cluster] {
    try await once("clusters") { [magnum = cloud.magnum] in
      Dictionary(try await magnum.clustersInDetail().map { ($0.uuid, $0) }, uniquingKeysWith: { first, _ in first })
    }
  }

  /// Every cluster template, by uuid, in detail.
  public func templates() async throws -> [String: ClusterTemplate] {
    try await once("templates") { [magnum = cloud.magnum] in
      Dictionary(
        try await magnum.clusterTemplatesInDetail().map { ($0.uuid, $0) }, uniquingKeysWith: { first, _ in first })
    }
  }

  /// Every web-proxy route, by domain.
  public func routes() async throws -> [String: ProxyRoute] {
    try await once("routes") { [webProxy = cloud.webProxy] in
      Dictionary(try await webProxy.routes().map { ($0.domain, $0) }, uniquingKeysWith: { first, _ in first })
    }
  }

  /// Every Helm release on `cluster`; nil when the driver cannot list them with what a plan compares (then each
  /// release is read alone).
  public func releases(on cluster: KubernetesCluster) async throws -> [DeployedRelease]? {
    try await deployed(on: cluster)?.releases
  }

  /// Every manifest applied to `cluster`; nil when the driver cannot list them.
  public func manifests(on cluster: KubernetesCluster) async throws -> [AppliedManifest]? {
    try await deployed(on: cluster)?.manifests
  }

  /// The cluster's releases and manifests, in one call per cluster for both.
  private func deployed(on cluster: KubernetesCluster) async throws -> DeployedWork? {
    try await once("deployed \(cluster.clusterID)") { [kubernetes = cloud.kubernetes] in
      try await kubernetes.deployed(on: cluster)
    }
  }
}

/// The reads a refresh answers from its lists: the list's object when the context has ``CloudListings``, else the
/// cloud's, one request each.
extension ActionContext {
  /// The cluster with this uuid, in detail: as this action's poll last read it after its write, or from the list.
  func cluster(id: String) async throws -> Cluster? {
    if let seen = sightings?.cluster(id: id) { return seen }
    if let listings { return try await listings.clusters()[id] }
    return try await cloud.magnum.cluster(id: id)
  }

  /// Every cluster.
  func clusters() async throws -> [Cluster] {
    if let listings { return Array(try await listings.clusters().values) }
    return try await cloud.magnum.clusters()
  }

  /// The cluster template with this uuid, in detail.
  func clusterTemplate(id: String) async throws -> ClusterTemplate? {
    if let listings { return try await listings.templates()[id] }
    return try await cloud.magnum.clusterTemplate(id: id)
  }

  /// Every cluster template.
  func clusterTemplates() async throws -> [ClusterTemplate] {
    if let listings { return Array(try await listings.templates().values) }
    return try await cloud.magnum.clusterTemplates()
  }

  /// The web proxy's route for `domain`.
  func route(domain: String) async throws -> ProxyRoute? {
    if let listings { return try await listings.routes()[domain] }
    return try await cloud.webProxy.route(domain: domain)
  }

  /// Every web-proxy route.
  func routes() async throws -> [ProxyRoute] {
    if let listings { return Array(try await listings.routes().values) }
    return try await cloud.webProxy.routes()
  }
}
