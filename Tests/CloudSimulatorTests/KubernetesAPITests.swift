import Foundation
import GRDB
import NIOHTTP1
import Testing

@testable import CloudSimulator

/// The simulated clusters' Kubernetes side: Helm releases, manifests and nodes under `/kubernetes/v1/clusters`.
@Suite struct KubernetesAPITests {
  private static let valuesDigest = String(repeating: "a", count: 64)

  private static func pawsRelease(chart: String = "./paws", wait: Bool = true) -> JSONValue {
    ["chart": .string(chart), "version": .null, "values_sha256": .string(valuesDigest), "wait": .bool(wait)]
  }

  // MARK: - Releases

  @Test func releasesArePutReadListedAndDeletedWithRevisions() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      let cluster = try await cloud.createCluster(token: token, name: "paws-127d", template: template)

      #expect(try await cloud.kubernetes(.GET, cluster: cluster, "/releases/prod/paws", token: token).status == 404)
      let first = try await cloud.kubernetes(
        .PUT, cluster: cluster, "/releases/prod/paws", token: token, body: Self.pawsRelease())
      #expect(first.status == 200, "\(first.text)")
      #expect(first.json["name"] == "paws")
      #expect(first.json["namespace"] == "prod")
      #expect(first.json["revision"] == 1)
      #expect(first.json["status"] == "deployed")
      #expect(first.json["chart"] == "./paws")
      #expect(first.json["version"] == .null)
      #expect(first.json["values_sha256"]?.stringValue == Self.valuesDigest)
      #expect(first.json["set_sha256"] == .null)
      #expect(first.json["wait"] == true)
      #expect(first.json["last_deployed"]?.stringValue?.hasSuffix("Z") == true)

      let ingress: JSONValue = [
        "chart": "ingress-nginx/ingress-nginx", "version": "4.14.3", "values_sha256": .string(Self.valuesDigest),
        "set_sha256": "b1", "wait": false,
      ]
      #expect(
        try await cloud.kubernetes(
          .PUT, cluster: cluster, "/releases/ingress-nginx/ingress-nginx", token: token, body: ingress
        ).status == 200)
      let second = try await cloud.kubernetes(
        .PUT, cluster: cluster, "/releases/prod/paws", token: token, body: Self.pawsRelease())
      #expect(second.json["revision"] == 2)

      // By name as well as by uuid.
      let shown = try await cloud.kubernetes(.GET, cluster: "paws-127d", "/releases/prod/paws", token: token)
      #expect(shown.status == 200)
      #expect(shown.json == second.json)
      let list = try await cloud.kubernetes(.GET, cluster: cluster, "/releases", token: token)
      #expect(list.json["releases"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["ingress-nginx", "paws"])
      #expect(list.json["releases"]?.arrayValue?.first?["version"] == "4.14.3")
      let prod = try await cloud.kubernetes(.GET, cluster: cluster, "/releases?namespace=prod", token: token)
      #expect(prod.json["releases"]?.arrayValue?.count == 1)

      #expect(try await cloud.kubernetes(.DELETE, cluster: cluster, "/releases/prod/paws", token: token).status == 204)
      #expect(try await cloud.kubernetes(.DELETE, cluster: cluster, "/releases/prod/paws", token: token).status == 404)
      let reinstalled = try await cloud.kubernetes(
        .PUT, cluster: cluster, "/releases/prod/paws", token: token, body: Self.pawsRelease())
      #expect(reinstalled.json["revision"] == 1)
    }
  }

  @Test func unknownClusterIs404AndUnfinishedClusterIs409InKubernetesShape() async throws {
    try await SimulatorHarness.with(SimulatorConfiguration(buildSeconds: 600)) { cloud in
      let token = try await cloud.issueToken()
      let missing = try await cloud.kubernetes(.GET, cluster: Identifiers.uuid(), "/releases", token: token)
      #expect(missing.status == 404)
      #expect(missing.json["kind"] == "Status")
      #expect(missing.json["reason"] == "NotFound")
      #expect(missing.json["code"] == 404)

      let template = try await cloud.createTemplate(token: token)
      let cluster = try await cloud.createCluster(token: token, name: "paws-128a", template: template)
      for path in ["/releases", "/releases/prod/paws", "/manifests", "/nodes"] {
        let building = try await cloud.kubernetes(.GET, cluster: cluster, path, token: token)
        #expect(building.status == 409, "\(path)")
        #expect(building.json["reason"] == "Conflict")
        #expect(building.json["message"]?.stringValue?.contains("CREATE_IN_PROGRESS") == true)
      }
      let put = try await cloud.kubernetes(
        .PUT, cluster: cluster, "/releases/prod/paws", token: token, body: Self.pawsRelease())
      #expect(put.status == 409)
    }
  }

  @Test func aTokenIsRequiredAndBadBodiesOrNamesAreRefused() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      let cluster = try await cloud.createCluster(token: token, name: "paws-127d", template: template)
      let anonymous = try await cloud.send(.GET, "/kubernetes/v1/clusters/\(cluster)/releases")
      #expect(anonymous.status == 401)
      let wrongToken = try await cloud.kubernetes(.GET, cluster: cluster, "/nodes", token: "nope")
      #expect(wrongToken.status == 401)

      let bodies: [JSONValue] = [
        ["values_sha256": "x"], ["chart": "./paws"], ["chart": "./paws", "values_sha256": "x", "wait": "yes"],
        ["chart": 3, "values_sha256": "x"], [],
      ]
      for body in bodies {
        let answer = try await cloud.kubernetes(.PUT, cluster: cluster, "/releases/prod/paws", token: token, body: body)
        #expect(answer.status == 400, "\(body)")
        #expect(answer.json["reason"] == "BadRequest")
      }
      for path in [
        "/releases/prod/Paws", "/releases/-prod/paws", "/releases/prod/" + String(repeating: "p", count: 54),
      ] {
        let answer = try await cloud.kubernetes(.PUT, cluster: cluster, path, token: token, body: Self.pawsRelease())
        #expect(answer.status == 400, "\(path)")
      }
      let manifest = try await cloud.kubernetes(
        .PUT, cluster: cluster, "/manifests/storage", token: token, body: ["sha256": "x", "kinds": [1]])
      #expect(manifest.status == 400)
    }
  }

  @Test func aFailingReleaseIsRecordedFailedAndAnswers500() async throws {
    let configuration = SimulatorConfiguration(
      buildSeconds: 0, faults: FaultInjection(failingReleases: ["paws"], failingManifests: ["cinder-csi"]))
    try await SimulatorHarness.with(configuration) { cloud in
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      let cluster = try await cloud.createCluster(token: token, name: "paws-127d", template: template)
      let failed = try await cloud.kubernetes(
        .PUT, cluster: cluster, "/releases/prod/paws", token: token, body: Self.pawsRelease())
      #expect(failed.status == 500)
      #expect(failed.json["kind"] == "Status")
      #expect(failed.json["message"]?.stringValue?.hasPrefix("INSTALLATION FAILED:") == true)
      #expect(failed.json["details"]?["status"] == "failed")
      let again = try await cloud.kubernetes(
        .PUT, cluster: cluster, "/releases/prod/paws", token: token, body: Self.pawsRelease())
      #expect(again.json["message"]?.stringValue?.hasPrefix("UPGRADE FAILED:") == true)
      let shown = try await cloud.kubernetes(.GET, cluster: cluster, "/releases/prod/paws", token: token)
      #expect(shown.json["status"] == "failed")
      #expect(shown.json["revision"] == 2)

      let other = try await cloud.kubernetes(
        .PUT, cluster: cluster, "/releases/metrics/prometheus", token: token,
        body: ["chart": "prometheus-community/prometheus", "version": "25.26.0", "values_sha256": "x"])
      #expect(other.status == 200)
      #expect(other.json["status"] == "deployed")

      let manifest = try await cloud.kubernetes(
        .PUT, cluster: cluster, "/manifests/cinder-csi", token: token, body: ["sha256": "x", "kinds": ["DaemonSet"]])
      #expect(manifest.status == 500)
      #expect(manifest.json["details"]?["status"] == "failed")
    }
  }

  @Test func failingReleasesAndManifestsComeFromTheEnvironment() throws {
    let configuration = try SimulatorConfiguration.fromEnvironment(
      ["CUTOVER_SIMULATOR_FAIL_RELEASES": "paws, prometheus", "CUTOVER_SIMULATOR_FAIL_MANIFESTS": "ingress"],
      databasePath: nil, project: "paws")
    #expect(configuration.faults.failingReleases == ["paws", "prometheus"])
    #expect(configuration.faults.failingManifests == ["ingress"])
  }

  // MARK: - Manifests

  @Test func manifestsArePutReadListedAndDeleted() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      let cluster = try await cloud.createCluster(token: token, name: "paws-127d", template: template)
      let body: JSONValue = ["sha256": "c0ffee", "kinds": ["StorageClass"]]
      let first = try await cloud.kubernetes(
        .PUT, cluster: cluster, "/manifests/storage-class", token: token, body: body)
      #expect(first.status == 200)
      #expect(first.json["name"] == "storage-class")
      #expect(first.json["revision"] == 1)
      #expect(first.json["status"] == "applied")
      #expect(first.json["sha256"] == "c0ffee")
      #expect(first.json["kinds"] == ["StorageClass"])
      #expect(first.json["last_applied"]?.stringValue?.hasSuffix("Z") == true)
      let second = try await cloud.kubernetes(
        .PUT, cluster: cluster, "/manifests/storage-class", token: token,
        body: ["sha256": "beef", "kinds": ["StorageClass", "Ingress"]])
      #expect(second.json["revision"] == 2)
      let shown = try await cloud.kubernetes(.GET, cluster: cluster, "/manifests/storage-class", token: token)
      #expect(shown.json == second.json)
      let list = try await cloud.kubernetes(.GET, cluster: cluster, "/manifests", token: token)
      #expect(list.json["manifests"]?.arrayValue?.count == 1)
      #expect(
        try await cloud.kubernetes(.DELETE, cluster: cluster, "/manifests/storage-class", token: token).status == 204)
      #expect(
        try await cloud.kubernetes(.GET, cluster: cluster, "/manifests/storage-class", token: token).status == 404)
      #expect(
        try await cloud.kubernetes(.DELETE, cluster: cluster, "/manifests/storage-class", token: token).status == 404)
    }
  }

  // MARK: - Nodes

  @Test func nodesListMastersAndWorkersWithTheirAddresses() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      let cluster = try await cloud.createCluster(token: token, name: "paws-127d", template: template, workers: 3)
      let shown = try await cloud.cluster(cluster, token: token).json
      let answer = try await cloud.kubernetes(.GET, cluster: cluster, "/nodes", token: token)
      #expect(answer.status == 200)
      #expect(answer.json["cluster"]?["uuid"]?.stringValue == cluster)
      #expect(answer.json["cluster"]?["status"] == "CREATE_COMPLETE")
      let nodes = try #require(answer.json["nodes"]?.arrayValue)
      #expect(nodes.count == 4)
      #expect(nodes.compactMap { $0["role"]?.stringValue } == ["master", "worker", "worker", "worker"])
      #expect(
        nodes.compactMap { $0["address"] } == (shown["master_addresses"]?.arrayValue ?? [])
          + (shown["node_addresses"]?.arrayValue ?? []))
      #expect(nodes.allSatisfy { $0["ready"] == true && $0["kubelet_version"] == "v1.27.8-rancher2" })
      let names = nodes.compactMap { $0["name"]?.stringValue }
      #expect(names.allSatisfy { $0.hasPrefix("paws-127d-") })
      #expect(names.first?.hasSuffix("-master-0") == true)
      #expect(names.last?.hasSuffix("-node-2") == true)
      #expect(names[1].count == "paws-127d-".count + 12 + "-node-0".count)
    }
  }

  // MARK: - Lifecycle

  @Test func deletingAClusterDeletesItsReleasesAndManifests() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      let cluster = try await cloud.createCluster(token: token, name: "paws-127d", template: template)
      _ = try await cloud.kubernetes(
        .PUT, cluster: cluster, "/releases/prod/paws", token: token, body: Self.pawsRelease())
      _ = try await cloud.kubernetes(
        .PUT, cluster: cluster, "/manifests/storage", token: token, body: ["sha256": "x", "kinds": ["StorageClass"]])
      #expect(try await cloud.magnum(.DELETE, "/clusters/\(cluster)", token: token).status == 204)
      #expect(try await cloud.cluster(cluster, token: token).status == 404)
      // A request that succeeds commits the purge of finished deletions (a failed one rolls back with it).
      #expect(try await cloud.magnum(.GET, "/clusters", token: token).json["clusters"] == [])
      let left = try await cloud.cloud.withDatabase { db in
        (try ReleaseRecord.fetchCount(db), try ManifestRecord.fetchCount(db))
      }
      #expect(left == (0, 0))
      #expect(try await cloud.kubernetes(.GET, cluster: cluster, "/releases", token: token).status == 404)
    }
  }
}
