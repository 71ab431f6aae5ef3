import CutoverKit
import Foundation
import OpenStack
import TestSupport
import Testing

/// The optional `load_balancer:` tier: Neutron and Nova objects in the simulated cloud, configs rendered under
/// `state/eqiad1/rendered/<host>/`, checked by the real haproxy and keepalived, and handed to a `deliver:` command.
@Suite("load balancer tier")
struct LoadBalancerTests {
  static let secret = "vrrp-pw1"
  static let environment = [DesiredStateFixture.vrrpSecretVariable: secret]

  @Test("apply makes the VIP port, floating IP, security group and server groups, and renders each host's configs")
  func applyBuildsTheTier() async throws {
    let workspace = try await Workspace.withLoadBalancerHosts()
    let apply = try requireExit(0, try await workspace.apply(environment: Self.environment))
    #expect(apply.stdout.contains("haproxy.paws-k8s-haproxy-1: accepted by haproxy"), "\(apply)")
    #expect(apply.stdout.contains("keepalived.paws-k8s-haproxy-2: accepted by keepalived"), "\(apply)")

    let cluster = try workspace.cluster("127d", in: try await workspace.cloudSnapshot())
    try await SimulatedCloud.withClients(databasePath: workspace.simulatedCloudFile()) { cloud in
      let ports = try await cloud.neutron.ports()
      let vip = try #require(ports.first { $0.name == "paws-vip" })
      #expect(vip.ipAddresses == ["172.16.1.171"])
      for (name, _) in DesiredStateFixture.haproxyHosts {
        let host = try #require(ports.first { $0.name == name })
        #expect(host.allowedAddressPairs.map(\.ipAddress) == ["172.16.1.171"], "\(name)")
      }
      let floating = try #require(try await cloud.neutron.floatingIPs(address: "185.15.56.57").first)
      #expect(floating.portID == vip.id)

      let group = try #require(try await cloud.neutron.securityGroups(name: "paws-loadbalancer").first)
      let ingress = group.rules.filter { $0.direction == "ingress" }
      #expect(ingress.contains { $0.portRangeMin == 443 && $0.remoteIPPrefix == "0.0.0.0/0" })
      #expect(ingress.contains { $0.portRangeMin == 6443 && $0.remoteIPPrefix == "172.16.0.0/12" })
      #expect(!ingress.contains { $0.portRangeMin == 6443 && $0.remoteIPPrefix == "0.0.0.0/0" }, "6443 is open")
      #expect(ingress.filter { $0.protocol == "vrrp" }.count == 2)

      let groups = try await cloud.nova.serverGroups()
      #expect(
        Dictionary(uniqueKeysWithValues: groups.map { ($0.name, $0.effectivePolicy ?? "") }) == [
          "paws-k8s-control": "anti-affinity", "paws-k8s-haproxy": "anti-affinity",
          "paws-k8s-worker": "soft-anti-affinity",
        ])
    }

    let haproxy = try String(
      contentsOfFile: workspace.path("state/eqiad1/rendered/paws-k8s-haproxy-1/haproxy.cfg"), encoding: .utf8)
    for master in cluster.masterAddresses ?? [] { #expect(haproxy.contains("\(master):6443"), "\(haproxy)") }
    for node in cluster.nodeAddresses ?? [] { #expect(haproxy.contains("\(node):30001"), "\(haproxy)") }
    #expect(try workspace.permissions("state/eqiad1/rendered/paws-k8s-haproxy-1/keepalived.conf") == 0o600)
    let keepalived = try String(
      contentsOfFile: workspace.path("state/eqiad1/rendered/paws-k8s-haproxy-1/keepalived.conf"), encoding: .utf8)
    #expect(keepalived.contains(Self.secret))
    #expect(keepalived.contains("172.16.1.21"), "the other host is the unicast peer")

    // The password is in the rendered file only: never in state, plan output or the journal.
    let state = try Data(contentsOf: URL(fileURLWithPath: workspace.stateFile()))
    #expect(state.range(of: Data(Self.secret.utf8)) == nil)
    #expect(!apply.stdout.contains(Self.secret) && !apply.stderr.contains(Self.secret))

    let delivered = try String(contentsOfFile: workspace.path("delivered.log"), encoding: .utf8)
    #expect(delivered.split(separator: "\n").count == 4, "\(delivered)")
    #expect(delivered.contains("haproxy paws-k8s-haproxy-2 172.16.1.21 "), "\(delivered)")
    try requireExit(0, try await workspace.plan(["--detailed-exitcode"], environment: Self.environment))

    // Where the password cannot be read (a CI preview), the plan says so up front, and the apply writes nothing.
    let preview = try requireExit(2, try await workspace.plan(["--detailed-exitcode"]))
    #expect(
      preview.stdout.contains("the VRRP password is unavailable (environment variable PAWS_VRRP_SECRET is not set)"),
      "\(preview)")
    let refused = try requireExit(1, try await workspace.apply())
    #expect(refused.stdout.contains("keepalived.paws-k8s-haproxy-1: failed"), "\(refused)")
    #expect(
      try String(
        contentsOfFile: workspace.path("state/eqiad1/rendered/paws-k8s-haproxy-1/keepalived.conf"), encoding: .utf8)
        == keepalived)
  }

  @Test("a VIP pair or rule removed by hand, or a config edited on disk, is drift the next apply puts back")
  func driftIsPutBack() async throws {
    let workspace = try await Workspace.withLoadBalancerHosts(deliver: false)
    try requireExit(0, try await workspace.apply(environment: Self.environment))
    try await SimulatedCloud.withClients(databasePath: workspace.simulatedCloudFile()) { cloud in
      let host = try #require(try await cloud.neutron.ports(name: "paws-k8s-haproxy-2").first)
      _ = try await cloud.neutron.updateAllowedAddressPairs(portID: host.id, pairs: [])
      let group = try #require(try await cloud.neutron.securityGroups(name: "paws-loadbalancer").first)
      let rule = try #require(group.rules.first { $0.portRangeMin == 443 })
      try await cloud.neutron.deleteSecurityGroupRule(id: rule.id)
    }
    let cfg = workspace.path("state/eqiad1/rendered/paws-k8s-haproxy-1/haproxy.cfg")
    try "# emptied by hand\n".write(toFile: cfg, atomically: true, encoding: .utf8)

    let plan = try requireExit(2, try await workspace.plan(["--detailed-exitcode"], environment: Self.environment))
    #expect(plan.stdout.contains("vip_port.paws changed outside Cutover"), "\(plan)")
    #expect(plan.stdout.contains("security_group.paws-loadbalancer changed outside Cutover"), "\(plan)")
    #expect(plan.stdout.contains("haproxy.paws-k8s-haproxy-1 changed outside Cutover"), "\(plan)")
    #expect(plan.lastLine == "Plan: 0 to add, 3 to change, 0 to destroy.", "\(plan)")
    try requireExit(0, try await workspace.apply(environment: Self.environment))
    try requireExit(0, try await workspace.plan(["--detailed-exitcode"], environment: Self.environment))
    #expect(try String(contentsOfFile: cfg, encoding: .utf8).contains("backend ingress_443"))
  }

  @Test("switching live re-renders the haproxy backends in place, and they then guard the new generation")
  func switchingLiveRerendersBackends() async throws {
    let workspace = try await Workspace.withLoadBalancerHosts()
    var desired = try DesiredStateFixture.eqiad1()
    desired.addLoadBalancer(deliver: #"echo "$CUTOVER_KIND $CUTOVER_HOST" >> delivered.log"#)
    try desired.setGenerations([("127d", "{}"), ("128a", "{}")])
    try workspace.write(desired)
    try requireExit(0, try await workspace.apply(environment: Self.environment))

    try desired.setLive("128a")
    try workspace.write(desired)
    let plan = try requireExit(2, try await workspace.plan(["--detailed-exitcode"], environment: Self.environment))
    #expect(plan.stdout.contains("~ haproxy.paws-k8s-haproxy-1"), "\(plan)")
    #expect(!plan.stdout.contains("~ keepalived."), "\(plan)")
    try requireExit(0, try await workspace.apply(environment: Self.environment))
    let green = try workspace.cluster("128a", in: try await workspace.cloudSnapshot())
    let haproxy = try String(
      contentsOfFile: workspace.path("state/eqiad1/rendered/paws-k8s-haproxy-2/haproxy.cfg"), encoding: .utf8)
    for node in green.nodeAddresses ?? [] { #expect(haproxy.contains("\(node):30001")) }

    // 128a is live and haproxy points at it: removing it from the file is refused, naming haproxy.
    try desired.setGenerations([("127d", "{}")])
    try desired.setLive("127d")
    try workspace.write(desired)
    let refused = try requireExit(1, try await workspace.plan(environment: Self.environment))
    #expect(refused.stderr.contains("haproxy.paws-k8s-haproxy-1"), "\(refused)")
  }

  @Test("a config the daemon rejects fails the apply for that host with the daemon's message; nothing is delivered")
  func rejectedConfigIsNotDelivered() async throws {
    let workspace = try await Workspace.withLoadBalancerHosts()
    // A stand-in haproxy, first on PATH, that rejects every file the way haproxy -c reports a parse error.
    let bin = workspace.path("bin")
    try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
    let script = """
      #!/bin/sh
      echo "[NOTICE]   (1) : haproxy version is 2.6.12"
      echo "[ALERT]    (1) : config : parsing [haproxy.cfg:24] : unknown keyword 'bnid' in 'frontend' section"
      echo "[ALERT]    (1) : config : Fatal errors found in configuration."
      exit 1
      """
    try script.write(toFile: bin + "/haproxy", atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/haproxy")
    let path = "\(bin):\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")"

    let apply = try requireExit(
      1, try await workspace.apply(environment: Self.environment.merging(["PATH": path]) { $1 }))
    #expect(apply.stdout.contains("unknown keyword 'bnid'"), "\(apply)")
    #expect(apply.stdout.contains("haproxy.paws-k8s-haproxy-1: failed"), "\(apply)")
    #expect(
      !FileManager.default.fileExists(atPath: workspace.path("state/eqiad1/rendered/paws-k8s-haproxy-1/haproxy.cfg")))
    let delivered = (try? String(contentsOfFile: workspace.path("delivered.log"), encoding: .utf8)) ?? ""
    #expect(!delivered.contains("haproxy "), "\(delivered)")
    #expect(
      delivered.contains("keepalived paws-k8s-haproxy-1"), "keepalived is checked by the real daemon: \(delivered)")
  }
}

/// What the review of the load-balancer tier found, each pinned by a test.
@Suite("load balancer tier: the edges")
struct LoadBalancerEdgeTests {
  static let environment = LoadBalancerTests.environment

  @Test("rendered files missing here are drift, not gone: haproxy's recorded backends still guard their generation")
  func missingRenderedFilesStillGuard() async throws {
    let workspace = try await Workspace.withLoadBalancerHosts(deliver: false)
    var desired = try DesiredStateFixture.eqiad1()
    desired.addLoadBalancer()
    try desired.setGenerations([("127d", "{}"), ("128a", "{}")])
    try workspace.write(desired)
    try requireExit(0, try await workspace.apply(environment: Self.environment))
    try FileManager.default.removeItem(atPath: workspace.path("state/eqiad1/rendered"))

    let plan = try requireExit(2, try await workspace.plan(["--detailed-exitcode"], environment: Self.environment))
    #expect(plan.stdout.contains(#"on_disk: "as rendered" -> "missing""#), "\(plan)")
    #expect(!plan.stdout.contains("is gone from the cloud"), "\(plan)")

    // haproxy was last told to send traffic to 127d: retiring 127d in the same plan as the switch is refused.
    try desired.setGenerations([("128a", "{}")])
    try desired.setLive("128a")
    try workspace.write(desired)
    let refused = try requireExit(1, try await workspace.plan(environment: Self.environment))
    #expect(refused.stderr.contains("generation 127d"), "\(refused)")
    #expect(refused.stderr.contains("haproxy.paws-k8s-haproxy-1"), "\(refused)")
  }

  @Test("state names local files inside the state directory, so a run from elsewhere finds them")
  func runFromAnotherDirectory() async throws {
    let workspace = try await Workspace.withLoadBalancerHosts(deliver: false)
    try requireExit(0, try await workspace.apply(environment: Self.environment))
    let elsewhere = workspace.root
    let plan = try requireExit(
      0,
      try await workspace.run(
        [
          "plan", "eqiad1", "--simulate", "--detailed-exitcode", "--clusters", workspace.path("clusters"), "--state",
          workspace.path("state"),
        ], environment: Self.environment, workingDirectory: elsewhere))
    #expect(plan.stdout.contains("No changes."), "\(plan)")
  }

  @Test("--replace of a rendered config renders it anew, delivers it again, and keeps the new file")
  func replaceKeepsTheNewFile() async throws {
    let workspace = try await Workspace.withLoadBalancerHosts()
    try requireExit(0, try await workspace.apply(environment: Self.environment))
    let file = workspace.path("state/eqiad1/rendered/paws-k8s-haproxy-1/haproxy.cfg")
    let rendered = try String(contentsOfFile: file, encoding: .utf8)
    let firstWrite = try Self.inode(file)
    let deliveredBefore = try Self.deliveries(in: workspace)

    let replaced = try requireExit(
      0, try await workspace.apply(["--replace", "haproxy.paws-k8s-haproxy-1"], environment: Self.environment))
    #expect(replaced.stdout.contains("haproxy.paws-k8s-haproxy-1 will be replaced, as requested"), "\(replaced)")
    #expect(replaced.stdout.contains("haproxy.paws-k8s-haproxy-1: accepted by haproxy"), "\(replaced)")
    #expect(replaced.lastLine?.hasPrefix("Apply complete! Resources: 1 added, 0 changed, 1 destroyed.") == true)
    // Written anew (a new file renamed into place) with the same text, and handed to the deliver command once more;
    // the deposed object's delete left the new file alone.
    #expect(try String(contentsOfFile: file, encoding: .utf8) == rendered)
    #expect(try Self.inode(file) != firstWrite, "the file was not written again")
    let delivered = try Self.deliveries(in: workspace)
    #expect(delivered.count == deliveredBefore.count + 1, "\(delivered)")
    #expect(delivered.last?.hasPrefix("haproxy paws-k8s-haproxy-1 172.16.1.20 ") == true, "\(delivered)")
    try requireExit(0, try await workspace.plan(["--detailed-exitcode"], environment: Self.environment))
  }

  /// The inode of a file: a file written again (to a temporary name, then renamed) has a new one.
  private static func inode(_ path: String) throws -> Int {
    try #require(try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int)
  }

  /// The lines the deliver command of ``Workspace/withLoadBalancerHosts(deliver:)`` appended, one per delivery.
  private static func deliveries(in workspace: Workspace) throws -> [String] {
    try String(contentsOfFile: workspace.path("delivered.log"), encoding: .utf8).split(separator: "\n").map(String.init)
  }

  @Test("the VRRP password a deliver command prints is masked before it reaches the journal")
  func deliverOutputIsMasked() async throws {
    var desired = try DesiredStateFixture.eqiad1()
    desired.addLoadBalancer(deliver: #"grep auth_pass "$CUTOVER_FILE" || true"#)
    let workspace = try await Workspace.withLoadBalancerHosts(deliver: false)
    try workspace.write(desired)
    try requireExit(0, try await workspace.apply(environment: Self.environment))
    let history = try requireExit(0, try await workspace.run(["state", "history", "eqiad1"]))
    #expect(history.stdout.contains("deliver: auth_pass (sensitive)"), "\(history)")
    #expect(!history.stdout.contains(LoadBalancerTests.secret), "\(history)")
    let state = try Data(contentsOf: URL(fileURLWithPath: workspace.stateFile()))
    #expect(state.range(of: Data(LoadBalancerTests.secret.utf8)) == nil)
  }

  @Test("every known secret of the run is masked in any deliver output and error, whichever config delivers")
  func deliverOutputIsMaskedForEveryKind() async throws {
    var desired = try DesiredStateFixture.eqiad1()
    // The deliver command sees Cutover's environment, so it can print the VRRP password while delivering haproxy.
    desired.addLoadBalancer(
      deliver: "echo \"$CUTOVER_KIND on $CUTOVER_HOST knows $\(DesiredStateFixture.vrrpSecretVariable)\"; exit 3")
    let workspace = try await Workspace.withLoadBalancerHosts(deliver: false)
    try workspace.write(desired)
    let apply = try requireExit(1, try await workspace.apply(environment: LoadBalancerTests.environment))
    #expect(
      !apply.stdout.contains(LoadBalancerTests.secret) && !apply.stderr.contains(LoadBalancerTests.secret), "\(apply)")
    #expect(apply.stderr.contains("haproxy on paws-k8s-haproxy-1 knows (sensitive)"), "\(apply)")
    let history = try requireExit(0, try await workspace.run(["state", "history", "eqiad1"]))
    #expect(history.stdout.contains("deliver: haproxy on paws-k8s-haproxy-1 knows (sensitive)"), "\(history)")
    #expect(history.stdout.contains("deliver: keepalived on paws-k8s-haproxy-1 knows (sensitive)"), "\(history)")
    #expect(!history.stdout.contains(LoadBalancerTests.secret), "\(history)")
    for file in [workspace.stateFile(), workspace.stateFile() + "-wal"] {
      guard let data = FileManager.default.contents(atPath: file) else { continue }
      #expect(data.range(of: Data(LoadBalancerTests.secret.utf8)) == nil, "\(file) holds the VRRP password")
    }
  }

  @Test("a rule added by hand for another purpose is left alone; removing public_ip is refused outside destroy")
  func handRulesAndFloatingIP() async throws {
    let workspace = try await Workspace.withLoadBalancerHosts(deliver: false)
    try requireExit(0, try await workspace.apply(environment: Self.environment))
    try await SimulatedCloud.withClients(databasePath: workspace.simulatedCloudFile()) { cloud in
      let group = try #require(try await cloud.neutron.securityGroups(name: "paws-loadbalancer").first)
      _ = try await cloud.neutron.createSecurityGroupRule(
        SecurityGroupRuleCreateRequest(
          securityGroupID: group.id, direction: "ingress", ethertype: "IPv4", protocol: "tcp", portRangeMin: 22,
          portRangeMax: 22, remoteIPPrefix: "172.16.0.0/21"))
    }
    try requireExit(0, try await workspace.plan(["--detailed-exitcode"], environment: Self.environment))

    var desired = try DesiredStateFixture.eqiad1()
    desired.addLoadBalancer()
    try workspace.write(
      DesiredStateFixture(
        text: desired.text.replacingOccurrences(
          of: "\n  public_ip: 185.15.56.57\n  external_network: wan-transport-eqiad\n", with: "\n")))
    let refused = try requireExit(1, try await workspace.plan(environment: Self.environment))
    #expect(refused.stderr.contains("floating_ip.paws: deleting it releases the public address"), "\(refused)")
  }
}
