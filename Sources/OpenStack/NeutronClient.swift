import Foundation

// MARK: - NeutronClient

/// Neutron v2.0 (ports, floating IPs, security groups and their rules, networks, subnets) over an
/// ``OpenStackSession``.
///
/// The catalog's `network` URL names no version (`https://…:29696`), so every path starts with `/v2.0`. Bodies
/// travel in envelopes (`{"port": {…}}`, `{"ports": […]}`); errors are `{"NeutronError": {"type", "message",
/// "detail"}}` and carry the message. A 404 reads as nil for a show and as done for a delete.
public struct NeutronClient: Sendable {
  public static let serviceTypes = ["network"]

  public let session: OpenStackSession

  public init(session: OpenStackSession) {
    self.session = session
  }

  // MARK: - Networks

  /// The networks with this name (Neutron filters; names are not unique), or all of them.
  public func networks(name: String? = nil) async throws -> [Network] {
    try await list("/v2.0/networks", filters: [("name", name)], envelope: "networks")
  }

  /// The network with this id; nil when Neutron answers 404.
  public func network(id: String) async throws -> Network? {
    try await show("/v2.0/networks/\(PathSegment.encode(id))", envelope: "network")
  }

  // MARK: - Subnets

  /// The subnets with this name and/or on this network (Neutron filters; names are not unique), or all of them.
  public func subnets(name: String? = nil, networkID: String? = nil) async throws -> [Subnet] {
    try await list("/v2.0/subnets", filters: [("name", name), ("network_id", networkID)], envelope: "subnets")
  }

  /// The subnet with this id; nil when Neutron answers 404.
  public func subnet(id: String) async throws -> Subnet? {
    try await show("/v2.0/subnets/\(PathSegment.encode(id))", envelope: "subnet")
  }

  // MARK: - Ports

  public func createPort(_ request: PortCreateRequest) async throws -> NetworkPort {
    try await create("/v2.0/ports", envelope: "port", body: request)
  }

  /// The port with this id; nil when Neutron answers 404.
  public func port(id: String) async throws -> NetworkPort? {
    try await show("/v2.0/ports/\(PathSegment.encode(id))", envelope: "port")
  }

  /// The ports with this name, or all of them.
  public func ports(name: String? = nil) async throws -> [NetworkPort] {
    try await list("/v2.0/ports", filters: [("name", name)], envelope: "ports")
  }

  /// The ports holding this address (`GET /v2.0/ports?fixed_ips=ip_address%3D<ip>`): who owns a VIP or a node's
  /// address. Usually one; empty when the address is free.
  public func ports(fixedIPAddress: String) async throws -> [NetworkPort] {
    try await list("/v2.0/ports", filters: [("fixed_ips", "ip_address=\(fixedIPAddress)")], envelope: "ports")
  }

  /// Sets the port's `allowed_address_pairs` (the PUT replaces the whole list; an empty list clears it).
  public func updateAllowedAddressPairs(portID: String, pairs: [NetworkPort.AddressPair]) async throws -> NetworkPort {
    let path = "/v2.0/ports/\(PathSegment.encode(portID))"
    let body = try JSONBody.encode(["port": AddressPairsUpdate(allowedAddressPairs: pairs)])
    let response = try await send("PUT", path, body: body)
    return try response.decoded(Envelope<NetworkPort>.self, key: "port", method: "PUT", path: path)
  }

  /// Renames the port (`PUT {"port": {"name": …}}`).
  public func renamePort(id: String, name: String) async throws -> NetworkPort {
    let path = "/v2.0/ports/\(PathSegment.encode(id))"
    let body = try JSONBody.encode(["port": ["name": name]])
    let response = try await send("PUT", path, body: body)
    return try response.decoded(Envelope<NetworkPort>.self, key: "port", method: "PUT", path: path)
  }

  /// Deletes the port; a 404 counts as done.
  public func deletePort(id: String) async throws {
    try await delete("/v2.0/ports/\(PathSegment.encode(id))")
  }

  // MARK: - Floating IPs

  public func createFloatingIP(_ request: FloatingIPCreateRequest) async throws -> FloatingIP {
    try await create("/v2.0/floatingips", envelope: "floatingip", body: request)
  }

  /// The floating IP with this id; nil when Neutron answers 404.
  public func floatingIP(id: String) async throws -> FloatingIP? {
    try await show("/v2.0/floatingips/\(PathSegment.encode(id))", envelope: "floatingip")
  }

  /// The floating IPs with this address, or all of the project's.
  public func floatingIPs(address: String? = nil) async throws -> [FloatingIP] {
    try await list("/v2.0/floatingips", filters: [("floating_ip_address", address)], envelope: "floatingips")
  }

  /// NATs the floating IP to the port (`PUT {"floatingip": {"port_id": …}}`); nil disassociates it
  /// (`"port_id": null`).
  public func associateFloatingIP(id: String, portID: String?) async throws -> FloatingIP {
    let path = "/v2.0/floatingips/\(PathSegment.encode(id))"
    let body = try JSONBody.encode(["floatingip": PortAssociation(portID: portID)])
    let response = try await send("PUT", path, body: body)
    return try response.decoded(Envelope<FloatingIP>.self, key: "floatingip", method: "PUT", path: path)
  }

  /// Disassociates the floating IP from its port (`"port_id": null`).
  public func disassociateFloatingIP(id: String) async throws -> FloatingIP {
    try await associateFloatingIP(id: id, portID: nil)
  }

  /// Releases the floating IP; a 404 counts as done.
  public func deleteFloatingIP(id: String) async throws {
    try await delete("/v2.0/floatingips/\(PathSegment.encode(id))")
  }

  // MARK: - Security groups

  public func createSecurityGroup(name: String, description: String? = nil) async throws -> SecurityGroup {
    try await create(
      "/v2.0/security-groups", envelope: "security_group",
      body: SecurityGroupCreate(name: name, description: description)
    )
  }

  /// The security group with this id, rules included; nil when Neutron answers 404.
  public func securityGroup(id: String) async throws -> SecurityGroup? {
    try await show("/v2.0/security-groups/\(PathSegment.encode(id))", envelope: "security_group")
  }

  /// The security groups with this name, or all of them.
  public func securityGroups(name: String? = nil) async throws -> [SecurityGroup] {
    try await list("/v2.0/security-groups", filters: [("name", name)], envelope: "security_groups")
  }

  /// Deletes the group; a 404 counts as done. A group a port still uses answers 409 (thrown).
  public func deleteSecurityGroup(id: String) async throws {
    try await delete("/v2.0/security-groups/\(PathSegment.encode(id))")
  }

  // MARK: - Security group rules

  /// Adds a rule; an identical rule that already exists answers 409 (thrown). Rules have no update.
  public func createSecurityGroupRule(_ request: SecurityGroupRuleCreateRequest) async throws -> SecurityGroupRule {
    try await create("/v2.0/security-group-rules", envelope: "security_group_rule", body: request)
  }

  /// Deletes the rule; a 404 counts as done.
  public func deleteSecurityGroupRule(id: String) async throws {
    try await delete("/v2.0/security-group-rules/\(PathSegment.encode(id))")
  }

  // MARK: - Calls

  private func send(_ method: String, _ path: String, body: Data? = nil) async throws -> HTTPResponse {
    try await session.send(serviceTypes: Self.serviceTypes, method: method, path: path, body: body)
  }

  private func create<Request: Encodable, Item: Decodable>(
    _ path: String, envelope key: String, body: Request
  ) async throws -> Item {
    let response = try await send("POST", path, body: try JSONBody.encode([key: body]))
    return try response.decoded(Envelope<Item>.self, key: key, method: "POST", path: path)
  }

  private func show<Item: Decodable>(_ path: String, envelope key: String) async throws -> Item? {
    do {
      let response = try await send("GET", path)
      return try response.decoded(Envelope<Item>.self, key: key, method: "GET", path: path)
    } catch let error as OpenStackError where error.isNotFound {
      return nil
    }
  }

  private func list<Item: Decodable>(
    _ path: String, filters: [(String, String?)], envelope key: String
  ) async throws -> [Item] {
    let fullPath = path + Self.query(filters)
    let response = try await send("GET", fullPath)
    return try response.decoded(Envelope<[Item]>.self, key: key, method: "GET", path: fullPath)
  }

  private func delete(_ path: String) async throws {
    do {
      _ = try await send("DELETE", path)
    } catch let error as OpenStackError where error.isNotFound {
      return
    }
  }

  /// `?name=…&…` for the filters that have a value; `+`, `&`, `=` and the like percent-encoded.
  static func query(_ filters: [(String, String?)]) -> String {
    let allowed = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "+&=;#?"))
    let parts = filters.compactMap { name, value in
      value.map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0)" }
    }
    return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
  }
}

// MARK: - Wire shapes

private struct AddressPairsUpdate: Encodable {
  var allowedAddressPairs: [NetworkPort.AddressPair]

  enum CodingKeys: String, CodingKey {
    case allowedAddressPairs = "allowed_address_pairs"
  }
}

/// `{"port_id": "…"}` or `{"port_id": null}` (the null is what disassociates).
private struct PortAssociation: Encodable {
  var portID: String?

  enum CodingKeys: String, CodingKey {
    case portID = "port_id"
  }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(portID, forKey: .portID)
  }
}

private struct SecurityGroupCreate: Encodable {
  var name: String
  var description: String?
}
