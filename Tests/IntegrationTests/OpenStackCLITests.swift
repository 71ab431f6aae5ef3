import Foundation
import TestSupport
import Testing

/// The real `openstack` CLI (python-openstackclient with python-magnumclient) pointed at `cutover simulator serve`
/// through the `clouds.yaml` it writes: every object PAWS uses is created, listed and shown without an error.
@Suite("the openstack CLI against the simulator")
struct OpenStackCLITests {
  /// PAWS's load-balancer addresses: the VIP in `vxlan-dualstack-ipv4` and its public address.
  private static let vip = "172.16.1.171"
  private static let publicAddress = "185.15.56.57"

  @Test("coe cluster template and cluster: create, list, show, and a kubeconfig from `coe cluster config`")
  func magnum() async throws {
    let served = try await ServedCloud.start()
    defer { served.stop() }
    let cli = served.cli

    let template = try await Self.succeed(
      cli,
      [
        "coe", "cluster", "template", "create", "paws-127d", "--coe", "kubernetes", "--image", "Fedora-CoreOS-38",
        "--keypair", "paws-magnum-vm", "--flavor", "g4.cores8.ram32.disk20", "--master-flavor",
        "g4.cores2.ram4.disk20", "--external-network", "wan-transport-eqiad", "--fixed-network",
        "VXLAN/IPv6-dualstack", "--fixed-subnet", "vxlan-dualstack-ipv4", "--network-driver", "calico",
        "--docker-volume-size", "80", "--labels", "kube_tag=v1.27.8-rancher2,container_runtime=containerd",
        "-f", "json",
      ])
    #expect(Self.object(template)["name"] as? String == "paws-127d", "\(template)")
    let cluster = try await Self.succeed(
      cli,
      [
        "coe", "cluster", "create", "paws-127d", "--cluster-template", "paws-127d", "--master-count", "1",
        "--node-count", "3", "--timeout", "60",
      ])
    #expect(cluster.stdout.contains("Request to create cluster"), "\(cluster)")

    let kubeconfigFolder = served.workspace.path("kube")
    try FileManager.default.createDirectory(atPath: kubeconfigFolder, withIntermediateDirectories: true)
    let reads = try await Self.succeedAll(
      cli,
      [
        ["coe", "cluster", "template", "list", "-f", "json"],
        ["coe", "cluster", "template", "show", "paws-127d", "-f", "json"],
        ["coe", "cluster", "list", "-f", "json"],
        ["coe", "cluster", "show", "paws-127d", "-f", "json"],
        ["coe", "cluster", "config", "paws-127d", "--dir", kubeconfigFolder, "--force"],
      ])
    #expect(Self.names(reads[0]) == ["paws-127d"], "\(reads[0])")
    #expect(
      Self.object(reads[1])["labels"] as? [String: String] == [
        "kube_tag": "v1.27.8-rancher2", "container_runtime": "containerd",
      ], "\(reads[1])")
    #expect(Self.names(reads[2]) == ["paws-127d"], "\(reads[2])")
    let shown = Self.object(reads[3])
    #expect(shown["status"] as? String == "CREATE_COMPLETE", "\(reads[3])")
    #expect(shown["node_count"] as? Int == 3, "\(reads[3])")
    #expect((shown["node_addresses"] as? [String])?.count == 3, "\(reads[3])")
    let apiAddress = try #require(shown["api_address"] as? String, "\(reads[3])")
    let kubeconfig = try String(contentsOfFile: kubeconfigFolder + "/config", encoding: .utf8)
    #expect(kubeconfig.contains("server: \(apiAddress)"), "\(kubeconfig)")
    #expect(reads[4].stdout.contains("KUBECONFIG=\(kubeconfigFolder)/config"), "\(reads[4])")
  }

  @Test("ports, floating IPs, security groups and server groups: create, list, show")
  func networkAndCompute() async throws {
    let served = try await ServedCloud.start()
    defer { served.stop() }
    let cli = served.cli

    let groups = try await Self.succeedAll(
      cli,
      [
        [
          "security", "group", "create", "paws-loadbalancer", "--description", "keeps the internet off 6443", "-f",
          "json",
        ],
        ["server", "group", "create", "paws-k8s-control", "--policy", "anti-affinity", "-f", "json"],
        [
          "--os-compute-api-version", "2.64", "server", "group", "create", "paws-k8s-workers", "--policy",
          "soft-anti-affinity", "-f", "json",
        ],
      ])
    let securityGroup = Self.object(groups[0])
    #expect(securityGroup["name"] as? String == "paws-loadbalancer", "\(groups[0])")
    // Neutron gives a new group its two default egress rules.
    let defaultRules = securityGroup["rules"] as? [[String: Any]] ?? []
    #expect(defaultRules.map { $0["direction"] as? String } == ["egress", "egress"], "\(groups[0])")
    #expect(Self.object(groups[1])["name"] as? String == "paws-k8s-control", "\(groups[1])")
    #expect(Self.object(groups[2])["policy"] as? String == "soft-anti-affinity", "\(groups[2])")

    let vipAndRule = try await Self.succeedAll(
      cli,
      [
        [
          "port", "create", "paws-vip", "--network", "VXLAN/IPv6-dualstack", "--fixed-ip",
          "subnet=vxlan-dualstack-ipv4,ip-address=\(Self.vip)", "--security-group", "paws-loadbalancer", "-f", "json",
        ],
        [
          "security", "group", "rule", "create", "paws-loadbalancer", "--protocol", "tcp", "--dst-port", "6443",
          "--remote-ip", "172.16.0.0/21", "-f", "json",
        ],
      ])
    let port = Self.object(vipAndRule[0])
    #expect((port["fixed_ips"] as? [[String: Any]])?.first?["ip_address"] as? String == Self.vip, "\(vipAndRule[0])")
    #expect(Self.object(vipAndRule[1])["port_range_min"] as? Int == 6443, "\(vipAndRule[1])")

    _ = try await Self.succeedAll(
      cli,
      [
        [
          "floating", "ip", "create", "wan-transport-eqiad", "--floating-ip-address", Self.publicAddress, "--port",
          "paws-vip", "-f", "json",
        ],
        ["port", "set", "paws-vip", "--allowed-address", "ip-address=172.16.1.172"],
      ])

    let reads = try await Self.succeedAll(
      cli,
      [
        ["port", "list", "--fixed-ip", "ip-address=\(Self.vip)", "-f", "json"],
        ["port", "show", "paws-vip", "-f", "json"],
        ["floating", "ip", "list", "-f", "json"],
        ["floating", "ip", "show", Self.publicAddress, "-f", "json"],
        ["security", "group", "list", "-f", "json"],
        ["security", "group", "show", "paws-loadbalancer", "-f", "json"],
        ["server", "group", "list", "-f", "json"],
        ["--os-compute-api-version", "2.64", "server", "group", "show", "paws-k8s-workers", "-f", "json"],
      ])
    #expect(Self.names(reads[0]) == ["paws-vip"], "\(reads[0])")
    let pairs = Self.object(reads[1])["allowed_address_pairs"] as? [[String: Any]] ?? []
    #expect(pairs.map { $0["ip_address"] as? String } == ["172.16.1.172"], "\(reads[1])")
    let floatingIPs = Self.rows(reads[2])
    #expect(floatingIPs.map { $0["Floating IP Address"] as? String } == [Self.publicAddress], "\(reads[2])")
    #expect(floatingIPs.first?["Fixed IP Address"] as? String == Self.vip, "\(reads[2])")
    #expect(Self.object(reads[3])["port_id"] as? String == port["id"] as? String, "\(reads[3])")
    #expect(Self.names(reads[4]).contains("paws-loadbalancer"), "\(reads[4])")
    let rules = Self.object(reads[5])["rules"] as? [[String: Any]] ?? []
    #expect(rules.compactMap { $0["port_range_min"] as? Int } == [6443], "\(reads[5])")
    #expect(Set(Self.names(reads[6])) == ["paws-k8s-control", "paws-k8s-workers"], "\(reads[6])")
    #expect(Self.object(reads[7])["policy"] as? String == "soft-anti-affinity", "\(reads[7])")
  }

  // MARK: - Helpers

  /// Runs one command and requires it to exit 0.
  private static func succeed(
    _ cli: OpenStackCLI, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation
  ) async throws -> OpenStackCLI.Result {
    let result = try await cli.run(arguments)
    try #require(result.exitCode == 0 && !result.timedOut, "\(result)", sourceLocation: sourceLocation)
    return result
  }

  /// Runs independent commands concurrently (each costs a Python start-up, so a few at a time), requires every
  /// one to exit 0, and returns their results in the order given.
  private static func succeedAll(
    _ cli: OpenStackCLI, _ commands: [[String]], sourceLocation: SourceLocation = #_sourceLocation
  ) async throws -> [OpenStackCLI.Result] {
    let width = max(2, min(4, ProcessInfo.processInfo.activeProcessorCount))
    var results = [OpenStackCLI.Result?](repeating: nil, count: commands.count)
    try await withThrowingTaskGroup(of: (Int, OpenStackCLI.Result).self) { group in
      var next = 0
      for _ in 0..<min(width, commands.count) {
        let index = next
        group.addTask { (index, try await cli.run(commands[index])) }
        next += 1
      }
      while let (index, result) = try await group.next() {
        results[index] = result
        if next < commands.count {
          let index = next
          group.addTask { (index, try await cli.run(commands[index])) }
          next += 1
        }
      }
    }
    let finished = results.compactMap { $0 }
    for result in finished {
      try #require(result.exitCode == 0 && !result.timedOut, "\(result)", sourceLocation: sourceLocation)
    }
    return finished
  }

  /// The object a `show` or `create` printed with `-f json`.
  private static func object(_ result: OpenStackCLI.Result) -> [String: Any] {
    result.json as? [String: Any] ?? [:]
  }

  /// The rows a `list` printed with `-f json`.
  private static func rows(_ result: OpenStackCLI.Result) -> [[String: Any]] {
    result.json as? [[String: Any]] ?? []
  }

  /// The `Name` (or `name`) column of a `list`.
  private static func names(_ result: OpenStackCLI.Result) -> [String] {
    rows(result).compactMap { ($0["Name"] ?? $0["name"]) as? String }
  }
}

/// `cutover simulator serve` on a free loopback port with `--clouds-yaml` in a fresh workspace, and the CLI pointed
/// at the `simulator` entry of that file.
private struct ServedCloud {
  let workspace: Workspace
  let server: BackgroundCommand
  let cli: OpenStackCLI

  static func start() async throws -> ServedCloud {
    let workspace = try Workspace()
    let cloudsYAML = workspace.path("clouds.yaml")
    let cli: OpenStackCLI
    do {
      cli = try OpenStackCLI(cloudsYAML: cloudsYAML, cloud: "simulator", home: workspace.home)
    } catch {
      Issue.record("\(error)")
      throw error
    }
    let server = try workspace.start(
      ["simulator", "serve", "--port", "0", "--clouds-yaml", cloudsYAML],
      environment: ["CUTOVER_SIMULATOR_BUILD_SECONDS": "0"])
    try await server.waitForOutput("Ctrl-C stops it.", timeout: .seconds(60))
    return ServedCloud(workspace: workspace, server: server, cli: cli)
  }

  /// Stops the server; the workspace (and its files) lives until this is called.
  func stop() {
    server.kill()
  }
}
