import GRDB
import Hummingbird

/// The simulated clusters' Kubernetes side under `/kubernetes/v1/clusters/{cluster}` (a uuid, or a unique name):
/// Helm releases and plain manifests recorded against the cluster, and its nodes. It stands in for what `helm`
/// and `kubectl` do against a real cluster; the contract is in docs/simulator-kubernetes.md. Every call needs a
/// Keystone token; an unknown cluster is 404, a cluster that is not `CREATE_COMPLETE` or `UPDATE_COMPLETE` 409.
struct KubernetesRoutes {
  let store: CloudStore

  static let prefix = "/kubernetes/v1/clusters/:cluster"

  func register(on router: Router<SimulatorRequestContext>) {
    let releases = Self.prefix + "/releases"
    let manifests = Self.prefix + "/manifests"
    router.get(RouterPath(Self.prefix + "/nodes")) { _, context in try await nodes(try cluster(context)) }
    router.get(RouterPath(Self.prefix + "/deployed")) { _, context in try await listDeployed(try cluster(context)) }
    router.get(RouterPath(releases)) { request, context in
      try await listReleases(try cluster(context), namespace: request.uri.queryParameters.get("namespace"))
    }
    router.get(RouterPath(releases + "/:namespace/:name")) { _, context in
      try await showRelease(try cluster(context), try ReleaseKey(context))
    }
    router.put(RouterPath(releases + "/:namespace/:name")) { request, context in
      try await putRelease(try cluster(context), try ReleaseKey(context), request)
    }
    router.delete(RouterPath(releases + "/:namespace/:name")) { _, context in
      try await deleteRelease(try cluster(context), try ReleaseKey(context))
    }
    router.get(RouterPath(manifests)) { _, context in try await listManifests(try cluster(context)) }
    router.get(RouterPath(manifests + "/:name")) { _, context in
      try await showManifest(try cluster(context), try manifestName(context))
    }
    router.put(RouterPath(manifests + "/:name")) { request, context in
      try await putManifest(try cluster(context), try manifestName(context), request)
    }
    router.delete(RouterPath(manifests + "/:name")) { _, context in
      try await deleteManifest(try cluster(context), try manifestName(context))
    }
  }

  // MARK: - Path parameters

  private func cluster(_ context: SimulatorRequestContext) throws -> String {
    try context.parameters.require("cluster")
  }

  /// A release's namespace and name, checked as Kubernetes and Helm check them.
  private struct ReleaseKey: Sendable {
    var namespace: String
    var name: String

    init(_ context: SimulatorRequestContext) throws {
      namespace = try context.parameters.require("namespace")
      name = try context.parameters.require("name")
      try KubernetesNames.check(namespace, kind: "namespace", maximumLength: 63)
      try KubernetesNames.check(name, kind: "release name", maximumLength: 53)
    }
  }

  private func manifestName(_ context: SimulatorRequestContext) throws -> String {
    let name = try context.parameters.require("name")
    try KubernetesNames.check(name, kind: "manifest name", maximumLength: 253, allowingDots: true)
    return name
  }

  /// The cluster, which must be reachable: found (404) and complete (409).
  private static func reachableCluster(_ identifier: String, at now: Double, in db: Database) throws -> ClusterRecord {
    let cluster = try MagnumLookup.cluster(identifier, at: now, in: db)
    let lifecycle = cluster.lifecycle(at: now)
    guard lifecycle.acceptsUpdates else {
      throw ServiceError(
        .conflict,
        "cluster \(cluster.name) is \(lifecycle.status.rawValue): its Kubernetes API answers once the cluster is "
          + "CREATE_COMPLETE or UPDATE_COMPLETE")
    }
    return cluster
  }

  // MARK: - Nodes

  private func nodes(_ identifier: String) async throws -> Response {
    let body = try await store.transaction { db, now in
      let cluster = try Self.reachableCluster(identifier, at: now, in: db)
      return KubernetesDocuments.nodes(of: cluster, at: now)
    }
    return JSONResponse.make(.ok, body)
  }

  // MARK: - Releases and manifests together

  /// Every release and every manifest of the cluster, in one answer: what a refresh reads of a cluster.
  private func listDeployed(_ identifier: String) async throws -> Response {
    let (releases, manifests) = try await store.transaction { db, now in
      let cluster = try Self.reachableCluster(identifier, at: now, in: db)
      return (
        try ReleaseRecord.all(clusterUUID: cluster.uuid, namespace: nil, in: db),
        try ManifestRecord.all(clusterUUID: cluster.uuid, in: db)
      )
    }
    return JSONResponse.make(
      .ok,
      [
        "releases": .array(releases.map(KubernetesDocuments.release)),
        "manifests": .array(manifests.map(KubernetesDocuments.manifest)),
      ])
  }

  // MARK: - Releases

  private func listReleases(_ identifier: String, namespace: String?) async throws -> Response {
    let releases = try await store.transaction { db, now in
      let cluster = try Self.reachableCluster(identifier, at: now, in: db)
      return try ReleaseRecord.all(clusterUUID: cluster.uuid, namespace: namespace, in: db)
    }
    return JSONResponse.make(.ok, ["releases": .array(releases.map(KubernetesDocuments.release))])
  }

  private func showRelease(_ identifier: String, _ key: ReleaseKey) async throws -> Response {
    let release = try await store.transaction { db, now in
      let cluster = try Self.reachableCluster(identifier, at: now, in: db)
      return try ReleaseRecord.find(clusterUUID: cluster.uuid, namespace: key.namespace, name: key.name, in: db)
    }
    guard let release else { throw Self.releaseNotFound(key) }
    return JSONResponse.make(.ok, KubernetesDocuments.release(release))
  }

  /// `helm upgrade --install`: a new revision every time; a release named in `failingReleases` is recorded as
  /// `failed` and answered 500 with helm's kind of message.
  private func putRelease(_ identifier: String, _ key: ReleaseKey, _ request: Request) async throws -> Response {
    let body = try KubernetesBodies.release(try await RequestBodyReader.json(request))
    let fails = store.configuration.faults.failingReleases.contains(key.name)
    let (release, isUpgrade) = try await store.transaction { db, now in
      let cluster = try Self.reachableCluster(identifier, at: now, in: db)
      let previous = try ReleaseRecord.find(
        clusterUUID: cluster.uuid, namespace: key.namespace, name: key.name, in: db)
      let release = ReleaseRecord(
        clusterUUID: cluster.uuid, namespace: key.namespace, name: key.name, revision: (previous?.revision ?? 0) + 1,
        status: fails ? .failed : .deployed, chart: body.chart, version: body.version,
        valuesSHA256: body.valuesSHA256, setSHA256: body.setSHA256, wait: body.wait, lastDeployed: now)
      try release.save(db)
      return (release, previous != nil)
    }
    let document = KubernetesDocuments.release(release)
    guard fails else { return JSONResponse.make(.ok, document) }
    let phase = isUpgrade ? "UPGRADE" : "INSTALLATION"
    let message =
      "\(phase) FAILED: release \(key.name) failed: timed out waiting for the condition (failure injected by the "
      + "Cutover simulator)"
    return KubernetesDocuments.failure(.internalServerError, message, details: document)
  }

  private func deleteRelease(_ identifier: String, _ key: ReleaseKey) async throws -> Response {
    let deleted = try await store.transaction { db, now in
      let cluster = try Self.reachableCluster(identifier, at: now, in: db)
      let release = try ReleaseRecord.find(clusterUUID: cluster.uuid, namespace: key.namespace, name: key.name, in: db)
      return try release?.delete(db) ?? false
    }
    guard deleted else { throw Self.releaseNotFound(key) }
    return JSONResponse.empty(.noContent)
  }

  private static func releaseNotFound(_ key: ReleaseKey) -> ServiceError {
    .notFound("release: not found: \(key.name) in namespace \(key.namespace)")
  }

  // MARK: - Manifests

  private func listManifests(_ identifier: String) async throws -> Response {
    let manifests = try await store.transaction { db, now in
      let cluster = try Self.reachableCluster(identifier, at: now, in: db)
      return try ManifestRecord.all(clusterUUID: cluster.uuid, in: db)
    }
    return JSONResponse.make(.ok, ["manifests": .array(manifests.map(KubernetesDocuments.manifest))])
  }

  private func showManifest(_ identifier: String, _ name: String) async throws -> Response {
    let manifest = try await store.transaction { db, now in
      let cluster = try Self.reachableCluster(identifier, at: now, in: db)
      return try ManifestRecord.find(clusterUUID: cluster.uuid, name: name, in: db)
    }
    guard let manifest else { throw Self.manifestNotFound(name) }
    return JSONResponse.make(.ok, KubernetesDocuments.manifest(manifest))
  }

  /// `kubectl apply --server-side -f`: a new revision every time; a name in `failingManifests` fails.
  private func putManifest(_ identifier: String, _ name: String, _ request: Request) async throws -> Response {
    let body = try KubernetesBodies.manifest(try await RequestBodyReader.json(request))
    let fails = store.configuration.faults.failingManifests.contains(name)
    let manifest = try await store.transaction { db, now in
      let cluster = try Self.reachableCluster(identifier, at: now, in: db)
      let previous = try ManifestRecord.find(clusterUUID: cluster.uuid, name: name, in: db)
      let manifest = ManifestRecord(
        clusterUUID: cluster.uuid, name: name, revision: (previous?.revision ?? 0) + 1,
        status: fails ? .failed : .applied, sha256: body.sha256, kinds: body.kinds, lastApplied: now)
      try manifest.save(db)
      return manifest
    }
    let document = KubernetesDocuments.manifest(manifest)
    guard fails else { return JSONResponse.make(.ok, document) }
    let message =
      "error when applying manifest \(name): Internal error occurred: failed calling webhook: context deadline "
      + "exceeded (failure injected by the Cutover simulator)"
    return KubernetesDocuments.failure(.internalServerError, message, details: document)
  }

  private func deleteManifest(_ identifier: String, _ name: String) async throws -> Response {
    let deleted = try await store.transaction { db, now in
      let cluster = try Self.reachableCluster(identifier, at: now, in: db)
      return try ManifestRecord.find(clusterUUID: cluster.uuid, name: name, in: db)?.delete(db) ?? false
    }
    guard deleted else { throw Self.manifestNotFound(name) }
    return JSONResponse.empty(.noContent)
  }

  private static func manifestNotFound(_ name: String) -> ServiceError {
    .notFound("manifest \(name) not found")
  }
}
