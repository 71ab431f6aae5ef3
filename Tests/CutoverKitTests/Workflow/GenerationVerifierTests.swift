import Foundation
import OpenStack
import Synchronization
import Testing

@testable import CutoverKit

@Suite("generation verify: the checklist")
struct GenerationVerifierTests {
  // MARK: - Everything passes

  @Test("a built, deployed generation passes every check, probing each worker with each domain's Host")
  func everythingPasses() async throws {
    let world = try VerifyWorld()
    let verification = try await world.verifier().verify("128a")

    #expect(verification.passed)
    #expect(
      verification.lines == [
        "PASS cluster paws-128a is CREATE_COMPLETE",
        "PASS nodes: 6/6 Ready (5 workers as declared, 1 control-plane)",
        "PASS releases: 3/3 deployed (ingress-nginx, paws, prometheus)",
        "PASS hub-paws.wmcloud.org: 5/5 workers answered 200 on /hub/health",
        "PASS public-paws.wmcloud.org: 5/5 workers answered 200 on /hub/health",
      ])
    let requests = world.http.requests
    #expect(requests.count == 10)
    for domain in ["hub-paws.wmcloud.org", "public-paws.wmcloud.org"] {
      let urls = requests.filter { $0.header("Host") == domain }.map(\.url).sorted()
      #expect(urls == VerifyWorld.workers128a.map { "http://\($0):30001/hub/health" })
    }
    #expect(requests.allSatisfy { $0.method == "GET" })
    #expect(world.magnum.lookups == ["cluster-128a"], "the recorded cluster id is used")
    let targets = world.driver.targets
    #expect(!targets.isEmpty)
    #expect(
      targets.allSatisfy {
        $0 == KubernetesCluster(clusterID: "cluster-128a", kubeconfig: "/srv/state/eqiad1/kube/128a.config")
      })
  }

  @Test("the health path is a parameter, and the probe bound is the timeout given")
  func healthPathAndTimeout() async throws {
    let world = try VerifyWorld()
    let verifier = world.verifier(healthPath: "healthz", probeTimeout: .seconds(3))
    let verification = try await verifier.verify("128a")
    #expect(verification.passed)
    #expect(verification.lines.last == "PASS public-paws.wmcloud.org: 5/5 workers answered 200 on /healthz")
    #expect(world.http.requests.allSatisfy { $0.url.hasSuffix(":30001/healthz") })
    #expect(world.http.timeouts.allSatisfy { $0 == .seconds(3) })
  }

  // MARK: - Failures

  @Test("before helm has run: releases not installed, every worker answers 503, and the reasons say so")
  func beforeHelm() async throws {
    let world = try VerifyWorld()
    world.driver.set(releases: [:])
    world.http.answer { _ in HTTPResponse(status: 503) }

    let verification = try await world.verifier().verify("128a")
    #expect(!verification.passed)
    #expect(verification.checks.map(\.passed) == [true, true, false, false, false])
    #expect(
      verification.lines[2]
        == "FAIL releases: 0/3 deployed; ingress-nginx (ingress-nginx): not installed; paws (prod): not installed;"
        + " prometheus (metrics): not installed")
    #expect(
      verification.lines[3]
        == "FAIL hub-paws.wmcloud.org: 0/5 workers answered 200 on /hub/health; 127.0.5.2: HTTP 503, 127.0.5.3: HTTP 503,"
        + " 127.0.5.4: HTTP 503, 127.0.5.5: HTTP 503, 127.0.5.6: HTTP 503")
  }

  @Test("a release in another state than deployed is named with its status")
  func releaseNotDeployed() async throws {
    let world = try VerifyWorld()
    world.driver.set(
      releases: [
        "ingress-nginx": DeployedRelease(
          name: "ingress-nginx", namespace: "ingress-nginx", revision: 1, status: "deployed"),
        "paws": DeployedRelease(name: "paws", namespace: "prod", revision: 2, status: "pending-upgrade"),
        "prometheus": DeployedRelease(name: "prometheus", namespace: "metrics", revision: 1, status: "failed"),
      ])
    let verification = try await world.verifier().verify("128a")
    #expect(
      verification.lines[2] == "FAIL releases: 1/3 deployed; paws (prod): pending-upgrade; prometheus (metrics): failed"
    )
  }

  @Test("one worker down: the domain line says which worker and why, the others still count")
  func oneWorkerDown() async throws {
    let world = try VerifyWorld()
    world.http.answer { request in
      if request.url.contains("127.0.5.4:") {
        throw HTTPTransportError(.notConnected, detail: "could not connect to 127.0.5.4:30001: connection refused")
      }
      if request.url.contains("127.0.5.6:") { throw HTTPTransportError(.timedOut, detail: "no complete answer") }
      return HTTPResponse(status: 200)
    }
    let verification = try await world.verifier().verify("128a")
    #expect(!verification.passed)
    #expect(
      verification.lines[3]
        == "FAIL hub-paws.wmcloud.org: 3/5 workers answered 200 on /hub/health;"
        + " 127.0.5.4: could not connect to 127.0.5.4:30001: connection refused, 127.0.5.6: no answer within 5s")
  }

  @Test("a node not Ready and too few workers both fail the nodes check, in one line")
  func nodesNotReady() async throws {
    let world = try VerifyWorld()
    var nodes = VerifyWorld.nodes(workers: Array(VerifyWorld.workers128a.prefix(4)))
    nodes[2].ready = .unknown
    world.driver.set(nodes: nodes)
    let verification = try await world.verifier().verify("128a")
    #expect(
      verification.lines[1] == "FAIL nodes: 4/5 Ready; not Ready: paws-128a-node-1 (Unknown); 4 workers, 5 declared")
    #expect(verification.checks[3].passed, "the probes still run, on Magnum's worker addresses")
  }

  @Test("nodes that cannot be listed fail with the driver's reason; probes fall back on nothing when Magnum has none")
  func nodesUnreadable() async throws {
    let world = try VerifyWorld(nodeAddresses: [])
    world.driver.failNodes(with: "kubectl get nodes: the server has asked for the client to provide credentials")
    let verification = try await world.verifier().verify("128a")
    #expect(
      verification.lines[1]
        == "FAIL nodes: cannot list them: kubectl get nodes: the server has asked for the client to provide credentials"
    )
    #expect(
      Array(verification.lines[3...]) == [
        "FAIL hub-paws.wmcloud.org: not probed: no worker addresses are known (Magnum or nodes)",
        "FAIL public-paws.wmcloud.org: not probed: no worker addresses are known (Magnum or nodes)",
      ])
    #expect(world.http.requests.isEmpty)
  }

  @Test("when Magnum reports no worker addresses, the workers' InternalIPs from the nodes are probed")
  func probesNodeAddressesWhenMagnumHasNone() async throws {
    let world = try VerifyWorld(nodeAddresses: [])
    let verification = try await world.verifier().verify("128a")
    #expect(verification.passed)
    let probed = Set(world.http.requests.compactMap { URLHost.of($0.url) })
    #expect(probed == Set(VerifyWorld.workers128a), "the control-plane node is not probed")
  }

  @Test("no cluster: every later check fails saying so, and nothing is asked of Kubernetes or the workers")
  func clusterAbsent() async throws {
    let world = try VerifyWorld()
    world.magnum.remove("cluster-128a")
    let verification = try await world.verifier().verify("128a")
    #expect(
      verification.lines == [
        "FAIL cluster paws-128a does not exist in Magnum",
        "FAIL nodes: not checked: cluster paws-128a does not exist",
        "FAIL releases: not checked: cluster paws-128a does not exist",
        "FAIL hub-paws.wmcloud.org: not probed: cluster paws-128a does not exist",
        "FAIL public-paws.wmcloud.org: not probed: cluster paws-128a does not exist",
      ])
    #expect(world.magnum.lookups == ["cluster-128a", "paws-128a"], "by recorded id, then by name")
    #expect(world.driver.targets.isEmpty)
    #expect(world.http.requests.isEmpty)
  }

  @Test("Magnum unreachable: the cluster check carries the error")
  func magnumFails() async throws {
    let world = try VerifyWorld()
    world.magnum.fail(with: "magnum: HTTP 503 Service Unavailable")
    let verification = try await world.verifier().verify("128a")
    #expect(
      verification.lines == [
        "FAIL cluster paws-128a: cannot read it from Magnum: magnum: HTTP 503 Service Unavailable",
        "FAIL nodes: not checked: cluster paws-128a could not be read from Magnum",
        "FAIL releases: not checked: cluster paws-128a could not be read from Magnum",
        "FAIL hub-paws.wmcloud.org: not probed: cluster paws-128a could not be read from Magnum",
        "FAIL public-paws.wmcloud.org: not probed: cluster paws-128a could not be read from Magnum",
      ])
    #expect(!verification.passed)
  }

  @Test("a cluster still building, or failed, fails the cluster check with its status (and Magnum's reason)")
  func clusterNotComplete() async throws {
    let building = try VerifyWorld(status: "CREATE_IN_PROGRESS")
    #expect(
      try await building.verifier().verify("128a").lines[0]
        == "FAIL cluster paws-128a is CREATE_IN_PROGRESS (still building; verify again when it is complete)")

    let failed = try VerifyWorld(status: "CREATE_FAILED", statusReason: "Resource CREATE failed: quota exceeded")
    #expect(
      try await failed.verifier().verify("128a").lines[0]
        == "FAIL cluster paws-128a is CREATE_FAILED: Resource CREATE failed: quota exceeded")

    let resized = try VerifyWorld(status: "UPDATE_COMPLETE")
    #expect(try await resized.verifier().verify("128a").lines[0] == "PASS cluster paws-128a is UPDATE_COMPLETE")
  }

  @Test("with nothing recorded, the cluster is found by its name and the kubeconfig where Cutover writes it")
  func foundByName() async throws {
    let world = try VerifyWorld(recordCluster: false)
    let verification = try await world.verifier().verify("128a")
    #expect(verification.passed)
    #expect(world.magnum.lookups == ["paws-128a"])
    #expect(world.driver.targets.allSatisfy { $0.kubeconfig == "/srv/state/eqiad1/kube/128a.config" })
  }

  // MARK: - Edges

  @Test("a generation the desired state does not declare is a usage error naming the declared ones")
  func undeclaredGeneration() async throws {
    let world = try VerifyWorld()
    do {
      _ = try await world.verifier().verify("129z")
      Issue.record("verify of an undeclared generation returned")
    } catch CutoverError.usage(let message) {
      #expect(message == "generation 129z is not declared in clusters/eqiad1.yaml (declared: 127d, 128a)")
    }
  }

  @Test("without web proxies there is nothing to probe, which passes")
  func noWebProxies() async throws {
    var world = try VerifyWorld()
    world.desired.webProxies = nil
    let verification = try await world.verifier().verify("128a")
    #expect(verification.passed)
    #expect(verification.lines.last == "PASS ingress: no web proxies declared; nothing to probe")
    #expect(world.http.requests.isEmpty)
  }

  @Test("probes run concurrently, never more at once than the bound")
  func boundedConcurrency() async throws {
    let world = try VerifyWorld()
    let verification = try await world.verifier(probeConcurrency: 3).verify("128a")
    #expect(verification.passed)
    #expect(world.http.requests.count == 10)
    #expect(world.http.maximumInFlight <= 3)
    #expect(world.http.maximumInFlight >= 1)
  }

  @Test("an IPv6 worker address is bracketed in the probe URL")
  func ipv6ProbeURL() {
    let probe = IngressProbe(domain: "hub-paws.wmcloud.org", address: "fd00::5", port: 30001, path: "/hub/health")
    #expect(probe.url == "http://[fd00::5]:30001/hub/health")
  }
}

// MARK: - Test doubles

/// A desired state with 127d live and 128a built beside it, the state recording both, and fakes for Magnum,
/// Kubernetes and the workers' ingress ports. Every address is on 127.0.0.0/8 and nothing is sent anywhere.
struct VerifyWorld {
  static let workers128a = ["127.0.5.2", "127.0.5.3", "127.0.5.4", "127.0.5.5", "127.0.5.6"]
  static let master128a = "127.0.5.1"

  var desired: DesiredState
  var recorded: [RecordedResource]
  let magnum = FakeMagnum()
  let driver = FakeKubernetesDriver()
  let http = FakeHTTPTransport()
  let local = LocalWorkspace(directory: "/srv/state/eqiad1", environment: [:])

  struct Failure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
  }

  init(
    status: String = "CREATE_COMPLETE", statusReason: String? = nil, nodeAddresses: [String] = workers128a,
    recordCluster: Bool = true
  ) throws {
    desired = try Fixture.desiredState("eqiad1-two-generations.yaml")
    recorded = []
    if recordCluster {
      recorded = [
        RecordedResource(
          address: ResourceAddress("cluster.128a"), remoteID: "cluster-128a",
          attributes: [
            "name": "paws-128a", "node_count": 5, "status": .string(status),
            "node_addresses": .list(nodeAddresses.map(Value.string)), "master_addresses": [.string(Self.master128a)],
          ]),
        RecordedResource(
          address: ResourceAddress("kubeconfig.128a"), remoteID: "kube/128a.config", attributes: ["live": false]),
      ]
    }
    magnum.add(
      Cluster(
        uuid: "cluster-128a", name: "paws-128a", status: status, statusReason: statusReason,
        clusterTemplateID: "template-128a", masterCount: 1, nodeCount: 5, masterAddresses: [Self.master128a],
        nodeAddresses: nodeAddresses, createdAt: "2026-11-20T10:00:00+00:00"))
    driver.set(nodes: Self.nodes(workers: Self.workers128a))
    driver.set(
      releases: [
        "ingress-nginx": DeployedRelease(
          name: "ingress-nginx", namespace: "ingress-nginx", revision: 1, status: "deployed"),
        "paws": DeployedRelease(name: "paws", namespace: "prod", revision: 1, status: "deployed"),
        "prometheus": DeployedRelease(name: "prometheus", namespace: "metrics", revision: 1, status: "deployed"),
      ])
  }

  /// One Ready control-plane node and one Ready worker per address.
  static func nodes(workers: [String], prefix: String = "paws-128a", master: String = master128a) -> [KubernetesNode] {
    [
      KubernetesNode(
        name: "\(prefix)-master-0", ready: .true, internalIPs: [master], roles: ["control-plane", "master"])
    ]
      + workers.enumerated().map { index, address in
        KubernetesNode(name: "\(prefix)-node-\(index)", ready: .true, internalIPs: [address])
      }
  }

  var access: GenerationAccess {
    let magnum = self.magnum
    return GenerationAccess(cluster: { try magnum.cluster($0) }, kubernetes: driver, local: local)
  }

  func verifier(
    healthPath: String = "/hub/health", probeTimeout: Duration = .seconds(5), probeConcurrency: Int = 8
  ) -> GenerationVerifier {
    GenerationVerifier(
      desired: desired, recorded: recorded, access: access, http: http, healthPath: healthPath,
      probeTimeout: probeTimeout, probeConcurrency: probeConcurrency)
  }
}

/// Magnum's clusters by uuid and by name, with every lookup remembered.
final class FakeMagnum: Sendable {
  private struct Contents {
    var clusters: [Cluster] = []
    var lookups: [String] = []
    var failure: String?
  }
  private let contents = Mutex(Contents())

  func add(_ cluster: Cluster) { contents.withLock { $0.clusters.append(cluster) } }
  func remove(_ id: String) { contents.withLock { $0.clusters.removeAll { $0.uuid == id } } }
  func fail(with message: String) { contents.withLock { $0.failure = message } }
  var lookups: [String] { contents.withLock { $0.lookups } }

  func cluster(_ idOrName: String) throws -> Cluster? {
    try contents.withLock { contents in
      contents.lookups.append(idOrName)
      if let failure = contents.failure { throw VerifyWorld.Failure(message: failure) }
      return contents.clusters.first { $0.uuid == idOrName || $0.name == idOrName }
    }
  }
}

/// A Kubernetes driver answering nodes and releases from memory, per cluster id; unset clusters have none.
final class FakeKubernetesDriver: KubernetesDriver {
  private struct Contents {
    var nodes: [String: [KubernetesNode]] = [:]
    var nodeFailure: [String: String] = [:]
    var releases: [String: [String: DeployedRelease]] = [:]
    var releaseFailure: [String: String] = [:]
    var targets: [KubernetesCluster] = []
  }
  private let contents = Mutex(Contents())

  var name: String { "a test double" }

  func set(nodes: [KubernetesNode], cluster: String = "cluster-128a") {
    contents.withLock { $0.nodes[cluster] = nodes }
  }
  func set(releases: [String: DeployedRelease], cluster: String = "cluster-128a") {
    contents.withLock { $0.releases[cluster] = releases }
  }
  func failNodes(with message: String, cluster: String = "cluster-128a") {
    contents.withLock { $0.nodeFailure[cluster] = message }
  }
  func failReleases(with message: String, cluster: String = "cluster-128a") {
    contents.withLock { $0.releaseFailure[cluster] = message }
  }
  /// Every cluster a call was made on.
  var targets: [KubernetesCluster] { contents.withLock { $0.targets } }

  func nodes(on cluster: KubernetesCluster) async throws -> [KubernetesNode] {
    try contents.withLock { contents in
      contents.targets.append(cluster)
      if let failure = contents.nodeFailure[cluster.clusterID] { throw KubernetesDriverError(failure) }
      return contents.nodes[cluster.clusterID] ?? []
    }
  }

  func release(name: String, namespace: String, on cluster: KubernetesCluster) async throws -> DeployedRelease? {
    try contents.withLock { contents in
      contents.targets.append(cluster)
      if let failure = contents.releaseFailure[cluster.clusterID] { throw KubernetesDriverError(failure) }
      return contents.releases[cluster.clusterID]?[name]
    }
  }

  func toolProblems() async -> [String] { [] }

  func deploy(_ deployment: ReleaseDeployment, on cluster: KubernetesCluster, note: @Sendable (String) async -> Void)
    async throws -> DeployedRelease
  { throw KubernetesDriverError("verification never deploys") }

  func uninstall(
    name: String, namespace: String, timeout: Duration?, on cluster: KubernetesCluster,
    note: @Sendable (String) async -> Void
  ) async throws { throw KubernetesDriverError("verification never uninstalls") }

  func apply(_ manifest: ManifestApplication, on cluster: KubernetesCluster, note: @Sendable (String) async -> Void)
    async throws -> AppliedManifest
  { throw KubernetesDriverError("verification never applies") }

  func manifest(_ manifest: ManifestApplication, on cluster: KubernetesCluster) async throws -> AppliedManifest? {
    nil
  }

  func delete(_ manifest: ManifestApplication, on cluster: KubernetesCluster, note: @Sendable (String) async -> Void)
    async throws
  { throw KubernetesDriverError("verification never deletes") }
}

/// Answers every request with 200 unless told otherwise; remembers requests, timeouts and the most requests in
/// flight at once.
final class FakeHTTPTransport: HTTPTransport {
  private struct Contents {
    var requests: [HTTPRequest] = []
    var timeouts: [Duration] = []
    var inFlight = 0
    var maximumInFlight = 0
    var answer: @Sendable (HTTPRequest) throws -> HTTPResponse = { _ in HTTPResponse(status: 200) }
  }
  private let contents = Mutex(Contents())

  func answer(_ answer: @escaping @Sendable (HTTPRequest) throws -> HTTPResponse) {
    contents.withLock { $0.answer = answer }
  }
  var requests: [HTTPRequest] { contents.withLock { $0.requests } }
  var timeouts: [Duration] { contents.withLock { $0.timeouts } }
  var maximumInFlight: Int { contents.withLock { $0.maximumInFlight } }

  func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
    let answer = contents.withLock { contents in
      contents.requests.append(request)
      contents.timeouts.append(timeout)
      contents.inFlight += 1
      contents.maximumInFlight = max(contents.maximumInFlight, contents.inFlight)
      return contents.answer
    }
    defer { contents.withLock { $0.inFlight -= 1 } }
    // Give the other probes a chance to start, so the bound is what keeps them out.
    for _ in 0..<5 { await Task.yield() }
    return try answer(request)
  }
}
