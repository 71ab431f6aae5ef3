import Foundation
import NIOHTTP1
import Testing

@testable import CloudSimulator

/// Neutron v2.0: premade networks, ports, floating IPs, security groups and rules, with Neutron's shapes and
/// `NeutronError` bodies.
@Suite struct NeutronTests {
  private static let tenantNetwork = NetworkRecord.tenant.id
  private static let externalNetwork = NetworkRecord.external.id

  // MARK: - Helpers

  private func neutron(
    _ cloud: SimulatorHarness, _ method: HTTPMethod, _ path: String, token: String, body: JSONValue? = nil
  ) async throws -> WireResponse {
    try await cloud.send(method, "/network/v2.0" + path, token: token, body: body)
  }

  private func createPort(
    _ cloud: SimulatorHarness, token: String, name: String, extra: [String: JSONValue] = [:]
  ) async throws -> JSONValue {
    var port: [String: JSONValue] = ["network_id": .string(Self.tenantNetwork), "name": .string(name)]
    port.merge(extra) { _, new in new }
    let response = try await neutron(cloud, .POST, "/ports", token: token, body: ["port": .object(port)])
    try #require(response.status == 201, "port create answered \(response.status): \(response.text)")
    return try #require(response.json["port"])
  }

  private func expectNeutronError(
    _ response: WireResponse, status: Int, type: String? = nil, containing text: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
    let error = response.json["NeutronError"]
    #expect(error?["message"]?.stringValue?.contains(text) == true, "\(response.text)", sourceLocation: sourceLocation)
    #expect(error?["detail"] == "", sourceLocation: sourceLocation)
    if let type {
      #expect(error?["type"]?.stringValue == type, sourceLocation: sourceLocation)
    } else {
      #expect(error?["type"]?.stringValue?.isEmpty == false, sourceLocation: sourceLocation)
    }
  }

  private static func isSimulatedAddress(_ value: JSONValue?) -> Bool {
    guard let address = value?.stringValue, address.hasPrefix("127."), address != "127.0.0.1" else { return false }
    return NeutronAddresses.octets(address) != nil
  }

  // MARK: - Networks

  @Test func premadeNetworksResolveByName() async throws {
    try await SimulatorHarness.with { cloud in
      let versions = try await cloud.send(.GET, "/network/")
      #expect(versions.status == 200)
      #expect(versions.json["versions"]?.arrayValue?.first?["id"] == "v2.0")
      let token = try await cloud.issueToken()
      let byName = try await neutron(cloud, .GET, "/networks?name=VXLAN%2FIPv6-dualstack", token: token)
      #expect(byName.status == 200)
      let networks = try #require(byName.json["networks"]?.arrayValue)
      #expect(networks.count == 1)
      #expect(networks.first?["id"]?.stringValue == Self.tenantNetwork)
      #expect(networks.first?["router:external"] == false)
      let subnets = try #require(networks.first?["subnets"]?.arrayValue)
      #expect(subnets.count == 1)
      let external = try await neutron(cloud, .GET, "/networks?name=wan-transport-eqiad", token: token)
      #expect(external.json["networks"]?.arrayValue?.first?["router:external"] == true)
      #expect(external.json["networks"]?.arrayValue?.first?["id"]?.stringValue == Self.externalNetwork)
      #expect(try await neutron(cloud, .GET, "/networks?name=nope", token: token).json["networks"] == [])
      let subnetList = try await neutron(cloud, .GET, "/subnets?network_id=\(Self.tenantNetwork)", token: token)
      #expect(subnetList.json["subnets"]?.arrayValue?.first?["cidr"] == "172.16.0.0/21")
      #expect(subnetList.json["subnets"]?.arrayValue?.first?["name"] == "vxlan-dualstack-ipv4")
      #expect(try await neutron(cloud, .GET, "/networks", token: "bogus").status == 401)
      expectNeutronError(
        try await neutron(cloud, .GET, "/networks/missing", token: token), status: 404, type: "NetworkNotFound",
        containing: "could not be found")
    }
  }

  // MARK: - Ports

  @Test func portLifecycle() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let port = try await createPort(cloud, token: token, name: "paws-vip")
      let id = try #require(port["id"]?.stringValue)
      #expect(port["name"] == "paws-vip")
      #expect(port["network_id"]?.stringValue == Self.tenantNetwork)
      #expect(port["status"] == "DOWN")
      #expect(port["project_id"] == "paws")
      #expect(port["tenant_id"] == "paws")
      #expect(port["revision_number"] == 1)
      #expect(port["mac_address"]?.stringValue?.hasPrefix("fa:16:3e:") == true)
      #expect(port["created_at"]?.stringValue?.hasSuffix("Z") == true)
      let fixedIPs = try #require(port["fixed_ips"]?.arrayValue)
      #expect(fixedIPs.count == 1)
      #expect(Self.isSimulatedAddress(fixedIPs[0]["ip_address"]))
      #expect(fixedIPs[0]["subnet_id"]?.stringValue == SubnetRecord.tenantIPv4.id)
      #expect(port["allowed_address_pairs"] == [])
      #expect(port["security_groups"] == [])

      let shown = try await neutron(cloud, .GET, "/ports/\(id)", token: token)
      #expect(shown.status == 200)
      #expect(shown.json["port"] == port)
      _ = try await createPort(cloud, token: token, name: "haproxy-1")
      let listed = try await neutron(cloud, .GET, "/ports?name=paws-vip", token: token)
      #expect(listed.json["ports"]?.arrayValue?.map { $0["id"] } == [.string(id)])
      #expect(try await neutron(cloud, .GET, "/ports", token: token).json["ports"]?.arrayValue?.count == 2)

      let pairs: JSONValue = ["port": ["allowed_address_pairs": [["ip_address": "127.0.9.9"]]]]
      let updated = try await neutron(cloud, .PUT, "/ports/\(id)", token: token, body: pairs)
      #expect(updated.status == 200)
      #expect(
        updated.json["port"]?["allowed_address_pairs"]
          == [["ip_address": "127.0.9.9", "mac_address": try #require(port["mac_address"])]])
      #expect(updated.json["port"]?["revision_number"] == 2)
      let replaced = try await neutron(
        cloud, .PUT, "/ports/\(id)", token: token,
        body: ["port": ["allowed_address_pairs": [["ip_address": "127.0.9.10", "mac_address": "fa:16:3e:00:00:01"]]]])
      #expect(
        replaced.json["port"]?["allowed_address_pairs"]
          == [["ip_address": "127.0.9.10", "mac_address": "fa:16:3e:00:00:01"]])
      let cleared = try await neutron(
        cloud, .PUT, "/ports/\(id)", token: token, body: ["port": ["allowed_address_pairs": []]])
      #expect(cleared.json["port"]?["allowed_address_pairs"] == [])

      let deleted = try await neutron(cloud, .DELETE, "/ports/\(id)", token: token)
      #expect(deleted.status == 204)
      expectNeutronError(
        try await neutron(cloud, .GET, "/ports/\(id)", token: token), status: 404, type: "PortNotFound",
        containing: "Port \(id) could not be found.")
      #expect(try await neutron(cloud, .DELETE, "/ports/\(id)", token: token).status == 404)
    }
  }

  @Test func portAddressesAreCheckedAndNeverReused() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let chosen = try await createPort(
        cloud, token: token, name: "vip", extra: ["fixed_ips": [["ip_address": "127.0.50.5"]]])
      #expect(chosen["fixed_ips"]?.arrayValue?.first?["ip_address"] == "127.0.50.5")
      let ports = [
        try await createPort(cloud, token: token, name: "a"), try await createPort(cloud, token: token, name: "b"),
      ]
      let addresses = ports.compactMap { $0["fixed_ips"]?.arrayValue?.first?["ip_address"]?.stringValue }
      #expect(Set(addresses).count == 2)
      #expect(!addresses.contains("127.0.50.5"))

      let body = { (ip: String) -> JSONValue in
        ["port": ["network_id": .string(Self.tenantNetwork), "fixed_ips": [["ip_address": .string(ip)]]]]
      }
      expectNeutronError(
        try await neutron(cloud, .POST, "/ports", token: token, body: body("127.0.50.5")), status: 409,
        type: "IpAddressAlreadyAllocated", containing: "127.0.50.5")
      expectNeutronError(
        try await neutron(cloud, .POST, "/ports", token: token, body: body("127.0.0.1")), status: 400,
        type: "InvalidIpForNetwork", containing: "127.0.0.1")
      expectNeutronError(
        try await neutron(cloud, .POST, "/ports", token: token, body: body("10.0.0.5")), status: 400,
        containing: "10.0.0.5")
    }
  }

  @Test func portRequestErrors() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      expectNeutronError(
        try await neutron(cloud, .POST, "/ports", token: token, body: ["port": ["network_id": "missing"]]),
        status: 404, type: "NetworkNotFound", containing: "Network missing could not be found.")
      expectNeutronError(
        try await neutron(cloud, .POST, "/ports", token: token, body: ["name": "x"]), status: 400,
        containing: "Unable to find 'port' in request body")
      expectNeutronError(
        try await neutron(
          cloud, .POST, "/ports", token: token,
          body: ["port": ["network_id": .string(Self.tenantNetwork), "colour": "blue"]]),
        status: 400, containing: "Unrecognized attribute(s) 'colour'")
      expectNeutronError(
        try await neutron(
          cloud, .POST, "/ports", token: token,
          body: ["port": ["network_id": .string(Self.tenantNetwork), "security_groups": ["missing"]]]),
        status: 404, type: "SecurityGroupNotFound", containing: "missing")
      let port = try await createPort(cloud, token: token, name: "p")
      let id = try #require(port["id"]?.stringValue)
      expectNeutronError(
        try await neutron(
          cloud, .PUT, "/ports/\(id)", token: token, body: ["port": ["network_id": .string(Self.externalNetwork)]]),
        status: 400, containing: "Cannot update read-only attribute network_id")
      expectNeutronError(
        try await neutron(
          cloud, .PUT, "/ports/\(id)", token: token, body: ["port": ["allowed_address_pairs": [["mac_address": "x"]]]]),
        status: 400, containing: "ip_address")
    }
  }

  // MARK: - Floating IPs

  @Test func floatingIPLifecycle() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let port = try await createPort(cloud, token: token, name: "paws-vip")
      let portID = try #require(port["id"]?.stringValue)
      let fixed = try #require(port["fixed_ips"]?.arrayValue?.first?["ip_address"])

      let created = try await neutron(
        cloud, .POST, "/floatingips", token: token,
        body: ["floatingip": ["floating_network_id": .string(Self.externalNetwork), "port_id": .string(portID)]])
      #expect(created.status == 201)
      let floatingIP = try #require(created.json["floatingip"])
      let id = try #require(floatingIP["id"]?.stringValue)
      #expect(Self.isSimulatedAddress(floatingIP["floating_ip_address"]))
      #expect(floatingIP["floating_ip_address"] != fixed)
      #expect(floatingIP["floating_network_id"]?.stringValue == Self.externalNetwork)
      #expect(floatingIP["port_id"]?.stringValue == portID)
      #expect(floatingIP["fixed_ip_address"] == fixed)
      #expect(floatingIP["status"] == "ACTIVE")
      #expect(floatingIP["router_id"]?.stringValue?.isEmpty == false)
      #expect(floatingIP["port_details"]?["name"] == "paws-vip")
      #expect(floatingIP["project_id"] == "paws")

      let disassociated = try await neutron(
        cloud, .PUT, "/floatingips/\(id)", token: token, body: ["floatingip": ["port_id": .null]])
      #expect(disassociated.status == 200)
      #expect(disassociated.json["floatingip"]?["port_id"] == .null)
      #expect(disassociated.json["floatingip"]?["fixed_ip_address"] == .null)
      #expect(disassociated.json["floatingip"]?["status"] == "DOWN")
      #expect(disassociated.json["floatingip"]?["port_details"] == .null)
      let associated = try await neutron(
        cloud, .PUT, "/floatingips/\(id)", token: token, body: ["floatingip": ["port_id": .string(portID)]])
      #expect(associated.json["floatingip"]?["port_id"]?.stringValue == portID)

      let second = try await neutron(
        cloud, .POST, "/floatingips", token: token,
        body: ["floatingip": ["floating_network_id": .string(Self.externalNetwork), "port_id": .string(portID)]])
      expectNeutronError(second, status: 409, type: "FloatingIPPortAlreadyAssociated", containing: "already has")

      let list = try await neutron(cloud, .GET, "/floatingips", token: token)
      #expect(list.json["floatingips"]?.arrayValue?.count == 1)
      let address = try #require(floatingIP["floating_ip_address"]?.stringValue)
      let byAddress = try await neutron(cloud, .GET, "/floatingips?floating_ip_address=\(address)", token: token)
      #expect(byAddress.json["floatingips"]?.arrayValue?.first?["id"]?.stringValue == id)

      #expect(try await neutron(cloud, .DELETE, "/ports/\(portID)", token: token).status == 204)
      let orphaned = try await neutron(cloud, .GET, "/floatingips/\(id)", token: token)
      #expect(orphaned.json["floatingip"]?["port_id"] == .null)

      #expect(try await neutron(cloud, .DELETE, "/floatingips/\(id)", token: token).status == 204)
      expectNeutronError(
        try await neutron(cloud, .GET, "/floatingips/\(id)", token: token), status: 404, type: "FloatingIPNotFound",
        containing: id)
    }
  }

  @Test func floatingIPAddressesAndNetworksAreChecked() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let chosen = try await neutron(
        cloud, .POST, "/floatingips", token: token,
        body: [
          "floatingip": ["floating_network_id": .string(Self.externalNetwork), "floating_ip_address": "127.0.60.6"]
        ])
      #expect(chosen.status == 201)
      #expect(chosen.json["floatingip"]?["floating_ip_address"] == "127.0.60.6")
      #expect(chosen.json["floatingip"]?["port_id"] == .null)
      expectNeutronError(
        try await neutron(
          cloud, .POST, "/floatingips", token: token,
          body: [
            "floatingip": ["floating_network_id": .string(Self.externalNetwork), "floating_ip_address": "127.0.60.6"]
          ]),
        status: 409, type: "IpAddressAlreadyAllocated", containing: "127.0.60.6")
      expectNeutronError(
        try await neutron(
          cloud, .POST, "/floatingips", token: token,
          body: [
            "floatingip": ["floating_network_id": .string(Self.externalNetwork), "floating_ip_address": "127.0.0.1"]
          ]),
        status: 400, containing: "127.0.0.1")
      expectNeutronError(
        try await neutron(
          cloud, .POST, "/floatingips", token: token,
          body: ["floatingip": ["floating_network_id": .string(Self.tenantNetwork)]]),
        status: 400, containing: "is not a valid external network")
      expectNeutronError(
        try await neutron(
          cloud, .POST, "/floatingips", token: token,
          body: ["floatingip": ["floating_network_id": .string(Self.externalNetwork), "port_id": "missing"]]),
        status: 404, type: "PortNotFound", containing: "missing")
    }
  }

  // MARK: - Security groups

  @Test func securityGroupLifecycle() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let created = try await neutron(
        cloud, .POST, "/security-groups", token: token,
        body: ["security_group": ["name": "paws-haproxy", "description": "haproxy hosts"]])
      #expect(created.status == 201)
      let group = try #require(created.json["security_group"])
      let groupID = try #require(group["id"]?.stringValue)
      #expect(group["name"] == "paws-haproxy")
      #expect(group["description"] == "haproxy hosts")
      let defaults = try #require(group["security_group_rules"]?.arrayValue)
      #expect(defaults.map { $0["direction"] } == ["egress", "egress"])
      #expect(Set(defaults.compactMap { $0["ethertype"]?.stringValue }) == ["IPv4", "IPv6"])

      let rule: JSONValue = [
        "security_group_rule": [
          "security_group_id": .string(groupID), "direction": "ingress", "ethertype": "IPv4", "protocol": "tcp",
          "port_range_min": 6443, "port_range_max": 6443, "remote_ip_prefix": "0.0.0.0/0",
        ]
      ]
      let ruleResponse = try await neutron(cloud, .POST, "/security-group-rules", token: token, body: rule)
      #expect(ruleResponse.status == 201)
      let ruleBody = try #require(ruleResponse.json["security_group_rule"])
      let ruleID = try #require(ruleBody["id"]?.stringValue)
      #expect(ruleBody["protocol"] == "tcp")
      #expect(ruleBody["port_range_min"] == 6443)
      #expect(ruleBody["port_range_max"] == 6443)
      #expect(ruleBody["remote_ip_prefix"] == "0.0.0.0/0")
      #expect(ruleBody["remote_group_id"] == .null)
      #expect(ruleBody["security_group_id"]?.stringValue == groupID)
      expectNeutronError(
        try await neutron(cloud, .POST, "/security-group-rules", token: token, body: rule), status: 409,
        type: "SecurityGroupRuleExists", containing: ruleID)
      let vrrp = try await neutron(
        cloud, .POST, "/security-group-rules", token: token,
        body: [
          "security_group_rule": [
            "security_group_id": .string(groupID), "direction": "ingress", "protocol": 112,
            "remote_group_id": .string(groupID),
          ]
        ])
      #expect(vrrp.status == 201)
      #expect(vrrp.json["security_group_rule"]?["protocol"] == "112")
      #expect(vrrp.json["security_group_rule"]?["ethertype"] == "IPv4")

      let shown = try await neutron(cloud, .GET, "/security-groups/\(groupID)", token: token)
      #expect(shown.json["security_group"]?["security_group_rules"]?.arrayValue?.count == 4)
      let byName = try await neutron(cloud, .GET, "/security-groups?name=paws-haproxy", token: token)
      #expect(byName.json["security_groups"]?.arrayValue?.map { $0["id"] } == [.string(groupID)])
      #expect(try await neutron(cloud, .GET, "/security-groups?name=other", token: token).json["security_groups"] == [])

      let port = try await createPort(
        cloud, token: token, name: "haproxy-1", extra: ["security_groups": [.string(groupID)]])
      #expect(port["security_groups"] == [.string(groupID)])
      expectNeutronError(
        try await neutron(cloud, .DELETE, "/security-groups/\(groupID)", token: token), status: 409,
        type: "SecurityGroupInUse", containing: "in use")

      #expect(try await neutron(cloud, .DELETE, "/security-group-rules/\(ruleID)", token: token).status == 204)
      expectNeutronError(
        try await neutron(cloud, .DELETE, "/security-group-rules/\(ruleID)", token: token), status: 404,
        type: "SecurityGroupRuleNotFound", containing: ruleID)
      let portID = try #require(port["id"]?.stringValue)
      #expect(try await neutron(cloud, .DELETE, "/ports/\(portID)", token: token).status == 204)
      #expect(try await neutron(cloud, .DELETE, "/security-groups/\(groupID)", token: token).status == 204)
      expectNeutronError(
        try await neutron(cloud, .GET, "/security-groups/\(groupID)", token: token), status: 404,
        type: "SecurityGroupNotFound", containing: groupID)
      let rules = try await neutron(cloud, .GET, "/security-group-rules?security_group_id=\(groupID)", token: token)
      #expect(rules.json["security_group_rules"] == [])
    }
  }

  @Test func securityGroupRulesAreValidated() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let created = try await neutron(
        cloud, .POST, "/security-groups", token: token, body: ["security_group": ["name": "checks"]])
      let groupID = try #require(created.json["security_group"]?["id"])
      let cases: [([String: JSONValue], String)] = [
        (["direction": "sideways"], "direction"),
        (["direction": "ingress", "ethertype": "IPv5"], "ethertype 'IPv5' not supported"),
        (["direction": "ingress", "protocol": "tcpx"], "protocol tcpx not supported"),
        (["direction": "ingress", "protocol": 300], "protocol 300 not supported"),
        (["direction": "ingress", "port_range_min": 80, "port_range_max": 80], "Must also specify protocol"),
        (["direction": "ingress", "protocol": "tcp", "port_range_min": 90, "port_range_max": 80], "port_range_min"),
        (["direction": "ingress", "protocol": "tcp", "port_range_min": 80], "port_range_min"),
        (["direction": "ingress", "protocol": "udp", "port_range_min": 0, "port_range_max": 80], "port 0"),
        (["direction": "ingress", "protocol": "tcp", "port_range_min": 1, "port_range_max": 70000], "port 70000"),
        (["direction": "ingress", "protocol": "icmp", "port_range_max": 0], "ICMP type"),
        (["direction": "ingress", "protocol": "icmp", "port_range_min": 256], "ICMP type"),
        (["direction": "ingress", "protocol": "gre", "port_range_min": 1, "port_range_max": 2], "Invalid protocol"),
        (
          ["direction": "ingress", "remote_ip_prefix": "0.0.0.0/0", "remote_group_id": groupID],
          "Only remote_ip_prefix or remote_group_id"
        ),
        (["direction": "ingress", "ethertype": "IPv6", "remote_ip_prefix": "10.0.0.0/8"], "Conflicting value"),
      ]
      for (fields, text) in cases {
        var rule = fields
        rule["security_group_id"] = groupID
        let response = try await neutron(
          cloud, .POST, "/security-group-rules", token: token, body: ["security_group_rule": .object(rule)])
        expectNeutronError(response, status: 400, containing: text)
      }
      let icmp = try await neutron(
        cloud, .POST, "/security-group-rules", token: token,
        body: [
          "security_group_rule": [
            "security_group_id": groupID, "direction": "ingress", "protocol": "icmp", "port_range_min": 8,
          ]
        ])
      #expect(icmp.status == 201)
      expectNeutronError(
        try await neutron(
          cloud, .POST, "/security-group-rules", token: token,
          body: ["security_group_rule": ["security_group_id": "missing", "direction": "ingress"]]),
        status: 404, type: "SecurityGroupNotFound", containing: "missing")
    }
  }

  // MARK: - Faults

  @Test func faultsApplyToNeutronAndNova() async throws {
    let configuration = SimulatorConfiguration(buildSeconds: 0, faults: FaultInjection(errorRate: 1))
    try await SimulatorHarness.with(configuration) { cloud in
      let network = try await cloud.send(.GET, "/network/v2.0/ports", token: "irrelevant")
      #expect(network.status == 500)
      #expect(network.json["NeutronError"]?["type"] == "HTTPInternalServerError")
      let compute = try await cloud.send(.GET, "/compute/v2.1/os-server-groups", token: "irrelevant")
      #expect(compute.status == 500)
      #expect(compute.json["computeFault"]?["code"] == 500)
    }
    let limited = SimulatorConfiguration(buildSeconds: 0, faults: FaultInjection(rateLimitRate: 1))
    try await SimulatorHarness.with(limited) { cloud in
      let network = try await cloud.send(.GET, "/network/v2.0/ports", token: "irrelevant")
      #expect(network.status == 429)
      #expect(network.header("Retry-After") == "1")
      let compute = try await cloud.send(.GET, "/compute/v2.1/os-server-groups", token: "irrelevant")
      #expect(compute.status == 429)
      #expect(compute.json["overLimit"]?["code"] == 429)
    }
  }
}
