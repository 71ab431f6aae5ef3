import OpenStack

/// `vip_port.<name>`: a Neutron port that holds the VIP as its fixed IP, so Neutron never hands the address to
/// anything else, and the VIP in the `allowed_address_pairs` of each haproxy host's port, so keepalived may move it
/// between them (Neutron's port security drops traffic for addresses a port does not own). A host's port is the
/// one holding the host's address. Other pairs on a host's port are kept.
///
/// Only a new VIP makes a new port: a port cannot take an address another port holds, so a replacement keeping the
/// VIP could never be created. The network is sent when the port is made and not compared afterwards (moving the VIP
/// to another network is `cutover destroy --target`, then apply); the name changes in place.
public struct VIPPortResource: NamedResourceType {
  public init() {}

  public static let typeName = "vip_port"

  /// The names of this type's attributes, as state and plans record them.
  public enum Attribute {
    public static let name = "name"
    public static let network = "network"
    public static let vip = "vip"
    public static let hosts = "hosts"
    public static let id = "id"
    public static let macAddress = "mac_address"
  }

  public let schema = ResourceSchema([
    AttributeSchema(Attribute.name, .updatable),
    AttributeSchema(Attribute.network, .createOnly),
    AttributeSchema(Attribute.vip, .forcesReplacement),
    AttributeSchema(Attribute.hosts, .updatable),
    AttributeSchema(Attribute.id, .computed(changesOnUpdate: false)),
    AttributeSchema(Attribute.macAddress, .computed(changesOnUpdate: false)),
  ])

  public func expand(_ state: DesiredState) -> [DesiredResource] {
    guard let balancer = state.loadBalancer else { return [] }
    return [
      DesiredResource(
        address: ResourceAddress(type: name, name: balancer.name),
        attributes: [
          Attribute.name: .value(.string("\(balancer.name)-vip")),
          Attribute.network: .value(.string(balancer.network)),
          Attribute.vip: .value(.string(balancer.vip)),
          Attribute.hosts: .value(.list(balancer.hosts.map(\.address).sorted().map(Value.string))),
        ])
    ]
  }

  public func generation(of address: ResourceAddress) -> String? { nil }

  // MARK: - Actions

  public func create(_ attributes: Attributes, address: ResourceAddress, context: ActionContext) async throws
    -> AppliedResource
  {
    guard let vip = attributes[Attribute.vip]?.stringValue, let network = attributes[Attribute.network]?.stringValue
    else {
      throw ResourceActionError("\(address) needs a vip and a network")
    }
    let port: NetworkPort
    if let resumed = context.resumeRemoteID, let existing = try await context.cloud.neutron.port(id: resumed) {
      port = existing
    } else {
      port = try await context.cloud.neutron.createPort(
        PortCreateRequest(
          networkID: try await NetworkLookup.networkID(network, context: context),
          name: attributes[Attribute.name]?.stringValue ?? "\(address.name)-vip",
          fixedIPs: [.init(ipAddress: vip)], description: "Managed by Cutover: holds the keepalived VIP"))
      try await context.recordRemoteID(port.id)
    }
    let hosts = attributes[Attribute.hosts]?.stringList ?? []
    try await allow(vip, on: hosts, context: context)
    return applied(port, vip: vip, network: network, hosts: hosts)
  }

  public func update(_ attributes: Attributes, prior: RecordedResource, context: ActionContext) async throws
    -> AppliedResource
  {
    guard let id = prior.remoteID, var port = try await context.cloud.neutron.port(id: id) else {
      throw ResourceActionError("\(prior.address) no longer exists in Neutron")
    }
    let vip = Self.vip(of: port, wanted: prior.attributes[Attribute.vip]?.stringValue)
    if let name = attributes[Attribute.name]?.stringValue, name != port.name {
      port = try await context.cloud.neutron.renamePort(id: id, name: name)
    }
    let wanted = attributes[Attribute.hosts]?.stringList ?? []
    let removed = (prior.attributes[Attribute.hosts]?.stringList ?? []).filter { !wanted.contains($0) }
    // New hosts first, so the VIP is never allowed nowhere while keepalived moves it.
    try await allow(vip, on: wanted, context: context)
    try await disallow(vip, on: removed, context: context)
    return applied(
      port, vip: vip, network: prior.attributes[Attribute.network]?.stringValue ?? port.networkID, hosts: wanted)
  }

  public func delete(_ prior: RecordedResource, context: ActionContext) async throws {
    guard let id = prior.remoteID else { return }
    if let vip = prior.attributes[Attribute.vip]?.stringValue {
      try await disallow(vip, on: prior.attributes[Attribute.hosts]?.stringList ?? [], context: context)
    }
    try await context.cloud.neutron.deletePort(id: id)
  }

  public func read(_ prior: RecordedResource, context: ActionContext) async throws -> AppliedResource? {
    guard let id = prior.remoteID, let port = try await context.cloud.neutron.port(id: id) else { return nil }
    let vip = Self.vip(of: port, wanted: prior.attributes[Attribute.vip]?.stringValue)
    // The hosts whose ports still carry the VIP: a pair removed by hand shows as drift and is put back.
    var hosts: [String] = []
    let ports = try await context.cloud.neutron.ports()
    for host in prior.attributes[Attribute.hosts]?.stringList ?? [] {
      let hostPort = ports.first { $0.ipAddresses.contains(host) }
      if hostPort?.allowedAddressPairs.contains(where: { $0.ipAddress == vip }) == true { hosts.append(host) }
    }
    return applied(
      port, vip: vip, network: prior.attributes[Attribute.network]?.stringValue ?? port.networkID, hosts: hosts)
  }

  public func find(_ attributes: Attributes, context: ActionContext) async throws -> AppliedResource? {
    guard let portName = attributes[Attribute.name]?.stringValue, let vip = attributes[Attribute.vip]?.stringValue
    else { return nil }
    guard
      let port = try await context.cloud.neutron.ports(name: portName)
        .first(where: { !context.knownRemoteIDs.contains($0.id) && $0.ipAddresses.contains(vip) })
    else { return nil }
    return applied(port, vip: vip, network: attributes[Attribute.network]?.stringValue ?? port.networkID, hosts: [])
  }

  public func inventory(context: ActionContext) async throws -> [String: String] {
    Dictionary(
      try await context.cloud.neutron.ports().filter { !$0.name.isEmpty }.map { ($0.name, $0.id) },
      uniquingKeysWith: { a, _ in a })
  }

  public func adopt(remoteID: String, context: ActionContext) async throws -> AppliedResource? {
    guard let port = try await context.cloud.neutron.port(id: remoteID) else { return nil }
    let vip = Self.vip(of: port, wanted: nil)
    let network = try await NetworkLookup.networkName(id: port.networkID, context: context)
    let hosts = try await context.cloud.neutron.ports()
      .filter { $0.id != port.id && $0.allowedAddressPairs.contains { $0.ipAddress == vip } }
      .compactMap { $0.ipAddresses.first(where: IPAddressText.isIPv4) }
    return applied(port, vip: vip, network: network, hosts: hosts)
  }

  // MARK: - Host ports

  /// Adds the VIP to the allowed address pairs of each host's port, keeping the pairs already there.
  private func allow(_ vip: String, on hosts: [String], context: ActionContext) async throws {
    for host in hosts {
      guard let port = try await NetworkLookup.port(holding: host, context: context) else {
        throw ResourceActionError(
          "no Neutron port holds haproxy host address \(host); create the host (or fix its address) first")
      }
      guard !port.allowedAddressPairs.contains(where: { $0.ipAddress == vip }) else { continue }
      _ = try await context.cloud.neutron.updateAllowedAddressPairs(
        portID: port.id, pairs: port.allowedAddressPairs + [.init(ipAddress: vip)])
    }
  }

  /// Removes the VIP from the allowed address pairs of each host's port that still exists.
  private func disallow(_ vip: String, on hosts: [String], context: ActionContext) async throws {
    for host in hosts {
      guard let port = try await NetworkLookup.port(holding: host, context: context),
        port.allowedAddressPairs.contains(where: { $0.ipAddress == vip })
      else { continue }
      _ = try await context.cloud.neutron.updateAllowedAddressPairs(
        portID: port.id, pairs: port.allowedAddressPairs.filter { $0.ipAddress != vip })
    }
  }

  /// The port's address that is the VIP: the one wanted when the port holds it, else its first IPv4 address (a
  /// dual-stack port lists an IPv6 address too, in no promised order).
  private static func vip(of port: NetworkPort, wanted: String?) -> String {
    if let wanted, port.ipAddresses.contains(wanted) { return wanted }
    return port.ipAddresses.first(where: IPAddressText.isIPv4) ?? port.ipAddresses.first ?? ""
  }

  private func applied(_ port: NetworkPort, vip: String, network: String, hosts: [String]) -> AppliedResource {
    var attributes: Attributes = [
      Attribute.name: .string(port.name), Attribute.network: .string(network), Attribute.vip: .string(vip),
      Attribute.hosts: .list(hosts.sorted().map(Value.string)), Attribute.id: .string(port.id),
    ]
    if let mac = port.macAddress { attributes[Attribute.macAddress] = .string(mac) }
    return AppliedResource(remoteID: port.id, attributes: attributes)
  }
}
