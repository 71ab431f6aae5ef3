import Foundation
import Testing

@testable import CutoverKit

@Suite("Reading a tofu state")
struct TofuStateTests {
  @Test("`tofu state pull` (format 4): managed instances with their ids and names; data sources left out")
  func statePull() throws {
    let json = #"""
      {"version": 4, "resources": [
        {"mode": "data", "type": "openstack_networking_network_v2", "name": "ext",
         "instances": [{"attributes": {"id": "n1", "name": "wan-transport-eqiad"}}]},
        {"mode": "managed", "type": "openstack_containerinfra_cluster_v1", "name": "k8s_127d", "module": "module.paws",
         "instances": [{"attributes": {"id": "c1", "name": "paws-127d"}}]}
      ]}
      """#
    let instances = try TofuState.instances(in: Data(json.utf8))
    #expect(
      instances == [
        TofuState.Instance(
          address: "module.paws.openstack_containerinfra_cluster_v1.k8s_127d",
          type: "openstack_containerinfra_cluster_v1", resourceName: "k8s_127d", id: "c1", name: "paws-127d")
      ])
  }

  @Test("`tofu show -json`: resources of the root module and of child modules")
  func showJSON() throws {
    let json = #"""
      {"format_version": "1.0", "values": {"root_module": {
        "resources": [{"address": "openstack_containerinfra_clustertemplate_v1.template_127d", "mode": "managed",
          "type": "openstack_containerinfra_clustertemplate_v1", "name": "template_127d",
          "values": {"id": "t1", "name": "paws-127d"}}],
        "child_modules": [{"resources": [{"address": "module.x.openstack_compute_keypair_v2.paws", "mode": "managed",
          "type": "openstack_compute_keypair_v2", "name": "paws", "values": {"id": "paws-magnum-vm"}}]}]
      }}}
      """#
    let instances = try TofuState.instances(in: Data(json.utf8))
    #expect(instances.map(\.id) == ["t1", "paws-magnum-vm"])
    #expect(instances.first?.name == "paws-127d")
  }

  @Test("a document of neither shape is a usage error saying what was expected")
  func neitherShape() {
    #expect {
      try TofuState.instances(in: Data(#"{"hello": "world"}"#.utf8))
    } throws: { error in
      guard case CutoverError.usage(let message) = error else { return false }
      return message.contains("tofu state pull")
    }
  }
}
