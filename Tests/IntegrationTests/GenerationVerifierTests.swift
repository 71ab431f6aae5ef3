import CloudSimulator
import CutoverKit
import Foundation
import OpenStack
import TestSupport
import Testing

/// `GenerationVerifier` against the simulator over real loopback HTTP: Magnum, the simulator's Kubernetes API, and
/// each worker's ingress port probed through `AsyncHTTPClientTransport` with each proxy domain's `Host`.
@Suite struct GenerationVerifierSimulatorTests {
  @Test("verify fails before the releases are deployed (workers answer 503) and passes after, through real HTTP")
  func failsBeforeHelmPassesAfter() async throws {
    var configuration = SimulatorConfiguration(buildSeconds: 0)
    configuration.nodeAddressBlock = Int.random(in: 256...65_535)
    try await SimulatedCloud.withSimulator(configuration) { simulator, connection in
      let http = try AsyncHTTPClientTransport()
      do {
        try await Self.run(simulator: simulator, connection: connection, http: http, ingressPort: 30001)
      } catch {
        try? await http.shutdown()
        throw error
      }
      try await http.shutdown()
    }
  }

  private static func run(
    simulator: CloudSimulator, connection: CloudConnection, http: AsyncHTTPClientTransport, ingressPort: Int
  ) async throws {
    var fixture = try DesiredStateFixture.eqiad1()
    try fixture.setDefaultWorkers(2)
    try fixture.setGenerations([
      (
        id: "128a",
        overrides: "{releases: [{name: ingress-nginx, chart: ingress-nginx/ingress-nginx, version: 4.14.3,"
          + " namespace: ingress-nginx}, {name: paws, chart: ./paws, namespace: prod}]}"
      )
    ])
    try fixture.setLive("128a")
    let desired = try EnvironmentFile.parse(fixture.text, environment: "eqiad1", file: "clusters/eqiad1.yaml")
    let generation = try #require(desired.generation("128a"))
    let proxies = try #require(desired.webProxies)
    #expect(proxies.port == ingressPort, "the fixture's NodePort is the simulator's ingress port")

    let magnum = connection.clients.magnum
    let template = try await magnum.createClusterTemplate(
      ClusterTemplateCreateRequest(
        name: "paws-128a", imageID: "Fedora-CoreOS-38", keypairID: "paws-magnum-vm",
        flavorID: "g4.cores8.ram32.disk20", labels: ["kube_tag": "v1.27.8-rancher2"]))
    let clusterID = try await magnum.createCluster(
      ClusterCreateRequest(
        name: "paws-128a", clusterTemplateID: template.uuid, masterCount: 1, nodeCount: 2, createTimeout: 60))
    let recorded = [
      RecordedResource(address: ResourceAddress(type: "cluster", name: "128a"), remoteID: clusterID, attributes: [:])
    ]
    let driver = SimulatedKubernetesDriver(session: magnum.session, baseURL: simulator.kubernetesURL)
    let access = GenerationAccess(
      cluster: { try await magnum.cluster(id: $0) }, kubernetes: driver, local: LocalWorkspace(directory: nil))
    let verifier = GenerationVerifier(desired: desired, recorded: recorded, access: access, http: http)

    // The workers' ingress ports open once the cluster is complete; until paws runs they answer 503.
    var before: GenerationVerification?
    try await poll("the workers' ingress ports to answer", timeout: .seconds(30), interval: .milliseconds(100)) {
      let verification = try await verifier.verify("128a")
      before = verification
      return verification.checks.filter { $0.kind == .ingress }.allSatisfy { $0.reason.contains("HTTP 503") }
    }
    let failing = try #require(before)
    #expect(!failing.passed)
    #expect(failing.checks.map(\.passed) == [true, true, false, false, false], "\(failing.lines)")
    #expect(failing.lines[2].contains("paws (prod): not installed"), "\(failing.lines)")
    #expect(
      failing.lines[3].hasPrefix("FAIL hub-paws.wmcloud.org: 0/2 workers answered 200 on /hub/health; "),
      "\(failing.lines)")

    for release in generation.releases {
      _ = try await driver.deploy(
        ReleaseDeployment(
          request: HelmReleaseRequest(release), valuesSHA256: "sha256:" + String(repeating: "a", count: 64),
          setSHA256: "sha256:" + String(repeating: "b", count: 64), workingDirectory: "/nonexistent"),
        on: KubernetesCluster(clusterID: clusterID, kubeconfig: "/nonexistent/128a.config"), note: { _ in })
    }

    let passing = try await verifier.verify("128a")
    #expect(passing.passed, "\(passing.lines)")
    #expect(
      passing.lines == [
        "PASS cluster paws-128a is CREATE_COMPLETE",
        "PASS nodes: 3/3 Ready (2 workers as declared, 1 control-plane)",
        "PASS releases: 2/2 deployed (ingress-nginx, paws)",
        "PASS hub-paws.wmcloud.org: 2/2 workers answered 200 on /hub/health",
        "PASS public-paws.wmcloud.org: 2/2 workers answered 200 on /hub/health",
      ])
  }
}
