import CloudSimulator
import CutoverKit
import Foundation
import OpenStack
import TestSupport
import Testing

/// The `--simulate` Kubernetes driver against the simulator's Kubernetes API over loopback HTTP, authenticated
/// with the simulator's application credential.
@Suite struct KubernetesDriverTests {
  static let valuesSHA256 = "sha256:" + String(repeating: "a", count: 64)
  static let setSHA256 = "sha256:" + String(repeating: "b", count: 64)

  static func pawsDeployment(setSHA256: String = setSHA256) -> ReleaseDeployment {
    ReleaseDeployment(
      request: HelmReleaseRequest(
        name: "paws", chart: "./paws", namespace: "prod", valuesFiles: ["paws/production.yaml"],
        dependencyUpdate: true),
      valuesSHA256: valuesSHA256, setSHA256: setSHA256, workingDirectory: "/nonexistent")
  }

  static let storageClass = ManifestApplication(
    name: "storage-class", file: "manifests/storageclass.yaml", sha256: "sha256:" + String(repeating: "c", count: 64),
    kinds: ["StorageClass"], workingDirectory: "/nonexistent")

  // MARK: - Releases

  @Test func deployingBeforeTheClusterIsCompleteSaysWhichStateItIsIn() async throws {
    try await DriverHarness.with(SimulatorConfiguration(buildSeconds: 600)) { harness in
      let cluster = try await harness.createCluster("paws-128a")
      let error = await #expect(throws: KubernetesDriverError.self) {
        try await harness.driver.deploy(Self.pawsDeployment(), on: cluster, note: harness.note)
      }
      #expect(error?.message.contains("cluster \(cluster.clusterID)") == true, "\(String(describing: error))")
      #expect(error?.message.contains("CREATE_IN_PROGRESS") == true, "\(String(describing: error))")
      let error2 = await #expect(throws: KubernetesDriverError.self) {
        try await harness.driver.release(name: "paws", namespace: "prod", on: cluster)
      }
      #expect(error2?.message.contains("CREATE_IN_PROGRESS") == true)
    }
  }

  @Test func aDeployedReleaseReadsBackWithAStableFingerprintAndEachDeployAddsARevision() async throws {
    try await DriverHarness.with { harness in
      let cluster = try await harness.createCluster("paws-127d")
      let deployed = try await harness.driver.deploy(Self.pawsDeployment(), on: cluster, note: harness.note)
      #expect(deployed.name == "paws")
      #expect(deployed.namespace == "prod")
      #expect(deployed.revision == 1)
      #expect(deployed.isDeployed)
      #expect(deployed.chart == "./paws")
      #expect(deployed.version == nil)
      #expect(deployed.valuesFingerprint == Self.valuesSHA256 + "+" + Self.setSHA256)
      let lastDeployed = try #require(deployed.lastDeployed)
      #expect(abs(lastDeployed.timeIntervalSinceNow) < 600)
      #expect(
        await harness.notes.lines == ["PUT /clusters/\(cluster.clusterID)/releases/prod/paws → revision 1 deployed"])

      let read = try await harness.driver.release(name: "paws", namespace: "prod", on: cluster)
      #expect(read == deployed)
      let again = try await harness.driver.release(name: "paws", namespace: "prod", on: cluster)
      #expect(again?.valuesFingerprint == deployed.valuesFingerprint)

      let redeployed = try await harness.driver.deploy(Self.pawsDeployment(), on: cluster, note: harness.note)
      #expect(redeployed.revision == 2)
      #expect(redeployed.valuesFingerprint == deployed.valuesFingerprint)

      let changed = try await harness.driver.deploy(
        Self.pawsDeployment(setSHA256: "sha256:" + String(repeating: "d", count: 64)), on: cluster,
        note: harness.note)
      #expect(changed.revision == 3)
      #expect(changed.valuesFingerprint != deployed.valuesFingerprint)
      #expect(try await harness.driver.release(name: "paws", namespace: "prod", on: cluster) == changed)
      #expect(try await harness.driver.release(name: "paws", namespace: "other", on: cluster) == nil)
    }
  }

  @Test func aFailingInstallCarriesHelmsWordsAndIsRecordedFailed() async throws {
    let configuration = SimulatorConfiguration(buildSeconds: 0, faults: FaultInjection(failingReleases: ["paws"]))
    try await DriverHarness.with(configuration) { harness in
      let cluster = try await harness.createCluster("paws-127d")
      let install = await #expect(throws: KubernetesDriverError.self) {
        try await harness.driver.deploy(Self.pawsDeployment(), on: cluster, note: harness.note)
      }
      #expect(
        install?.message.hasPrefix("INSTALLATION FAILED: release paws failed") == true, "\(String(describing: install))"
      )
      let recorded = try #require(try await harness.driver.release(name: "paws", namespace: "prod", on: cluster))
      #expect(recorded.status == "failed")
      #expect(recorded.revision == 1, "a failed install is not repeated")

      let upgrade = await #expect(throws: KubernetesDriverError.self) {
        try await harness.driver.deploy(Self.pawsDeployment(), on: cluster, note: harness.note)
      }
      #expect(upgrade?.message.hasPrefix("UPGRADE FAILED:") == true)
      let lines = await harness.notes.lines
      #expect(lines.count == 2)
      #expect(
        lines.first?.hasPrefix("PUT /clusters/\(cluster.clusterID)/releases/prod/paws → INSTALLATION FAILED") == true)
    }
  }

  @Test func anUninstalledReleaseIsGoneAndUninstallingTwiceIsFine() async throws {
    try await DriverHarness.with { harness in
      let cluster = try await harness.createCluster("paws-127d")
      _ = try await harness.driver.deploy(Self.pawsDeployment(), on: cluster, note: harness.note)
      try await harness.driver.uninstall(
        name: "paws", namespace: "prod", timeout: .seconds(60), on: cluster, note: harness.note)
      #expect(try await harness.driver.release(name: "paws", namespace: "prod", on: cluster) == nil)
      try await harness.driver.uninstall(
        name: "paws", namespace: "prod", timeout: nil, on: cluster, note: harness.note)
      let path = "/clusters/\(cluster.clusterID)/releases/prod/paws"
      #expect(
        await harness.notes.lines == [
          "PUT \(path) → revision 1 deployed", "DELETE \(path) → uninstalled",
          "DELETE \(path) → no such release, nothing to do",
        ])
      let reinstalled = try await harness.driver.deploy(Self.pawsDeployment(), on: cluster, note: harness.note)
      #expect(reinstalled.revision == 1)
    }
  }

  @Test func aClusterThatIsGoneHasNoReleasesAndNothingToRemove() async throws {
    try await DriverHarness.with { harness in
      let gone = KubernetesCluster(clusterID: UUID().uuidString.lowercased(), kubeconfig: "/nonexistent/gone.config")
      #expect(try await harness.driver.release(name: "paws", namespace: "prod", on: gone) == nil)
      #expect(try await harness.driver.manifest(Self.storageClass, on: gone) == nil)
      try await harness.driver.uninstall(name: "paws", namespace: "prod", timeout: nil, on: gone, note: harness.note)
      try await harness.driver.delete(Self.storageClass, on: gone, note: harness.note)
    }
  }

  // MARK: - Manifests

  @Test func manifestsAreAppliedReadAndDeleted() async throws {
    let configuration = SimulatorConfiguration(
      buildSeconds: 0, faults: FaultInjection(failingManifests: ["cinder-csi"]))
    try await DriverHarness.with(configuration) { harness in
      let cluster = try await harness.createCluster("paws-127d")
      #expect(try await harness.driver.manifest(Self.storageClass, on: cluster) == nil)
      let applied = try await harness.driver.apply(Self.storageClass, on: cluster, note: harness.note)
      #expect(applied == AppliedManifest(name: "storage-class", status: "applied", sha256: Self.storageClass.sha256))
      #expect(try await harness.driver.manifest(Self.storageClass, on: cluster) == applied)

      try await harness.driver.delete(Self.storageClass, on: cluster, note: harness.note)
      #expect(try await harness.driver.manifest(Self.storageClass, on: cluster) == nil)
      try await harness.driver.delete(Self.storageClass, on: cluster, note: harness.note)
      let path = "/clusters/\(cluster.clusterID)/manifests/storage-class"
      #expect(
        await harness.notes.lines == [
          "PUT \(path) → revision 1 applied", "DELETE \(path) → deleted",
          "DELETE \(path) → no such manifest, nothing to do",
        ])

      var failing = Self.storageClass
      failing.name = "cinder-csi"
      let error = await #expect(throws: KubernetesDriverError.self) {
        try await harness.driver.apply(failing, on: cluster, note: harness.note)
      }
      #expect(
        error?.message.contains("error when applying manifest cinder-csi") == true, "\(String(describing: error))")
    }
  }

  // MARK: - Nodes

  @Test func nodesAreTheReadyMastersThenWorkersAtLoopbackAddresses() async throws {
    try await DriverHarness.with { harness in
      let cluster = try await harness.createCluster("paws-127d")
      let nodes = try await harness.driver.nodes(on: cluster)
      #expect(nodes.count == 3)
      #expect(nodes.map(\.isControlPlane) == [true, false, false])
      #expect(nodes.first?.roles == ["master"])
      #expect(nodes.first?.name.hasSuffix("-master-0") == true)
      #expect(nodes.dropFirst().map { $0.name.suffix(7) } == ["-node-0", "-node-1"])
      #expect(nodes.allSatisfy { $0.name.hasPrefix("paws-127d-") && $0.ready == .true })
      #expect(nodes.allSatisfy { $0.internalIPs.count == 1 && $0.internalIPs[0].hasPrefix("127.") })
      #expect(Set(nodes.flatMap(\.internalIPs)).count == 3)
    }
  }

  @Test func theDriverNeedsNoLocalTool() async throws {
    try await DriverHarness.with { harness in
      #expect(await harness.driver.toolProblems().isEmpty)
      #expect(harness.driver.name == "the simulated cloud")
    }
  }
}

// MARK: - Harness

/// A simulator on an in-memory database, an authenticated session of it and the driver over that session.
private struct DriverHarness {
  let simulator: CloudSimulator
  let connection: CloudConnection
  let driver: any KubernetesDriver
  let notes = NoteLog()

  var magnum: MagnumClient { connection.clients.magnum }

  /// A `note` that records its lines in ``notes``.
  var note: @Sendable (String) async -> Void {
    { [notes] line in await notes.add(line) }
  }

  /// Runs `body` against a fresh simulator (no ingress ports: these tests need none) and always shuts it down.
  static func with<Result: Sendable>(
    _ configuration: SimulatorConfiguration = SimulatorConfiguration(buildSeconds: 0),
    _ body: (DriverHarness) async throws -> Result
  ) async throws -> Result {
    var configuration = configuration
    configuration.ingressPort = nil
    configuration.nodeAddressBlock = Int.random(in: 256...65_535)
    return try await SimulatedCloud.withSimulator(configuration) { simulator, connection in
      try await body(
        DriverHarness(simulator: simulator, connection: connection, driver: connection.clients.kubernetes))
    }
  }

  /// Creates a cluster of one master and two workers; complete at once unless the simulator builds slowly.
  func createCluster(_ name: String) async throws -> KubernetesCluster {
    let template = try await magnum.createClusterTemplate(
      ClusterTemplateCreateRequest(
        name: "template-\(name)", imageID: "Fedora-CoreOS-38", keypairID: "paws-magnum-vm",
        flavorID: "g4.cores8.ram32.disk20", labels: ["kube_tag": "v1.27.8-rancher2"]))
    let uuid = try await magnum.createCluster(
      ClusterCreateRequest(
        name: name, clusterTemplateID: template.uuid, masterCount: 1, nodeCount: 2, createTimeout: 60))
    return KubernetesCluster(clusterID: uuid, kubeconfig: "/nonexistent/\(name).config")
  }
}

/// The lines a driver gave its `note`, in order.
private actor NoteLog {
  private(set) var lines: [String] = []

  func add(_ line: String) {
    lines.append(line)
  }
}
