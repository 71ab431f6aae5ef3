import Foundation
import OpenStack
import TestSupport
import Testing

extension Workspace {
  /// A workspace with the load balancer in its desired state, the haproxy hosts' ports made in the simulated cloud
  /// (the hosts are VMs made by hand), and a deliver command that appends to `delivered.log`.
  static func withLoadBalancerHosts(deliver: Bool = true) async throws -> Workspace {
    var desired = try DesiredStateFixture.eqiad1()
    desired.addLoadBalancer(
      deliver: deliver
        ? #"echo "$CUTOVER_KIND $CUTOVER_HOST $CUTOVER_HOST_ADDRESS $CUTOVER_FILE" >> delivered.log"# : nil)
    let workspace = try Workspace.with(desired)
    try await SimulatedCloud.withClients(databasePath: workspace.simulatedCloudFile()) { cloud in
      let network = try #require(try await cloud.neutron.networks(name: "VXLAN/IPv6-dualstack").first)
      for (name, address) in DesiredStateFixture.haproxyHosts {
        _ = try await cloud.neutron.createPort(
          PortCreateRequest(networkID: network.id, name: name, fixedIPs: [.init(ipAddress: address)]))
      }
    }
    return workspace
  }
}
