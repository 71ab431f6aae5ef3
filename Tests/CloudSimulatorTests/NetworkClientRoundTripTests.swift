import Foundation
import OpenStack
import Testing

@testable import CloudSimulator

/// The OpenStack clients (`NeutronClient`, `NovaClient`) against the simulator over real HTTP: what one writes,
/// the other reads back.
@Suite struct NetworkClientRoundTripTests {
  private static func session(_ cloud: SimulatorHarness, transport: AsyncHTTPClientTransport) -> OpenStackSession {
    let config = CloudConfig(
      name: "simulator", authURL: cloud.cloud.authURL,
      auth: .applicationCredential(
        id: "cutover-simulator", name: nil, secret: "simulator-secret", userName: nil, userID: nil,
        userDomainName: nil),
      regionName: "eqiad1-r")
    return OpenStackSession(config: config, transport: transport, retry: RetryPolicy(maxAttempts: 1))
  }

  @Test func neutronAndNovaClientsDriveTheSimulator() async throws {
    try await SimulatorHarness.with { cloud in
      let transport = try AsyncHTTPClientTransport()
      do {
        let session = Self.session(cloud, transport: transport)
        let neutron = NeutronClient(session: session)
        let nova = NovaClient(session: session)

        let network = try #require(try await neutron.networks(name: "VXLAN/IPv6-dualstack").first)
        let external = try #require(try await neutron.networks(name: "wan-transport-eqiad").first)
        #expect(external.isExternal == true)

        let group = try await neutron.createSecurityGroup(name: "paws-haproxy", description: "haproxy")
        #expect(group.rules.count == 2)
        let rule = try await neutron.createSecurityGroupRule(
          SecurityGroupRuleCreateRequest(
            securityGroupID: group.id, direction: "ingress", protocol: "tcp", portRangeMin: 443, portRangeMax: 443))
        #expect(rule.ethertype == "IPv4")
        #expect(try await neutron.securityGroups(name: "paws-haproxy").first?.rules.count == 3)

        let vip = try await neutron.createPort(
          PortCreateRequest(networkID: network.id, name: "paws-vip", securityGroups: [group.id]))
        let vipAddress = try #require(vip.ipAddresses.first)
        #expect(vipAddress.hasPrefix("127.") && vipAddress != "127.0.0.1")
        let host = try await neutron.createPort(PortCreateRequest(networkID: network.id, name: "haproxy-1"))
        let updated = try await neutron.updateAllowedAddressPairs(
          portID: host.id, pairs: [NetworkPort.AddressPair(ipAddress: vipAddress)])
        #expect(updated.allowedAddressPairs.map(\.ipAddress) == [vipAddress])
        #expect(updated.allowedAddressPairs.first?.macAddress == host.macAddress)
        #expect(try await neutron.ports(name: "paws-vip").map(\.id) == [vip.id])

        let floating = try await neutron.createFloatingIP(
          FloatingIPCreateRequest(floatingNetworkID: external.id, portID: vip.id))
        #expect(floating.fixedIPAddress == vipAddress)
        #expect(try await neutron.disassociateFloatingIP(id: floating.id).portID == nil)
        #expect(try await neutron.associateFloatingIP(id: floating.id, portID: vip.id).portID == vip.id)
        #expect(try await neutron.floatingIPs(address: floating.floatingIPAddress).map(\.id) == [floating.id])

        try await neutron.deleteFloatingIP(id: floating.id)
        try await neutron.deleteFloatingIP(id: floating.id)
        #expect(try await neutron.floatingIP(id: floating.id) == nil)
        try await neutron.deletePort(id: vip.id)
        try await neutron.deletePort(id: host.id)
        #expect(try await neutron.port(id: vip.id) == nil)
        try await neutron.deleteSecurityGroupRule(id: rule.id)
        try await neutron.deleteSecurityGroup(id: group.id)
        try await neutron.deleteSecurityGroup(id: group.id)

        let serverGroup = try await nova.createServerGroup(
          ServerGroupCreateRequest(name: "paws-workers", policy: "soft-anti-affinity"))
        #expect(serverGroup.policy == "soft-anti-affinity")
        #expect(try await nova.serverGroup(id: serverGroup.id)?.name == "paws-workers")
        let old = NovaClient(session: session, microversion: "2.10")
        let refused = try await #require(throws: OpenStackError.self) {
          try await old.createServerGroup(ServerGroupCreateRequest(name: "w", policy: "soft-anti-affinity"))
        }
        #expect(refused.status == 400)
        #expect(refused.message.contains("soft-anti-affinity"))
        let tooNew = NovaClient(session: session, microversion: "2.200")
        #expect(try await tooNew.serverGroups(name: "paws-workers").first?.effectivePolicy == "soft-anti-affinity")
        #expect(tooNew.microversion == ComputeMicroversion.maximum.description)
        try await nova.deleteServerGroup(id: serverGroup.id)
        try await nova.deleteServerGroup(id: serverGroup.id)
        #expect(try await nova.serverGroup(id: serverGroup.id) == nil)
      } catch {
        try? await transport.shutdown()
        throw error
      }
      try await transport.shutdown()
    }
  }

  @Test func networkAndComputeObjectsOutliveTheProcess() async throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cutover-network-\(UUID().uuidString).sqlite"
    ).path
    defer {
      for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
    let configuration = SimulatorConfiguration(databasePath: path, buildSeconds: 0)
    let (token, portID, groupID) = try await SimulatorHarness.with(configuration) { cloud in
      let token = try await cloud.issueToken()
      let port = try await cloud.send(
        .POST, "/network/v2.0/ports", token: token,
        body: ["port": ["network_id": .string(NetworkRecord.tenant.id), "name": "paws-vip"]])
      let group = try await cloud.send(
        .POST, "/compute/v2.1/os-server-groups", token: token,
        body: ["server_group": ["name": "paws-cp", "policy": "anti-affinity"]],
        headers: [("OpenStack-API-Version", "compute 2.64")])
      return (
        token, try #require(port.json["port"]?["id"]?.stringValue),
        try #require(group.json["server_group"]?["id"]?.stringValue)
      )
    }
    try await SimulatorHarness.with(configuration) { cloud in
      let port = try await cloud.send(.GET, "/network/v2.0/ports/\(portID)", token: token)
      #expect(port.json["port"]?["name"] == "paws-vip")
      let group = try await cloud.send(.GET, "/compute/v2.1/os-server-groups/\(groupID)", token: token)
      #expect(group.json["server_group"]?["policies"] == ["anti-affinity"])
      let networks = try await cloud.send(.GET, "/network/v2.0/networks", token: token)
      #expect(networks.json["networks"]?.arrayValue?.count == 2)
    }
  }
}
