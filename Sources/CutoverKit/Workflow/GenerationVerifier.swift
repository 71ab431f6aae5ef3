import Foundation
import OpenStack

/// The checklist of `cutover generation verify ENV GEN`: whether a generation can take traffic.
///
/// The checks run in a fixed order: the cluster is `*_COMPLETE` in Magnum; every node is Ready and the workers are as
/// many as declared; every declared release is deployed; and, for each web-proxy domain, every worker's ingress port
/// answers the health path with that `Host` with a 200. A check that cannot run because an earlier one failed (no
/// cluster, no nodes) fails and says why, so the list is always complete.
public struct GenerationVerifier: Sendable {
  public var desired: DesiredState
  public var recorded: [RecordedResource]
  public var access: GenerationAccess
  /// What the health probes go through (``AsyncHTTPClientTransport`` in production).
  public var http: any HTTPTransport
  /// The path asked of each worker's ingress port: the hub's health check.
  public var healthPath: String
  /// How long one probe may take.
  public var probeTimeout: Duration
  /// How many probes run at once.
  public var probeConcurrency: Int

  /// The health path of JupyterHub, which PAWS runs.
  public static let defaultHealthPath = "/hub/health"

  /// - Parameters:
  ///   - desired: the environment's desired state: declared workers, releases, proxy port and domains.
  ///   - recorded: the state's recorded resources: the generation's cluster id and kubeconfig file.
  ///   - access: how Magnum, Kubernetes and the local kubeconfigs are reached.
  ///   - http: the transport of the health probes.
  ///   - healthPath: the path each worker is asked for, with each domain's `Host`.
  ///   - probeTimeout: the bound of one probe.
  ///   - probeConcurrency: how many probes run at once (at least 1).
  public init(
    desired: DesiredState, recorded: [RecordedResource], access: GenerationAccess, http: any HTTPTransport,
    healthPath: String = GenerationVerifier.defaultHealthPath, probeTimeout: Duration = .seconds(5),
    probeConcurrency: Int = 8
  ) {
    self.desired = desired
    self.recorded = recorded
    self.access = access
    self.http = http
    self.healthPath = healthPath.hasPrefix("/") ? healthPath : "/" + healthPath
    self.probeTimeout = probeTimeout
    self.probeConcurrency = max(1, probeConcurrency)
  }

  /// Runs every check on a generation.
  /// - Throws: `CutoverError.usage` when the desired state declares no such generation.
  public func verify(_ generationID: String) async throws -> GenerationVerification {
    guard let generation = desired.generation(generationID) else {
      let declared = desired.generations.map(\.id).joined(separator: ", ")
      throw CutoverError.usage(
        "generation \(generationID) is not declared in clusters/\(desired.environment).yaml"
          + " (declared: \(declared.isEmpty ? "none" : declared))")
    }
    let inspector = GenerationInspector(desired: desired, recorded: recorded, access: access)
    let name = desired.clusterName(of: generationID)
    var checks: [VerificationCheck] = []

    let cluster: Cluster?
    // Why the checks after the first cannot run when there is no cluster to ask.
    var missing = "cluster \(name) does not exist"
    do {
      cluster = try await inspector.cluster(of: generationID)
      checks.append(Self.clusterCheck(cluster, name: name))
    } catch {
      cluster = nil
      missing = "cluster \(name) could not be read from Magnum"
      checks.append(
        VerificationCheck(
          .cluster, passed: false, "cluster \(name): cannot read it from Magnum: \(Executor.describe(error))"))
    }

    var nodes: [KubernetesNode]?
    if let cluster {
      let target = inspector.kubernetesCluster(of: generationID, clusterID: cluster.uuid)
      async let nodeReading = readNodes(on: target)
      async let releaseCheck = releasesCheck(generation.releases, on: target)
      switch await nodeReading {
      case .success(let read):
        nodes = read
        checks.append(Self.nodesCheck(read, declaredWorkers: generation.cluster.workers))
      case .failure(let error):
        checks.append(VerificationCheck(.nodes, passed: false, "nodes: cannot list them: \(error.message)"))
      }
      checks.append(await releaseCheck)
    } else {
      checks.append(VerificationCheck(.nodes, passed: false, "nodes: not checked: \(missing)"))
      checks.append(VerificationCheck(.releases, passed: false, "releases: not checked: \(missing)"))
    }

    checks += await ingressChecks(cluster: cluster, missing: missing, nodes: nodes)
    return GenerationVerification(environment: desired.environment, generation: generationID, checks: checks)
  }

  // MARK: - Cluster

  static func clusterCheck(_ cluster: Cluster?, name: String) -> VerificationCheck {
    guard let cluster else {
      return VerificationCheck(.cluster, passed: false, "cluster \(name) does not exist in Magnum")
    }
    let status = cluster.status
    if status.hasSuffix("_COMPLETE") && !status.hasPrefix("DELETE") {
      return VerificationCheck(.cluster, passed: true, "cluster \(cluster.name) is \(status)")
    }
    var reason = "cluster \(cluster.name) is \(status)"
    if status.hasSuffix("_IN_PROGRESS") {
      reason += " (still building; verify again when it is complete)"
    } else if let why = cluster.statusReason, !why.isEmpty {
      reason += ": \(why)"
    }
    return VerificationCheck(.cluster, passed: false, reason)
  }

  // MARK: - Nodes

  /// The nodes of the cluster, or why they could not be read.
  private func readNodes(on target: KubernetesCluster) async -> Result<[KubernetesNode], KubernetesDriverError> {
    do {
      return .success(try await access.kubernetes.nodes(on: target))
    } catch {
      return .failure(KubernetesDriverError(Executor.describe(error)))
    }
  }

  static func nodesCheck(_ nodes: [KubernetesNode], declaredWorkers: Int) -> VerificationCheck {
    guard !nodes.isEmpty else {
      return VerificationCheck(.nodes, passed: false, "nodes: the cluster reports none (\(declaredWorkers) declared)")
    }
    let workers = nodes.filter { !$0.isControlPlane }.count
    let notReady = nodes.filter { !$0.isReady }
    var problems: [String] = []
    if !notReady.isEmpty {
      let names = notReady.map { "\($0.name) (\($0.ready.rawValue))" }.joined(separator: ", ")
      problems.append("\(nodes.count - notReady.count)/\(nodes.count) Ready; not Ready: \(names)")
    }
    if workers != declaredWorkers {
      problems.append("\(workers) worker\(workers == 1 ? "" : "s"), \(declaredWorkers) declared")
    }
    if problems.isEmpty {
      let controlPlane = nodes.count - workers
      return VerificationCheck(
        .nodes, passed: true,
        "nodes: \(nodes.count)/\(nodes.count) Ready (\(workers) worker\(workers == 1 ? "" : "s") as declared,"
          + " \(controlPlane) control-plane)")
    }
    return VerificationCheck(.nodes, passed: false, "nodes: " + problems.joined(separator: "; "))
  }

  // MARK: - Releases

  private func releasesCheck(_ releases: [ReleaseSpec], on target: KubernetesCluster) async -> VerificationCheck {
    guard !releases.isEmpty else {
      return VerificationCheck(.releases, passed: true, "releases: none declared")
    }
    let driver = access.kubernetes
    let states = await withTaskGroup(of: (Int, String?).self) { group in
      for (index, release) in releases.enumerated() {
        group.addTask {
          do {
            guard let deployed = try await driver.release(name: release.name, namespace: release.namespace, on: target)
            else { return (index, "not installed") }
            return (index, deployed.isDeployed ? nil : deployed.status)
          } catch {
            return (index, "cannot read it: \(Executor.describe(error))")
          }
        }
      }
      var states = [String?](repeating: nil, count: releases.count)
      for await (index, problem) in group { states[index] = problem }
      return states
    }
    let problems = zip(releases, states).compactMap { release, problem in
      problem.map { "\(release.name) (\(release.namespace)): \($0)" }
    }
    let deployed = releases.count - problems.count
    if problems.isEmpty {
      return VerificationCheck(
        .releases, passed: true,
        "releases: \(deployed)/\(releases.count) deployed (\(releases.map(\.name).joined(separator: ", ")))")
    }
    return VerificationCheck(
      .releases, passed: false,
      "releases: \(deployed)/\(releases.count) deployed; " + problems.joined(separator: "; "))
  }

  // MARK: - Ingress probes

  /// The addresses the web proxies would send traffic to: Magnum's worker addresses, else the Ready-or-not
  /// workers' internal addresses as Kubernetes reports them.
  static func workerAddresses(cluster: Cluster?, nodes: [KubernetesNode]?) -> [String] {
    if let addresses = cluster?.nodeAddresses, !addresses.isEmpty { return addresses }
    return (nodes ?? []).filter { !$0.isControlPlane }.compactMap(\.internalIPs.first)
  }

  /// One check per proxy domain; `missing` says why nothing is probed when there is no cluster.
  private func ingressChecks(cluster: Cluster?, missing: String, nodes: [KubernetesNode]?) async
    -> [VerificationCheck]
  {
    guard let proxies = desired.webProxies, !proxies.domains.isEmpty else {
      return [VerificationCheck(.ingress, passed: true, "ingress: no web proxies declared; nothing to probe")]
    }
    let addresses = Self.workerAddresses(cluster: cluster, nodes: nodes)
    guard !addresses.isEmpty else {
      let why = cluster == nil ? missing : "no worker addresses are known (Magnum or nodes)"
      return proxies.domains.map { domain in
        VerificationCheck(.ingress, passed: false, "\(domain): not probed: \(why)")
      }
    }
    var probes: [IngressProbe] = []
    for domain in proxies.domains {
      for address in addresses {
        probes.append(IngressProbe(domain: domain, address: address, port: proxies.port, path: healthPath))
      }
    }
    let outcomes = await run(probes)
    return proxies.domains.map { domain in
      let results = zip(probes, outcomes).filter { $0.0.domain == domain }
      let failures = results.compactMap { probe, outcome in outcome.map { "\(probe.address): \($0)" } }
      let answered = results.count - failures.count
      let summary = "\(domain): \(answered)/\(results.count) workers answered 200 on \(healthPath)"
      if failures.isEmpty { return VerificationCheck(.ingress, passed: true, summary) }
      return VerificationCheck(.ingress, passed: false, summary + "; " + failures.joined(separator: ", "))
    }
  }

  /// Sends the probes, at most `probeConcurrency` at once; each outcome is nil for a 200, else what went wrong.
  private func run(_ probes: [IngressProbe]) async -> [String?] {
    let http = self.http
    let timeout = probeTimeout
    return await withTaskGroup(of: (Int, String?).self) { group in
      var outcomes = [String?](repeating: nil, count: probes.count)
      var next = 0
      func startNext() {
        guard next < probes.count else { return }
        let index = next
        let probe = probes[index]
        next += 1
        group.addTask { (index, await probe.send(through: http, timeout: timeout)) }
      }
      for _ in 0..<min(probeConcurrency, probes.count) { startNext() }
      for await (index, outcome) in group {
        outcomes[index] = outcome
        startNext()
      }
      return outcomes
    }
  }
}

/// One HTTP GET of a worker's ingress port with a proxy domain's `Host`.
struct IngressProbe: Sendable, Equatable {
  var domain: String
  var address: String
  var port: Int
  var path: String

  var url: String {
    let host = address.contains(":") ? "[\(address)]" : address
    return "http://\(host):\(port)\(path)"
  }

  /// Nil when the worker answered 200; otherwise the status or the transport's error.
  func send(through http: any HTTPTransport, timeout: Duration) async -> String? {
    let request = HTTPRequest(method: "GET", url: url, headers: [("Host", domain), ("User-Agent", "cutover-verify")])
    do {
      let response = try await http.send(request, timeout: timeout)
      return response.status == 200 ? nil : "HTTP \(response.status)"
    } catch let error as HTTPTransportError {
      return error.kind == .timedOut ? "no answer within \(timeout.components.seconds)s" : error.detail
    } catch {
      return Executor.describe(error)
    }
  }
}

// MARK: - Results

/// The outcome of `generation verify`: every check in order, each passed or failed with its reason.
public struct GenerationVerification: Sendable, Equatable {
  public var environment: String
  public var generation: String
  public var checks: [VerificationCheck]

  public init(environment: String, generation: String, checks: [VerificationCheck]) {
    self.environment = environment
    self.generation = generation
    self.checks = checks
  }

  /// Whether every check passed (and there was at least one).
  public var passed: Bool { !checks.isEmpty && checks.allSatisfy(\.passed) }

  /// One line per check, as the command prints them.
  public var lines: [String] { checks.map(\.line) }

  /// The failed checks.
  public var failures: [VerificationCheck] { checks.filter { !$0.passed } }
}

/// One line of the checklist.
public struct VerificationCheck: Sendable, Equatable {
  /// What a check is about.
  public enum Kind: String, Sendable, Equatable {
    /// The Magnum cluster's status.
    case cluster
    /// Node readiness and the worker count.
    case nodes
    /// The declared Helm releases.
    case releases
    /// A proxy domain's health path through every worker's ingress port.
    case ingress
  }

  public var kind: Kind
  public var passed: Bool
  /// One line saying what was found.
  public var reason: String

  public init(_ kind: Kind, passed: Bool, _ reason: String) {
    self.kind = kind
    self.passed = passed
    self.reason = reason
  }

  /// `PASS <reason>` or `FAIL <reason>`.
  public var line: String { "\(passed ? "PASS" : "FAIL") \(reason)" }
}

// MARK: - Reaching a generation

/// How verification and status reach a generation: Magnum (by id or name), the Kubernetes driver, and the local
/// workspace holding the generation's kubeconfig.
public struct GenerationAccess: Sendable {
  /// Reads a Magnum cluster by uuid or name; nil when Magnum has none.
  public var cluster: @Sendable (String) async throws -> Cluster?
  public var kubernetes: any KubernetesDriver
  public var local: LocalWorkspace

  public init(
    cluster: @escaping @Sendable (String) async throws -> Cluster?, kubernetes: any KubernetesDriver,
    local: LocalWorkspace
  ) {
    self.cluster = cluster
    self.kubernetes = kubernetes
    self.local = local
  }

  /// Through an apply's cloud clients.
  public init(cloud: CloudClients) {
    let magnum = cloud.magnum
    self.init(cluster: { try await magnum.cluster(id: $0) }, kubernetes: cloud.kubernetes, local: cloud.local)
  }
}

/// Finds a generation's cluster and kubeconfig from what the state recorded.
struct GenerationInspector: Sendable {
  var desired: DesiredState
  var recorded: [RecordedResource]
  var access: GenerationAccess

  func recordedObject(_ type: String, of generation: String) -> RecordedResource? {
    recorded.first { $0.address == ResourceAddress(type: type, name: generation) && $0.deposedKey == nil }
  }

  /// The cluster by its recorded id, else by its name (`<prefix>-<gen>`); nil when Magnum has neither.
  func cluster(of generation: String) async throws -> Cluster? {
    if let id = recordedObject(ClusterResource.typeName, of: generation)?.remoteID,
      let cluster = try await access.cluster(id)
    {
      return cluster
    }
    let name =
      recordedObject(ClusterResource.typeName, of: generation)?.attributes[ClusterResource.Attribute.name]?.stringValue
      ?? desired.clusterName(of: generation)
    return try await access.cluster(name)
  }

  /// The target of Kubernetes calls: the cluster and the kubeconfig recorded for the generation (or where Cutover
  /// writes it).
  func kubernetesCluster(of generation: String, clusterID: String) -> KubernetesCluster {
    let recordedPath = recordedObject(KubeconfigResource.typeName, of: generation)?.remoteID.flatMap {
      try? access.local.path(ofID: $0)
    }
    // Where the kubeconfig resource writes it (`kube/<gen>.config`), without making directories on a read.
    let path = recordedPath ?? access.local.directory.map { "\($0)/kube/\(generation).config" } ?? ""
    return KubernetesCluster(clusterID: clusterID, kubeconfig: path)
  }
}
