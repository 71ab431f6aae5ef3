import OpenStack

/// `floating_ip.<name>`: the public address NAT'd to the VIP port, so the internet reaches whichever haproxy host
/// holds the VIP. Pointing it at another port is an update; another address or external network is a new one.
public struct FloatingIPResource: NamedResourceType {
  public init() {}

  public static let typeName = "floating_ip"

  /// The names of this type's attributes, as state and plans record them.
  public enum Attribute {
    public static let address = "address"
    public static let network = "network"
    public static let portId = "port_id"
    public static let fixedIp = "fixed_ip"
    public static let id = "id"
  }

  public let schema = ResourceSchema([
    AttributeSchema(Attribute.address, .forcesReplacement),
    // Sent at create only: the address names the floating IP, and a network given by id or by name is the same one.
    AttributeSchema(Attribute.network, .createOnly),
    AttributeSchema(Attribute.portId, .updatable),
    AttributeSchema(Attribute.fixedIp, .updatable),
    AttributeSchema(Attribute.id, .computed(changesOnUpdate: false)),
  ])

  public func expand(_ state: DesiredState) -> [DesiredResource] {
    guard let balancer = state.loadBalancer, let address = balancer.publicIP, let network = balancer.externalNetwork
    else { return [] }
    let port = VIPPortResource.address(balancer.name)
    return [
      DesiredResource(
        address: ResourceAddress(type: name, name: balancer.name),
        attributes: [
          Attribute.address: .value(.string(address)),
          Attribute.network: .value(.string(network)),
          Attribute.portId: .reference(Reference(port, VIPPortResource.Attribute.id)),
          Attribute.fixedIp: .value(.string(balancer.vip)),
        ])
    ]
  }

  public func generation(of address: ResourceAddress) -> String? { nil }

  public var nameAttribute: String { Attribute.address }

  /// A released public address may go to another project, and asking Neutron for a given one is admin-only.
  public var onlyDestroyDeletes: Bool { true }
  public var deletionRisk: String {
    "deleting it releases the public address, which another project may then get and only an admin can hand back"
  }

  // MARK: - Actions

  public func create(_ attributes: Attributes, address: ResourceAddress, context: ActionContext) async throws
    -> AppliedResource
  {
    guard let network = attributes[Attribute.network]?.stringValue else {
      throw ResourceActionError("\(address) needs an external network")
    }
    if let resumed = context.resumeRemoteID, let existing = try await context.cloud.neutron.floatingIP(id: resumed) {
      return try await associate(existing, attributes: attributes, network: network, context: context)
    }
    let created = try await context.cloud.neutron.createFloatingIP(
      FloatingIPCreateRequest(
        floatingNetworkID: try await NetworkLookup.networkID(network, context: context),
        floatingIPAddress: attributes[Attribute.address]?.stringValue,
        portID: attributes[Attribute.portId]?.stringValue,
        fixedIPAddress: attributes[Attribute.fixedIp]?.stringValue, description: "Managed by Cutover: the public VIP"))
    try await context.recordRemoteID(created.id)
    return try await associate(created, attributes: attributes, network: network, context: context)
  }

  public func update(_ attributes: Attributes, prior: RecordedResource, context: ActionContext) async throws
    -> AppliedResource
  {
    guard let id = prior.remoteID, let current = try await context.cloud.neutron.floatingIP(id: id) else {
      throw ResourceActionError("\(prior.address) no longer exists in Neutron")
    }
    let network = prior.attributes[Attribute.network]?.stringValue ?? current.floatingNetworkID
    return try await associate(current, attributes: attributes, network: network, context: context)
  }

  public func delete(_ prior: RecordedResource, context: ActionContext) async throws {
    guard let id = prior.remoteID else { return }
    try await context.cloud.neutron.deleteFloatingIP(id: id)
  }

  public func read(_ prior: RecordedResource, context: ActionContext) async throws -> AppliedResource? {
    guard let id = prior.remoteID, let current = try await context.cloud.neutron.floatingIP(id: id) else {
      return nil
    }
    return applied(current, network: prior.attributes[Attribute.network]?.stringValue ?? current.floatingNetworkID)
  }

  public func find(_ attributes: Attributes, context: ActionContext) async throws -> AppliedResource? {
    guard let address = attributes[Attribute.address]?.stringValue else { return nil }
    guard
      let found = try await context.cloud.neutron.floatingIPs(address: address)
        .first(where: { !context.knownRemoteIDs.contains($0.id) })
    else { return nil }
    return applied(found, network: attributes[Attribute.network]?.stringValue ?? found.floatingNetworkID)
  }

  public func inventory(context: ActionContext) async throws -> [String: String] {
    Dictionary(
      try await context.cloud.neutron.floatingIPs().map { ($0.floatingIPAddress, $0.id) },
      uniquingKeysWith: { a, _ in a })
  }

  public func adopt(remoteID: String, context: ActionContext) async throws -> AppliedResource? {
    guard let found = try await context.cloud.neutron.floatingIP(id: remoteID) else { return nil }
    return applied(found, network: try await NetworkLookup.networkName(id: found.floatingNetworkID, context: context))
  }

  /// NATs the address to the wanted port when it points elsewhere.
  private func associate(_ current: FloatingIP, attributes: Attributes, network: String, context: ActionContext)
    async throws -> AppliedResource
  {
    let wanted = attributes[Attribute.portId]?.stringValue
    guard current.portID != wanted else { return applied(current, network: network) }
    let associated = try await context.cloud.neutron.associateFloatingIP(id: current.id, portID: wanted)
    return applied(associated, network: network)
  }

  private func applied(_ found: FloatingIP, network: String) -> AppliedResource {
    var attributes: Attributes = [
      Attribute.address: .string(found.floatingIPAddress), Attribute.network: .string(network),
      Attribute.id: .string(found.id),
    ]
    if let port = found.portID { attributes[Attribute.portId] = .string(port) }
    if let fixed = found.fixedIPAddress { attributes[Attribute.fixedIp] = .string(fixed) }
    return AppliedResource(remoteID: found.id, attributes: attributes)
  }
}
