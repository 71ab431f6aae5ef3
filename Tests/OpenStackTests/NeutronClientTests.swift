import Foundation
import Testing

@testable import OpenStack

// MARK: - NeutronClient

@Suite("NeutronClient")
struct NeutronClientTests {
  static let base = FakeCloud.neutronURL + "/v2.0"

  private func client(_ service: @escaping FakeTransport.Handler) -> (NeutronClient, FakeTransport) {
    let transport = FakeCloud.transport(
      tokenBody: FakeCloud.tokenBody(catalog: FakeCloud.networkAndComputeCatalog), service: service)
    return (NeutronClient(session: FakeCloud.session(transport: transport)), transport)
  }

  // MARK: - Decoding

  @Test("the API reference's port decodes every field")
  func portFixture() throws {
    struct Body: Decodable { var port: NetworkPort }
    let port = try JSONDecoder().decode(Body.self, from: Fixture.data("neutron-port-create-resp")).port
    #expect(port.id == "65c0ee9f-d634-4522-8954-51021b570b0d")
    #expect(port.name == "private-port")
    #expect(port.networkID == "a87cc70a-3e15-4acf-8205-9b711a3531b7")
    #expect(port.fixedIPs == [.init(ipAddress: "10.0.0.2", subnetID: "a0304c3a-4f08-4c43-88af-d796509c97d2")])
    #expect(port.ipAddresses == ["10.0.0.2"])
    #expect(port.allowedAddressPairs == [.init(ipAddress: "12.12.11.12", macAddress: "fa:14:2a:b3:cb:f0")])
    #expect(port.securityGroups == ["f0ac4394-7e4a-4409-9701-ba8be283dbc3"])
    #expect(port.macAddress == "fa:16:3e:c9:cb:f0")
    #expect(port.status == "DOWN")
    #expect(port.adminStateUp == true)
    #expect(port.deviceID == "")
    #expect(port.deviceOwner == "")
    #expect(port.description == "")
    #expect(port.projectID == "d6700c0c9ffa4f1cb322cd4a1f3906fa")
    #expect(port.portSecurityEnabled == true)
    #expect(port.tags == ["tag1,tag2"])
    #expect(port.revisionNumber == 1)
    #expect(port.createdAt == "2016-03-08T20:19:41")
    #expect(port.updatedAt == "2016-03-08T20:19:41")
  }

  @Test("the API reference's floating IP decodes every field")
  func floatingIPFixture() throws {
    struct Body: Decodable { var floatingip: FloatingIP }
    let ip = try JSONDecoder().decode(Body.self, from: Fixture.data("neutron-floatingip-create-resp")).floatingip
    #expect(ip.id == "2f245a7b-796b-4f26-9cf9-9e82d248fda7")
    #expect(ip.floatingIPAddress == "172.24.4.228")
    #expect(ip.floatingNetworkID == "376da547-b977-4cfe-9cba-275c80debf57")
    #expect(ip.fixedIPAddress == "10.0.0.3")
    #expect(ip.portID == "ce705c24-c1ef-408a-bda3-7bbd946164ab")
    #expect(ip.routerID == "d23abc8d-2991-4a55-ba98-2aaea84cc72f")
    #expect(ip.status == "ACTIVE")
    #expect(ip.projectID == "4969c491a3c74ee4af974e6d800c62de")
    #expect(ip.description == "floating ip for testing")
    #expect(ip.dnsDomain == "my-domain.org.")
    #expect(ip.dnsName == "myfip")
    #expect(ip.createdAt == "2016-12-21T01:36:04Z")
    #expect(ip.updatedAt == "2016-12-21T01:36:04Z")
    #expect(ip.revisionNumber == 1)
    #expect(ip.tags == ["tag1,tag2"])
    #expect(
      ip.portDetails
        == FloatingIP.PortDetails(
          name: "", networkID: "02dd8479-ef26-4398-a102-d19d0a7b3a1f", macAddress: "fa:16:3e:b1:3b:30",
          adminStateUp: true, status: "ACTIVE", deviceID: "8e3941b4-a6e9-499f-a1ac-2a4662025cba",
          deviceOwner: "compute:nova"))
  }

  @Test("a security group decodes with its rules; a numeric protocol reads as text, tenant_id as the project")
  func securityGroupFixture() throws {
    struct Body: Decodable {
      var group: SecurityGroup
      enum CodingKeys: String, CodingKey { case group = "security_group" }
    }
    let group = try JSONDecoder().decode(Body.self, from: Fixture.data("neutron-security-group-create-resp"))
      .group
    #expect(group.id == "2076db17-a522-4506-91de-c6dd8e837028")
    #expect(group.name == "paws-haproxy")
    #expect(group.description == "haproxy and keepalived hosts")
    #expect(group.projectID == "paws")
    #expect(group.stateful == true)
    #expect(group.revisionNumber == 4)
    #expect(group.tags == [])
    #expect(group.createdAt == "2018-03-19T19:16:56Z")
    #expect(group.updatedAt == "2018-03-19T19:16:57Z")
    #expect(group.rules.count == 3)
    let https = group.rules[1]
    #expect(
      https
        == SecurityGroupRule(
          id: "93aa42e5-80db-4581-9391-3a608bd0e448", securityGroupID: group.id, direction: "ingress",
          ethertype: "IPv4", protocol: "tcp", portRangeMin: 443, portRangeMax: 443, remoteIPPrefix: "0.0.0.0/0",
          description: "https", projectID: "paws", revisionNumber: 2, createdAt: "2018-03-19T19:16:56Z",
          updatedAt: "2018-03-19T19:16:57Z"))
    #expect(group.rules[0].protocol == nil)
    #expect(group.rules[0].ethertype == "IPv6")
    #expect(group.rules[2].protocol == "112")
    #expect(group.rules[2].remoteGroupID == group.id)
    #expect(group.rules[2].projectID == "paws")
  }

  @Test("the API reference's security group rule decodes every field")
  func securityGroupRuleFixture() throws {
    struct Body: Decodable {
      var rule: SecurityGroupRule
      enum CodingKeys: String, CodingKey { case rule = "security_group_rule" }
    }
    let rule = try JSONDecoder().decode(Body.self, from: Fixture.data("neutron-security-group-rule-create-resp")).rule
    #expect(
      rule
        == SecurityGroupRule(
          id: "2bc0accf-312e-429a-956e-e4407625eb62", securityGroupID: "a7734e61-b545-452d-a3cd-0189cbd9747a",
          direction: "ingress", ethertype: "IPv4", protocol: "tcp", portRangeMin: 80, portRangeMax: 80,
          remoteIPPrefix: "172.16.0.0/21", remoteGroupID: nil, description: "haproxy from the cluster nodes",
          projectID: "e4f50856753b4dc6afee5fa6b9b6c550", revisionNumber: 1, createdAt: "2018-03-19T19:16:56Z",
          updatedAt: "2018-03-19T19:16:56Z"))
  }

  @Test("the API reference's subnets decode every field; tenant_id stands in for a missing project_id")
  func subnetFixture() throws {
    struct Body: Decodable { var subnets: [Subnet] }
    let subnets = try JSONDecoder().decode(Body.self, from: Fixture.data("neutron-subnet-list-resp")).subnets
    #expect(
      subnets == [
        Subnet(
          id: "a69bdf11-cce4-4a0a-9f1e-9e27fa7bc3b4", name: "vxlan-dualstack-ipv4",
          networkID: "7425e328-560c-4f00-8e99-706f3fb90bb4", cidr: "172.16.0.0/21", ipVersion: 4,
          gatewayIP: "172.16.0.1", enableDHCP: true, description: "", projectID: "admin"),
        Subnet(
          id: "b1c2d3e4-0000-4000-8000-000000000006", name: "vxlan-dualstack-ipv6",
          networkID: "7425e328-560c-4f00-8e99-706f3fb90bb4", cidr: "2a02:ec80:a000::/56", ipVersion: 6,
          gatewayIP: nil, enableDHCP: false, description: "IPv6 half of the dual stack", projectID: "admin"),
      ])
  }

  // MARK: - Ports

  @Test("createPort posts the port envelope to /v2.0/ports and decodes the 201")
  func createPort() async throws {
    let (neutron, transport) = client { _ in .json(201, try Fixture.text("neutron-port-create-resp")) }
    let port = try await neutron.createPort(
      PortCreateRequest(
        networkID: "7425e328", name: "paws-vip", fixedIPs: [.init(subnetID: "a69b", ipAddress: "172.16.2.10")],
        securityGroups: ["2076db17"], allowedAddressPairs: [.init(ipAddress: "172.16.2.11")]))
    #expect(port.name == "private-port")
    let request = try #require(transport.serviceRequests.first)
    #expect(request.method == "POST")
    #expect(request.url == Self.base + "/ports")
    #expect(
      request.bodyText
        == #"{"port":{"allowed_address_pairs":[{"ip_address":"172.16.2.11"}],"#
        + #""fixed_ips":[{"ip_address":"172.16.2.10","subnet_id":"a69b"}],"name":"paws-vip","network_id":"7425e328","#
        + #""security_groups":["2076db17"]}}"#)
  }

  @Test("ports are listed by name, the name percent-encoded in the query")
  func listPorts() async throws {
    let (neutron, transport) = client { _ in
      .json(200, #"{"ports": [{"id": "p1", "network_id": "n1", "name": "paws vip+1"}]}"#)
    }
    let ports = try await neutron.ports(name: "paws vip+1")
    #expect(ports.map(\.id) == ["p1"])
    #expect(ports[0].fixedIPs == [])
    #expect(transport.serviceRequests.first?.url == Self.base + "/ports?name=paws%20vip%2B1")
    _ = try await neutron.ports()
    #expect(transport.serviceRequests.last?.url == Self.base + "/ports")
  }

  @Test("a missing port is nil, and deleting one is done")
  func portNotFound() async throws {
    let (neutron, transport) = client { _ in .json(404, try Fixture.text("neutron-error-404")) }
    #expect(try await neutron.port(id: "65c0ee9f") == nil)
    try await neutron.deletePort(id: "65c0ee9f")
    #expect(transport.serviceRequests.map(\.method) == ["GET", "DELETE"])
    #expect(transport.serviceRequests.last?.url == Self.base + "/ports/65c0ee9f")
  }

  @Test("updating allowed address pairs PUTs the whole list")
  func updatePairs() async throws {
    let (neutron, transport) = client { _ in .json(200, try Fixture.text("neutron-port-create-resp")) }
    _ = try await neutron.updateAllowedAddressPairs(
      portID: "65c0ee9f",
      pairs: [.init(ipAddress: "172.16.2.10"), .init(ipAddress: "172.16.2.12", macAddress: "fa:16:3e:00:00:01")])
    let request = try #require(transport.serviceRequests.first)
    #expect(request.method == "PUT")
    #expect(request.url == Self.base + "/ports/65c0ee9f")
    #expect(
      request.bodyText
        == #"{"port":{"allowed_address_pairs":[{"ip_address":"172.16.2.10"},"#
        + #"{"ip_address":"172.16.2.12","mac_address":"fa:16:3e:00:00:01"}]}}"#)
    _ = try await neutron.updateAllowedAddressPairs(portID: "65c0ee9f", pairs: [])
    #expect(transport.serviceRequests.last?.bodyText == #"{"port":{"allowed_address_pairs":[]}}"#)
  }

  // MARK: - Floating IPs

  @Test("a floating IP is created on the external network, with the optional fields left out")
  func createFloatingIP() async throws {
    let (neutron, transport) = client { _ in .json(201, try Fixture.text("neutron-floatingip-create-resp")) }
    let ip = try await neutron.createFloatingIP(FloatingIPCreateRequest(floatingNetworkID: "5c9ee953"))
    #expect(ip.floatingIPAddress == "172.24.4.228")
    let request = try #require(transport.serviceRequests.first)
    #expect(request.url == Self.base + "/floatingips")
    #expect(request.bodyText == #"{"floatingip":{"floating_network_id":"5c9ee953"}}"#)
    _ = try await neutron.createFloatingIP(
      FloatingIPCreateRequest(floatingNetworkID: "5c9ee953", floatingIPAddress: "185.15.56.7", portID: "p1"))
    #expect(
      transport.serviceRequests.last?.bodyText
        == #"{"floatingip":{"floating_ip_address":"185.15.56.7","floating_network_id":"5c9ee953","port_id":"p1"}}"#)
  }

  @Test("associate PUTs the port id; disassociate PUTs an explicit null")
  func associate() async throws {
    let (neutron, transport) = client { _ in .json(200, try Fixture.text("neutron-floatingip-create-resp")) }
    _ = try await neutron.associateFloatingIP(id: "2f245a7b", portID: "ce705c24")
    _ = try await neutron.disassociateFloatingIP(id: "2f245a7b")
    #expect(transport.serviceRequests.map(\.method) == ["PUT", "PUT"])
    #expect(
      transport.serviceRequests.map(\.url) == [
        Self.base + "/floatingips/2f245a7b", Self.base + "/floatingips/2f245a7b",
      ])
    #expect(
      transport.serviceRequests.map(\.bodyText) == [
        #"{"floatingip":{"port_id":"ce705c24"}}"#, #"{"floatingip":{"port_id":null}}"#,
      ])
  }

  @Test("floating IPs are listed (by address), shown, and a 404 delete is done")
  func floatingIPReads() async throws {
    let (neutron, transport) = client { request in
      switch (request.method, request.path) {
      case ("GET", "/v2.0/floatingips"):
        return .json(
          200,
          #"{"floatingips": [{"id": "f1", "floating_ip_address": "185.15.56.7", "floating_network_id": "n", "#
            + #""port_id": null, "fixed_ip_address": null, "router_id": null, "port_details": null}]}"#)
      case ("GET", _): return .json(404, #"{"NeutronError": {"type": "FloatingIPNotFound", "message": "gone"}}"#)
      default: return .json(404, #"{"NeutronError": {"type": "FloatingIPNotFound", "message": "gone"}}"#)
      }
    }
    let all = try await neutron.floatingIPs(address: "185.15.56.7")
    #expect(all.map(\.floatingIPAddress) == ["185.15.56.7"])
    #expect(all[0].portID == nil)
    #expect(all[0].portDetails == nil)
    #expect(transport.serviceRequests[0].url == Self.base + "/floatingips?floating_ip_address=185.15.56.7")
    #expect(try await neutron.floatingIP(id: "f2") == nil)
    try await neutron.deleteFloatingIP(id: "f2")
    #expect(transport.serviceRequests.last?.method == "DELETE")
  }

  // MARK: - Security groups

  @Test("security groups: create, list by name, show, delete")
  func securityGroups() async throws {
    let (neutron, transport) = client { request in
      switch request.method {
      case "POST": return .json(201, try Fixture.text("neutron-security-group-create-resp"))
      case "GET" where request.url.contains("?"):
        return .json(200, #"{"security_groups": [{"id": "g1", "name": "paws-haproxy"}]}"#)
      case "GET": return .json(200, try Fixture.text("neutron-security-group-create-resp"))
      default: return .json(204, "")
      }
    }
    let created = try await neutron.createSecurityGroup(name: "paws-haproxy", description: "haproxy hosts")
    #expect(created.rules.count == 3)
    #expect(transport.serviceRequests[0].url == Self.base + "/security-groups")
    #expect(
      transport.serviceRequests[0].bodyText
        == #"{"security_group":{"description":"haproxy hosts","name":"paws-haproxy"}}"#)
    let listed = try await neutron.securityGroups(name: "paws-haproxy")
    #expect(listed.map(\.id) == ["g1"])
    #expect(listed[0].rules == [])
    #expect(transport.serviceRequests[1].url == Self.base + "/security-groups?name=paws-haproxy")
    #expect(try await neutron.securityGroup(id: created.id)?.name == "paws-haproxy")
    try await neutron.deleteSecurityGroup(id: created.id)
    #expect(transport.serviceRequests.last?.method == "DELETE")
    #expect(transport.serviceRequests.last?.url == Self.base + "/security-groups/" + created.id)
  }

  @Test("a rule is created with only the fields given; a duplicate's 409 carries Neutron's message")
  func securityGroupRules() async throws {
    let calls = Counter()
    let (neutron, transport) = client { _ in
      calls.next() == 1
        ? .json(
          201,
          #"{"security_group_rule": {"id": "r1", "security_group_id": "g1", "direction": "ingress", "#
            + #""ethertype": "IPv4", "protocol": "tcp", "port_range_min": 6443, "port_range_max": 6443}}"#)
        : .json(409, try Fixture.text("neutron-error-409"))
    }
    let request = SecurityGroupRuleCreateRequest(
      securityGroupID: "g1", direction: "ingress", ethertype: "IPv4", protocol: "tcp", portRangeMin: 6443,
      portRangeMax: 6443, remoteIPPrefix: "172.16.0.0/21")
    let rule = try await neutron.createSecurityGroupRule(request)
    #expect(rule.portRangeMin == 6443)
    #expect(transport.serviceRequests[0].url == Self.base + "/security-group-rules")
    #expect(
      transport.serviceRequests[0].bodyText
        == #"{"security_group_rule":{"direction":"ingress","ethertype":"IPv4","port_range_max":6443,"#
        + #""port_range_min":6443,"protocol":"tcp","remote_ip_prefix":"172.16.0.0\/21","security_group_id":"g1"}}"#
        .replacingOccurrences(of: "\\/", with: "/"))
    let error = try await #require(throws: OpenStackError.self) { try await neutron.createSecurityGroupRule(request) }
    #expect(error.status == 409)
    #expect(error.service == "neutron")
    #expect(error.message == "Security group rule already exists. Rule id is 93aa42e5-80db-4581-9391-3a608bd0e448.")
    #expect(transport.serviceRequests.count == 2)
  }

  @Test("deleting a rule that is gone is done; another error is thrown with its message")
  func deleteRule() async throws {
    let (neutron, _) = client { request in
      request.url.hasSuffix("/r1")
        ? .json(404, #"{"NeutronError": {"type": "SecurityGroupRuleNotFound", "message": "no", "detail": ""}}"#)
        : .json(
          409,
          #"{"NeutronError": {"type": "SecurityGroupInUse", "message": "Security Group g1 in use.", "detail": ""}}"#)
    }
    try await neutron.deleteSecurityGroupRule(id: "r1")
    let error = try await #require(throws: OpenStackError.self) { try await neutron.deleteSecurityGroup(id: "g1") }
    #expect(error.description.contains("neutron: DELETE /v2.0/security-groups/g1 answered 409"))
    #expect(error.message == "Security Group g1 in use.")
  }

  // MARK: - Networks

  @Test("a network name resolves to its id through GET /v2.0/networks?name=")
  func networks() async throws {
    let (neutron, transport) = client { _ in .json(200, try Fixture.text("neutron-network-list-resp")) }
    let networks = try await neutron.networks(name: "VXLAN/IPv6-dualstack")
    #expect(transport.serviceRequests.first?.url == Self.base + "/networks?name=VXLAN/IPv6-dualstack")
    let network = try #require(networks.first)
    #expect(network.id == "7425e328-560c-4f00-8e99-706f3fb90bb4")
    #expect(network.name == "VXLAN/IPv6-dualstack")
    #expect(network.status == "ACTIVE")
    #expect(network.subnets.count == 2)
    #expect(network.isExternal == false)
    #expect(network.shared == true)
    #expect(network.adminStateUp == true)
    #expect(network.mtu == 8950)
    #expect(network.description == "")
    #expect(network.projectID == "admin")
  }

  @Test("a network shown by id; a missing one is nil")
  func networkByID() async throws {
    let (neutron, transport) = client { request in
      request.path.hasSuffix("/n1")
        ? .json(200, #"{"network": {"id": "n1", "name": "wan-transport-eqiad", "router:external": true}}"#)
        : .json(404, #"{"NeutronError": {"type": "NetworkNotFound", "message": "Network n2 could not be found."}}"#)
    }
    #expect(try await neutron.network(id: "n1")?.isExternal == true)
    #expect(try await neutron.network(id: "n2") == nil)
    #expect(transport.serviceRequests.map(\.url) == [Self.base + "/networks/n1", Self.base + "/networks/n2"])
  }

  // MARK: - Subnets

  @Test("a subnet name resolves through GET /v2.0/subnets?name= (and network_id); a missing subnet is nil")
  func subnets() async throws {
    let (neutron, transport) = client { request in
      request.path == "/v2.0/subnets"
        ? .json(200, try Fixture.text("neutron-subnet-list-resp"))
        : .json(404, #"{"NeutronError": {"type": "SubnetNotFound", "message": "Subnet s9 could not be found."}}"#)
    }
    let subnets = try await neutron.subnets(name: "vxlan-dualstack-ipv4")
    #expect(subnets.first?.id == "a69bdf11-cce4-4a0a-9f1e-9e27fa7bc3b4")
    #expect(transport.serviceRequests[0].url == Self.base + "/subnets?name=vxlan-dualstack-ipv4")
    _ = try await neutron.subnets(name: "cloud-flat-codfw1dev", networkID: "7425e328")
    #expect(transport.serviceRequests[1].url == Self.base + "/subnets?name=cloud-flat-codfw1dev&network_id=7425e328")
    _ = try await neutron.subnets()
    #expect(transport.serviceRequests[2].url == Self.base + "/subnets")
    #expect(try await neutron.subnet(id: "s9") == nil)
    #expect(transport.serviceRequests[3].url == Self.base + "/subnets/s9")
  }

  // MARK: - Lookups by address and missing objects

  @Test("the port holding an address is found with fixed_ips=ip_address%3D<ip>")
  func portsByFixedIP() async throws {
    let (neutron, transport) = client { _ in .json(200, try Fixture.text("neutron-port-list-by-fixed-ip-resp")) }
    let ports = try await neutron.ports(fixedIPAddress: "172.16.2.10")
    #expect(ports.map(\.id) == ["d80b1a3b-4fc1-49f3-952e-1e2ab7081d8b"])
    #expect(ports.first?.ipAddresses == ["172.16.2.10"])
    #expect(ports.first?.name == "paws-haproxy-vip")
    #expect(transport.serviceRequests[0].url == Self.base + "/ports?fixed_ips=ip_address%3D172.16.2.10")
    _ = try await neutron.ports(fixedIPAddress: "2a02:ec80:a000::10")
    #expect(transport.serviceRequests[1].url == Self.base + "/ports?fixed_ips=ip_address%3D2a02:ec80:a000::10")
  }

  @Test("every getter reads Neutron's 404 NeutronError as nil")
  func gettersNotFound() async throws {
    let (neutron, transport) = client { _ in .json(404, try Fixture.text("neutron-error-404")) }
    #expect(try await neutron.port(id: "p") == nil)
    #expect(try await neutron.floatingIP(id: "f") == nil)
    #expect(try await neutron.securityGroup(id: "g") == nil)
    #expect(try await neutron.network(id: "n") == nil)
    #expect(try await neutron.subnet(id: "s") == nil)
    #expect(transport.serviceRequests.count == 5)
  }

  @Test("an unreadable body is an invalid-response error naming the call")
  func unreadable() async throws {
    let (neutron, _) = client { _ in .json(200, #"{"port": {"name": "x"}}"#) }
    let error = try await #require(throws: OpenStackError.self) { try await neutron.port(id: "p1") }
    #expect(error.kind == .invalidResponse)
    #expect(error.path == "/v2.0/ports/p1")
  }
}
