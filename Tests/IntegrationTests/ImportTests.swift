import Foundation
import TestSupport
import Testing

@Suite("adopting what exists")
struct ImportTests {
  /// A cloud that holds PAWS as it runs today (made by an apply), with the state that apply wrote thrown away.
  private func estateWithoutState() async throws -> (Workspace, CloudSnapshot) {
    let workspace = try Workspace.with(.eqiad1())
    try requireExit(0, try await workspace.apply())
    for suffix in ["", "-wal", "-shm"] {
      try? FileManager.default.removeItem(atPath: workspace.stateFile() + suffix)
    }
    return (workspace, try await workspace.cloudSnapshot())
  }

  @Test("a plan over an existing estate refuses to create a second paws-127d")
  func unrecordedEstateRefused() async throws {
    let (workspace, _) = try await estateWithoutState()
    let plan = try requireExit(1, try await workspace.plan())
    #expect(plan.stderr.contains("the cloud already has cluster paws-127d"), "\(plan)")
  }

  @Test("import --from-tofu-state adopts template, cluster and proxies, and the next plan shows no changes")
  func importTofuState() async throws {
    let (workspace, cloud) = try await estateWithoutState()
    let template = try #require(cloud.templates.first)
    let cluster = try workspace.cluster("127d", in: cloud)
    let fixture = try #require(
      Bundle.module.url(forResource: "tofu-state-paws", withExtension: "json", subdirectory: "Fixtures"))
    let text = try String(contentsOf: fixture, encoding: .utf8)
      .replacingOccurrences(of: "{{TEMPLATE_ID}}", with: template.uuid)
      .replacingOccurrences(of: "{{CLUSTER_ID}}", with: cluster.uuid)
    try text.write(toFile: workspace.path("tofu.json"), atomically: true, encoding: .utf8)

    let imported = try requireExit(
      0, try await workspace.run(["import", "eqiad1", "--simulate", "--from-tofu-state", "tofu.json"]))
    #expect(imported.stdout.contains("cluster_template.127d"), "\(imported)")
    #expect(imported.stdout.contains("Cutover has no resource type for openstack_compute_keypair_v2"), "\(imported)")
    #expect(imported.stdout.contains("kubeconfig.127d"), "\(imported)")
    #expect(imported.stdout.contains("Adopted 5 of 6"), "\(imported)")
    let plan = try requireExit(0, try await workspace.plan(["--detailed-exitcode"]))
    #expect(plan.stdout.contains("No changes."), "\(plan)")
  }

  @Test("the releases an adopted cluster runs are adopted too; the next plan upgrades them, creating none")
  func importReleases() async throws {
    var desired = try DesiredStateFixture.eqiad1()
    try desired.addKubernetesWork()
    let workspace = try Workspace.with(desired)
    try workspace.writeKubernetesSources()
    try requireExit(0, try await workspace.apply())
    for suffix in ["", "-wal", "-shm"] {
      try? FileManager.default.removeItem(atPath: workspace.stateFile() + suffix)
    }
    let cloud = try await workspace.cloudSnapshot()
    let fixture = try #require(
      Bundle.module.url(forResource: "tofu-state-paws", withExtension: "json", subdirectory: "Fixtures"))
    let text = try String(contentsOf: fixture, encoding: .utf8)
      .replacingOccurrences(of: "{{TEMPLATE_ID}}", with: try #require(cloud.templates.first).uuid)
      .replacingOccurrences(of: "{{CLUSTER_ID}}", with: try workspace.cluster("127d", in: cloud).uuid)
    try text.write(toFile: workspace.path("tofu.json"), atomically: true, encoding: .utf8)

    let imported = try requireExit(
      0, try await workspace.run(["import", "eqiad1", "--simulate", "--from-tofu-state", "tofu.json"]))
    for release in ["ingress-nginx", "paws", "prometheus"] {
      #expect(imported.stdout.contains("helm_release.127d.\(release)"), "\(imported)")
    }
    #expect(imported.stdout.contains("adopted at revision 1 (deployed)"), "\(imported)")
    let plan = try requireExit(2, try await workspace.plan(["--detailed-exitcode"]))
    #expect(plan.stdout.contains("helm_release.127d.paws will be updated in place"), "\(plan)")
    #expect(plan.stdout.contains("(not known: adopted)"), "\(plan)")
    #expect(!plan.stdout.contains("helm_release.127d.paws will be created"), "\(plan)")
    // The manifest cannot be read back as adopted: applying it again server-side is harmless.
    #expect(plan.lastLine == "Plan: 1 to add, 3 to change, 0 to destroy.", "\(plan)")
    try requireExit(0, try await workspace.apply())
    try requireExit(0, try await workspace.plan(["--detailed-exitcode"]))
  }

  @Test("import ENV ADDR ID adopts one object; importing it again is refused")
  func importOne() async throws {
    let (workspace, cloud) = try await estateWithoutState()
    let cluster = try workspace.cluster("127d", in: cloud)
    try requireExit(0, try await workspace.run(["import", "eqiad1", "cluster.127d", cluster.uuid, "--simulate"]))
    let list = try requireExit(0, try await workspace.run(["state", "list", "eqiad1"]))
    #expect(list.stdout.contains(cluster.uuid), "\(list)")
    let again = try requireExit(
      64, try await workspace.run(["import", "eqiad1", "cluster.127d", cluster.uuid, "--simulate"]))
    #expect(again.stderr.contains("already recorded"), "\(again)")
  }

  @Test("an object that is not the one the address describes is not adopted (it would be replaced)")
  func importOfAnotherObjectRefused() async throws {
    let (workspace, cloud) = try await estateWithoutState()
    let wrongDomain = try requireExit(
      64,
      try await workspace.run([
        "import", "eqiad1", "web_proxy.hub-paws.wmcloud.org", "public-paws.wmcloud.org", "--simulate",
      ]))
    #expect(wrongDomain.stderr.contains("is named \"public-paws.wmcloud.org\""), "\(wrongDomain)")
    let cluster = try workspace.cluster("127d", in: cloud)
    try requireExit(0, try await workspace.run(["import", "eqiad1", "cluster.127d", cluster.uuid, "--simulate"]))
    var desired = try DesiredStateFixture.eqiad1()
    try desired.setGenerations([("127d", "{}"), ("128a", "{}")])
    try workspace.write(desired)
    let twice = try requireExit(
      64, try await workspace.run(["import", "eqiad1", "cluster.128a", cluster.uuid, "--simulate"]))
    #expect(twice.stderr.contains("paws-127d"), "\(twice)")
  }
}

@Suite("adopting the load-balancer tier")
struct LoadBalancerImportTests {
  @Test("import --from-tofu-state adopts the security group, server group, VIP port and floating IP by name")
  func importNetworking() async throws {
    let workspace = try await Workspace.withLoadBalancerHosts(deliver: false)
    let environment = [DesiredStateFixture.vrrpSecretVariable: "vrrp-pw1"]
    try requireExit(0, try await workspace.apply(environment: environment))
    var ids: [String: String] = [:]
    try await SimulatedCloud.withClients(databasePath: workspace.simulatedCloudFile()) { cloud in
      let group = try #require(try await cloud.neutron.securityGroups(name: "paws-loadbalancer").first)
      ids["SECURITY_GROUP_ID"] = group.id
      ids["RULE_ID"] = group.rules.first?.id
      ids["CONTROL_GROUP_ID"] = try #require(try await cloud.nova.serverGroups(name: "paws-k8s-control").first).id
      ids["VIP_PORT_ID"] = try #require(try await cloud.neutron.ports(name: "paws-vip").first).id
      ids["FLOATING_IP_ID"] = try #require(try await cloud.neutron.floatingIPs(address: "185.15.56.57").first).id
    }
    for suffix in ["", "-wal", "-shm"] {
      try? FileManager.default.removeItem(atPath: workspace.stateFile() + suffix)
    }
    let fixture = try #require(
      Bundle.module.url(forResource: "tofu-state-loadbalancer", withExtension: "json", subdirectory: "Fixtures"))
    var text = try String(contentsOf: fixture, encoding: .utf8)
    for (key, id) in ids { text = text.replacingOccurrences(of: "{{\(key)}}", with: id) }
    try text.write(toFile: workspace.path("tofu.json"), atomically: true, encoding: .utf8)

    let imported = try requireExit(
      0, try await workspace.run(["import", "eqiad1", "--simulate", "--from-tofu-state", "tofu.json"]))
    for address in [
      "security_group.paws-loadbalancer", "server_group.paws-k8s-control", "vip_port.paws", "floating_ip.paws",
    ] {
      #expect(imported.stdout.contains(address), "\(imported)")
    }
    #expect(imported.stdout.contains("Cutover manages it as part of security_group (its rules)"), "\(imported)")
    #expect(imported.stdout.contains("Adopted 6 of 7"), "\(imported)")  // the four, and the two web proxies

    // Adopted with the cloud's values, named as the environment file names them (the network by name, the hosts
    // whose ports carry the VIP), so the plan compares like with like.
    let state = try requireExit(0, try await workspace.run(["state", "show", "eqiad1", "vip_port.paws"]))
    #expect(state.stdout.contains("172.16.1.20") && state.stdout.contains("172.16.1.21"), "\(state)")
    #expect(state.stdout.contains("VXLAN/IPv6-dualstack"), "\(state)")
    let floating = try requireExit(0, try await workspace.run(["state", "show", "eqiad1", "floating_ip.paws"]))
    #expect(floating.stdout.contains("wan-transport-eqiad"), "\(floating)")
    // What tofu held plans no change; what it never held (the cluster, the other groups, the configs) is created.
    let plan = try requireExit(0, try await workspace.plan(["--no-refresh"], environment: environment))
    for address in [
      "security_group.paws-loadbalancer", "server_group.paws-k8s-control", "vip_port.paws", "floating_ip.paws",
    ] {
      #expect(!plan.stdout.contains("# \(address) "), "\(plan)")
    }
    #expect(plan.stdout.contains("# server_group.paws-k8s-worker will be created"), "\(plan)")
  }
}
