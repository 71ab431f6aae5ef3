import Foundation
import NIOHTTP1
import Testing

@testable import CloudSimulator

/// PAWS's load-balancer addresses on the simulated Neutron: the VIP `172.16.1.171` in `vxlan-dualstack-ipv4`, the
/// public `185.15.56.57` on `wan-transport-eqiad`, ports found by address, and the discovery documents clients
/// read (`/v2.0`, extensions) as the `openstack` CLI does.
@Suite struct NeutronAddressingTests {
  private static let vip = "172.16.1.171"
  private static let publicAddress = "185.15.56.57"

  private func neutron(
    _ cloud: SimulatorHarness, _ method: HTTPMethod, _ path: String, token: String, body: JSONValue? = nil
  ) async throws -> WireResponse {
    try await cloud.send(method, "/network/v2.0" + path, token: token, body: body)
  }

  private func createPort(_ cloud: SimulatorHarness, token: String, _ port: [String: JSONValue]) async throws
    -> WireResponse
  {
    var attributes: [String: JSONValue] = ["network_id": .string(NetworkRecord.tenant.id)]
    attributes.merge(port) { _, new in new }
    return try await neutron(cloud, .POST, "/ports", token: token, body: ["port": .object(attributes)])
  }

  // MARK: - Subnets

  @Test func premadeSubnetsCarryCloudVPSNamesAndCIDRs() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let tenant = try await neutron(cloud, .GET, "/subnets/\(SubnetRecord.tenantIPv4.id)", token: token)
      #expect(tenant.status == 200)
      #expect(tenant.json["subnet"]?["name"] == "vxlan-dualstack-ipv4")
      #expect(tenant.json["subnet"]?["cidr"] == "172.16.0.0/21")
      #expect(tenant.json["subnet"]?["gateway_ip"] == "172.16.0.1")
      #expect(tenant.json["subnet"]?["allocation_pools"] == [["start": "172.16.0.2", "end": "172.16.7.254"]])
      let external = try await neutron(cloud, .GET, "/subnets?network_id=\(NetworkRecord.external.id)", token: token)
      #expect(external.json["subnets"]?.arrayValue?.map { $0["cidr"] } == ["185.15.56.0/25"])
      let byName = try await neutron(cloud, .GET, "/subnets?name=vxlan-dualstack-ipv4", token: token)
      #expect(byName.json["subnets"]?.arrayValue?.map { $0["id"] } == [.string(SubnetRecord.tenantIPv4.id)])
      let missing = try await neutron(cloud, .GET, "/subnets/nope", token: token)
      #expect(missing.status == 404)
      #expect(missing.json["NeutronError"]?["type"] == "SubnetNotFound")
    }
  }

  // MARK: - The VIP and its public address

  @Test func aPortTakesTheVIPInTheSubnetsCIDR() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let bySubnet = try await createPort(
        cloud, token: token,
        [
          "name": "paws-vip",
          "fixed_ips": [["subnet_id": .string(SubnetRecord.tenantIPv4.id), "ip_address": .string(Self.vip)]],
        ])
      #expect(bySubnet.status == 201, "\(bySubnet.text)")
      #expect(
        bySubnet.json["port"]?["fixed_ips"]
          == [["subnet_id": .string(SubnetRecord.tenantIPv4.id), "ip_address": .string(Self.vip)]])

      let byAddressOnly = try await createPort(cloud, token: token, ["fixed_ips": [["ip_address": "172.16.1.172"]]])
      #expect(byAddressOnly.status == 201)
      #expect(
        byAddressOnly.json["port"]?["fixed_ips"]?.arrayValue?.first?["subnet_id"]?.stringValue
          == SubnetRecord.tenantIPv4.id)

      let taken = try await createPort(cloud, token: token, ["fixed_ips": [["ip_address": .string(Self.vip)]]])
      #expect(taken.status == 409)
      #expect(taken.json["NeutronError"]?["type"] == "IpAddressAlreadyAllocated")
      for (address, type) in [
        ("172.16.8.1", "InvalidIpForNetwork"), ("172.16.0.1", "InvalidIpForNetwork"),
        ("172.16.7.255", "InvalidIpForNetwork"),
      ] {
        let refused = try await createPort(cloud, token: token, ["fixed_ips": [["ip_address": .string(address)]]])
        #expect(refused.status == 400, "\(address)")
        #expect(refused.json["NeutronError"]?["type"]?.stringValue == type, "\(address)")
      }
      let wrongSubnet = try await createPort(
        cloud, token: token,
        ["fixed_ips": [["subnet_id": .string(SubnetRecord.tenantIPv4.id), "ip_address": "10.1.2.3"]]])
      #expect(wrongSubnet.json["NeutronError"]?["type"] == "InvalidIpForSubnet")
    }
  }

  @Test func portsAreFoundByFixedIPAndListsKeepOnlyTheFieldsAskedFor() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let vip = try await createPort(
        cloud, token: token, ["name": "paws-vip", "fixed_ips": [["ip_address": .string(Self.vip)]]])
      let vipID = try #require(vip.json["port"]?["id"])
      _ = try await createPort(cloud, token: token, ["name": "haproxy-1"])

      let encoded = try await neutron(cloud, .GET, "/ports?fixed_ips=ip_address%3D\(Self.vip)", token: token)
      #expect(encoded.json["ports"]?.arrayValue?.map { $0["id"] } == [vipID])
      let plain = try await neutron(cloud, .GET, "/ports?fixed_ips=ip_address=\(Self.vip)", token: token)
      #expect(plain.json["ports"]?.arrayValue?.map { $0["id"] } == [vipID])
      let bySubnetAndAddress = try await neutron(
        cloud, .GET,
        "/ports?fixed_ips=subnet_id%3D\(SubnetRecord.tenantIPv4.id)&fixed_ips=ip_address%3D\(Self.vip)", token: token)
      #expect(bySubnetAndAddress.json["ports"]?.arrayValue?.map { $0["id"] } == [vipID])
      let bySubstring = try await neutron(cloud, .GET, "/ports?fixed_ips=ip_address_substr%3D1.171", token: token)
      #expect(bySubstring.json["ports"]?.arrayValue?.map { $0["id"] } == [vipID])
      let none = try await neutron(cloud, .GET, "/ports?fixed_ips=ip_address%3D172.16.1.99", token: token)
      #expect(none.json["ports"] == [])

      let fields = try await neutron(cloud, .GET, "/ports?fields=id&fields=name&name=paws-vip", token: token)
      #expect(fields.json["ports"] == [["id": vipID, "name": "paws-vip"]])
    }
  }

  @Test func allowedAddressPairsAreReplacedAsAWhole() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let port = try await createPort(cloud, token: token, ["name": "haproxy-1"])
      let id = try #require(port.json["port"]?["id"]?.stringValue)
      let mac = try #require(port.json["port"]?["mac_address"])
      let first = try await neutron(
        cloud, .PUT, "/ports/\(id)", token: token,
        body: ["port": ["allowed_address_pairs": [["ip_address": .string(Self.vip)], ["ip_address": "172.16.1.172"]]]])
      #expect(first.json["port"]?["allowed_address_pairs"]?.arrayValue?.count == 2)
      let second = try await neutron(
        cloud, .PUT, "/ports/\(id)", token: token,
        body: ["port": ["allowed_address_pairs": [["ip_address": .string(Self.vip + "/32")]]]])
      #expect(
        second.json["port"]?["allowed_address_pairs"] == [
          ["ip_address": .string(Self.vip + "/32"), "mac_address": mac]
        ])
      let cleared = try await neutron(
        cloud, .PUT, "/ports/\(id)", token: token, body: ["port": ["allowed_address_pairs": []]])
      #expect(cleared.json["port"]?["allowed_address_pairs"] == [])
    }
  }

  @Test func aFloatingIPTakesThePublicAddressAndPointsAtTheVIP() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let vip = try await createPort(
        cloud, token: token, ["name": "paws-vip", "fixed_ips": [["ip_address": .string(Self.vip)]]])
      let portID = try #require(vip.json["port"]?["id"])
      let created = try await neutron(
        cloud, .POST, "/floatingips", token: token,
        body: [
          "floatingip": [
            "floating_network_id": .string(NetworkRecord.external.id),
            "floating_ip_address": .string(Self.publicAddress), "port_id": portID,
          ]
        ])
      #expect(created.status == 201, "\(created.text)")
      #expect(created.json["floatingip"]?["floating_ip_address"]?.stringValue == Self.publicAddress)
      #expect(created.json["floatingip"]?["fixed_ip_address"]?.stringValue == Self.vip)
      #expect(created.json["floatingip"]?["status"] == "ACTIVE")
      let found = try await neutron(cloud, .GET, "/floatingips?floating_ip_address=\(Self.publicAddress)", token: token)
      #expect(found.json["floatingips"]?.arrayValue?.map { $0["port_id"] } == [portID])

      for address in ["185.15.56.128", "185.15.56.1", "172.16.1.5"] {
        let refused = try await neutron(
          cloud, .POST, "/floatingips", token: token,
          body: [
            "floatingip": [
              "floating_network_id": .string(NetworkRecord.external.id), "floating_ip_address": .string(address),
            ]
          ])
        #expect(refused.status == 400, "\(address): \(refused.text)")
        #expect(refused.json["NeutronError"]?["type"] == "InvalidIpForNetwork")
      }
    }
  }

  // MARK: - Discovery

  @Test func rootAndExtensionsAreListed() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let root = try await neutron(cloud, .GET, "", token: token)
      #expect(root.status == 200)
      let collections = root.json["resources"]?.arrayValue?.compactMap { $0["collection"]?.stringValue } ?? []
      #expect(collections.contains("ports") && collections.contains("security-groups"))

      let extensions = try await neutron(cloud, .GET, "/extensions", token: token)
      #expect(extensions.status == 200)
      let aliases = extensions.json["extensions"]?.arrayValue?.compactMap { $0["alias"]?.stringValue } ?? []
      #expect(aliases.contains("allowed-address-pairs"))
      #expect(aliases.contains("security-group"))
      #expect(!aliases.contains("standard-attr-tag"))
      let one = try await neutron(cloud, .GET, "/extensions/port-security", token: token)
      #expect(one.json["extension"]?["alias"] == "port-security")
      #expect(one.json["extension"]?["name"] == "Port Security")
      let missing = try await neutron(cloud, .GET, "/extensions/tag-ports-during-bulk-creation", token: token)
      #expect(missing.status == 404)
      #expect(missing.json["NeutronError"] != nil)
      #expect(try await neutron(cloud, .GET, "/extensions", token: "bogus").status == 401)
    }
  }
}
