import CloudSimulator
import CutoverKit
import Foundation
import OpenStack
import TestSupport
import Testing

/// Changes made behind Cutover's back, one per resource type: `plan` refreshes, shows each as drift with the
/// attribute diff ("changed outside Cutover") or as gone, and plans what puts the desired state back.
/// (Kubeconfigs, the VIP port, the security group and haproxy have their own drift tests beside their suites.)
@Suite("drift: changes made outside Cutover")
struct DriftTests {
  @Test("a cluster resized in Horizon shows its node count as drift and is resized back")
  func clusterResizedBehindOurBack() async throws {
    let workspace = try Workspace.with(.eqiad1())
    try requireExit(0, try await workspace.apply())
    let cluster = try workspace.cluster("127d", in: try await workspace.cloudSnapshot())
    try await SimulatedCloud.withClients(databasePath: workspace.simulatedCloudFile()) { cloud in
      try await cloud.magnum.resizeCluster(id: cluster.uuid, nodeCount: 3)
    }

    let plan = try requireExit(2, try await workspace.plan(["--detailed-exitcode"]))
    #expect(plan.stdout.contains("~ cluster.127d changed outside Cutover"), "\(plan)")
    #expect(plan.stdout.contains("node_count: 5 -> 3"), "\(plan)")
    #expect(plan.stdout.contains("~ node_count"), "\(plan)")
    try requireExit(0, try await workspace.apply())
    #expect(try workspace.cluster("127d", in: try await workspace.cloudSnapshot()).nodeCount == 5)
    try requireExit(0, try await workspace.plan(["--detailed-exitcode"]))
  }

  @Test(
    "a worker the auto-healer replaced moves the proxies to its new address: the apply sends what the plan showed")
  func workerReplacedBehindOurBack() async throws {
    let workspace = try Workspace.with(.eqiad1())
    try requireExit(0, try await workspace.apply())
    let replaced = try await NodeReplacement.replaceWorker(
      1, of: "paws-127d", databasePath: workspace.simulatedCloudFile())

    let plan = try requireExit(2, try await workspace.plan(["--detailed-exitcode"]))
    #expect(plan.stdout.contains("~ cluster.127d changed outside Cutover"), "\(plan)")
    #expect(plan.stdout.contains("\"http://\(replaced.new):30001\""), "\(plan)")
    #expect(plan.lastLine == "Plan: 0 to add, 2 to change, 0 to destroy.", "\(plan)")
    try requireExit(0, try await workspace.apply())

    // The cloud holds what the plan showed: the new worker, not the one it replaced.
    let cloud = try await workspace.cloudSnapshot()
    let cluster = try workspace.cluster("127d", in: cloud)
    #expect(cluster.nodeAddresses?.contains(replaced.new) == true)
    for domain in PAWS.domains {
      let backends = try #require(cloud.route(domain)).backends
      #expect(Set(backends) == PAWS.backends(of: cluster), "\(domain): \(backends)")
      #expect(!backends.contains("http://\(replaced.old):30001"), "\(domain): \(backends)")
    }
    // And the state records it: the cluster as refreshed, the proxies as read back, so nothing is left to do.
    let store = try #require(try workspace.stateStore())
    let recorded = try #require(try store.resource(ResourceAddress(type: "cluster", name: "127d")))
    #expect(recorded.attributes["node_addresses"]?.stringList?.contains(replaced.new) == true)
    try requireExit(0, try await workspace.plan(["--detailed-exitcode"]))
  }

  @Test("a worker the auto-healer replaced is rendered into haproxy.cfg: the file holds what the plan showed")
  func workerReplacedReachesHAProxy() async throws {
    let workspace = try await Workspace.withLoadBalancerHosts(deliver: false)
    let environment = [DesiredStateFixture.vrrpSecretVariable: "vrrp-pw1"]
    try requireExit(0, try await workspace.apply(environment: environment))
    let replaced = try await NodeReplacement.replaceWorker(
      0, of: "paws-127d", databasePath: workspace.simulatedCloudFile())

    let plan = try requireExit(2, try await workspace.plan(["--detailed-exitcode"], environment: environment))
    #expect(plan.stdout.contains("~ haproxy.paws-k8s-haproxy-1"), "\(plan)")
    try requireExit(0, try await workspace.apply(environment: environment))
    for (host, _) in DesiredStateFixture.haproxyHosts {
      let file = try String(
        contentsOfFile: workspace.path("state/eqiad1/rendered/\(host)/haproxy.cfg"), encoding: .utf8)
      #expect(file.contains(" \(replaced.new):30001"), "\(host): \(file)")
      #expect(!file.contains(" \(replaced.old):30001"), "\(host): \(file)")
    }
    try requireExit(0, try await workspace.plan(["--detailed-exitcode"], environment: environment))
  }

  @Test("a live cluster deleted by hand is gone, with the routes the proxy service scrubbed; the apply builds it again")
  func liveClusterDeletedByHand() async throws {
    let workspace = try Workspace.with(.eqiad1())
    try requireExit(0, try await workspace.apply())
    let cluster = try workspace.cluster("127d", in: try await workspace.cloudSnapshot())
    try await SimulatedCloud.withClients(databasePath: workspace.simulatedCloudFile()) { cloud in
      try await cloud.magnum.deleteCluster(id: cluster.uuid)
    }
    try await poll("the cluster to be deleted", timeout: .seconds(30), interval: .milliseconds(200)) {
      try await workspace.cloudSnapshot().clusters.isEmpty
    }

    let plan = try requireExit(2, try await workspace.plan(["--detailed-exitcode"]))
    #expect(plan.stdout.contains("cluster.127d is gone from the cloud"), "\(plan)")
    #expect(plan.stdout.contains("web_proxy.hub-paws.wmcloud.org is gone from the cloud"), "\(plan)")
    // The kubeconfig is written again for the new cluster, in place: the live generation's is never deleted.
    #expect(plan.stdout.contains("~ kubeconfig.127d"), "\(plan)")
    #expect(plan.lastLine == "Plan: 3 to add, 1 to change, 0 to destroy.", "\(plan)")
    try requireExit(0, try await workspace.apply())
    let rebuilt = try workspace.cluster("127d", in: try await workspace.cloudSnapshot())
    #expect(rebuilt.uuid != cluster.uuid)
    try requireExit(0, try await workspace.plan(["--detailed-exitcode"]))
  }

  @Test("`cutover refresh` records what it read, so the next plan no longer reports it as drift")
  func refreshRecordsDrift() async throws {
    let workspace = try Workspace.with(.eqiad1())
    try requireExit(0, try await workspace.apply())
    try await SimulatedCloud.withClients(databasePath: workspace.simulatedCloudFile()) { cloud in
      try await cloud.webProxy.replaceBackends(domain: "hub-paws.wmcloud.org", backends: ["http://127.0.9.9:30001"])
    }
    let refresh = try requireExit(0, try await workspace.run(["refresh", "eqiad1", "--simulate"]))
    #expect(refresh.stdout.contains("web_proxy.hub-paws.wmcloud.org"), "\(refresh)")
    let show = try requireExit(
      0, try await workspace.run(["state", "show", "eqiad1", "web_proxy.hub-paws.wmcloud.org"]))
    #expect(show.stdout.contains("127.0.9.9"), "\(show)")

    // Recorded, so no longer drift; still not what is desired, so the plan changes it back.
    let plan = try requireExit(2, try await workspace.plan(["--detailed-exitcode"]))
    #expect(!plan.stdout.contains("changed outside Cutover"), "\(plan)")
    #expect(plan.stdout.contains("~ web_proxy.hub-paws.wmcloud.org"), "\(plan)")
  }

  @Test("a proxy pointed elsewhere by hand is drift, and the apply points it back at the live generation")
  func proxyPointedElsewhere() async throws {
    let workspace = try Workspace.with(.eqiad1())
    try requireExit(0, try await workspace.apply())
    try await SimulatedCloud.withClients(databasePath: workspace.simulatedCloudFile()) { cloud in
      try await cloud.webProxy.replaceBackends(domain: "public-paws.wmcloud.org", backends: ["http://127.0.9.9:30001"])
    }
    let plan = try requireExit(2, try await workspace.plan(["--detailed-exitcode"]))
    #expect(plan.stdout.contains("~ web_proxy.public-paws.wmcloud.org changed outside Cutover"), "\(plan)")
    #expect(plan.stdout.contains("http://127.0.9.9:30001"), "\(plan)")
    #expect(plan.lastLine == "Plan: 0 to add, 1 to change, 0 to destroy.", "\(plan)")
    try requireExit(0, try await workspace.apply())
    let cloud = try await workspace.cloudSnapshot()
    let cluster = try workspace.cluster("127d", in: cloud)
    #expect(Set(try #require(cloud.route("public-paws.wmcloud.org")).backends) == PAWS.backends(of: cluster))
  }

  @Test("a server group deleted by hand is gone, and created again; a floating IP detached by hand is re-attached")
  func serverGroupAndFloatingIP() async throws {
    let workspace = try await Workspace.withLoadBalancerHosts(deliver: false)
    let environment = [DesiredStateFixture.vrrpSecretVariable: "vrrp-pw1"]
    try requireExit(0, try await workspace.apply(environment: environment))
    try await SimulatedCloud.withClients(databasePath: workspace.simulatedCloudFile()) { cloud in
      let group = try #require(try await cloud.nova.serverGroups(name: "paws-k8s-worker").first)
      try await cloud.nova.deleteServerGroup(id: group.id)
      let floating = try #require(try await cloud.neutron.floatingIPs(address: "185.15.56.57").first)
      _ = try await cloud.neutron.disassociateFloatingIP(id: floating.id)
    }

    let plan = try requireExit(2, try await workspace.plan(["--detailed-exitcode"], environment: environment))
    #expect(plan.stdout.contains("server_group.paws-k8s-worker is gone from the cloud"), "\(plan)")
    #expect(plan.stdout.contains("~ floating_ip.paws changed outside Cutover"), "\(plan)")
    #expect(plan.lastLine == "Plan: 1 to add, 1 to change, 0 to destroy.", "\(plan)")
    try requireExit(0, try await workspace.apply(environment: environment))
    try requireExit(0, try await workspace.plan(["--detailed-exitcode"], environment: environment))
  }

  @Test("a VIP port renamed in Horizon is renamed back in place, keeping the VIP")
  func vipPortRenamed() async throws {
    let workspace = try await Workspace.withLoadBalancerHosts(deliver: false)
    let environment = [DesiredStateFixture.vrrpSecretVariable: "vrrp-pw1"]
    try requireExit(0, try await workspace.apply(environment: environment))
    let portID = try await SimulatedCloud.withClients(databasePath: workspace.simulatedCloudFile()) { cloud in
      let port = try #require(try await cloud.neutron.ports(name: "paws-vip").first)
      _ = try await cloud.neutron.renamePort(id: port.id, name: "keepalived-vip")
      return port.id
    }
    let plan = try requireExit(2, try await workspace.plan(["--detailed-exitcode"], environment: environment))
    #expect(plan.stdout.contains(#"name: "paws-vip" -> "keepalived-vip""#), "\(plan)")
    #expect(plan.lastLine == "Plan: 0 to add, 1 to change, 0 to destroy.", "\(plan)")
    try requireExit(0, try await workspace.apply(environment: environment))
    try await SimulatedCloud.withClients(databasePath: workspace.simulatedCloudFile()) { cloud in
      let port = try #require(try await cloud.neutron.port(id: portID))
      #expect(port.name == "paws-vip")
      #expect(port.ipAddresses.contains("172.16.1.171"))
    }
  }

  @Test("a keepalived.conf edited on disk is drift; a changed VRRP password is planned as (sensitive)")
  func keepalivedDrift() async throws {
    let workspace = try await Workspace.withLoadBalancerHosts(deliver: false)
    try requireExit(0, try await workspace.apply(environment: [DesiredStateFixture.vrrpSecretVariable: "vrrp-pw1"]))
    let file = workspace.path("state/eqiad1/rendered/paws-k8s-haproxy-2/keepalived.conf")
    try (try String(contentsOfFile: file, encoding: .utf8)).replacingOccurrences(
      of: "priority 100", with: "priority 200"
    )
    .write(toFile: file, atomically: true, encoding: .utf8)

    let rotated = [DesiredStateFixture.vrrpSecretVariable: "vrrp-pw2"]
    let plan = try requireExit(2, try await workspace.plan(["--detailed-exitcode"], environment: rotated))
    #expect(plan.stdout.contains("~ keepalived.paws-k8s-haproxy-2 changed outside Cutover"), "\(plan)")
    #expect(plan.stdout.contains("secret") && plan.stdout.contains("(sensitive)"), "\(plan)")
    #expect(!plan.stdout.contains("vrrp-pw"), "\(plan)")
    #expect(plan.lastLine == "Plan: 0 to add, 2 to change, 0 to destroy.", "\(plan)")
    try requireExit(0, try await workspace.apply(environment: rotated))
    #expect(try String(contentsOfFile: file, encoding: .utf8).contains("vrrp-pw2"))
    try requireExit(0, try await workspace.plan(["--detailed-exitcode"], environment: rotated))
  }
}
