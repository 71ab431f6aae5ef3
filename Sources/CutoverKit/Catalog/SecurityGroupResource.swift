import OpenStack

/// `security_group.<name>`: the group kept on the haproxy hosts, with its ingress rules derived from the
/// load balancer's `ports` (ingress ports open, the Kubernetes API only to `api_from`, VRRP between the hosts).
/// Neutron rules have no update: a changed rule is deleted and the new one created (new ones first, so a port is never
/// closed in between). Cutover manages the rules it created (described "Managed by Cutover") and any rule equal to
/// one it wants; rules added by hand for anything else (SSH from the bastion, monitoring) and Neutron's default egress
/// rules are left alone.
public struct SecurityGroupResource: NamedResourceType {
  public init() {}

  public static let typeName = "security_group"

  /// The names of this type's attributes, as state and plans record them.
  public enum Attribute {
    public static let name = "name"
    public static let rules = "rules"
    public static let id = "id"
  }

  public let schema = ResourceSchema([
    AttributeSchema(Attribute.name, .forcesReplacement),
    AttributeSchema(Attribute.rules, .updatable),
    AttributeSchema(Attribute.id, .computed(changesOnUpdate: false)),
  ])

  public func expand(_ state: DesiredState) -> [DesiredResource] {
    guard let balancer = state.loadBalancer else { return [] }
    return [
      DesiredResource(
        address: ResourceAddress(type: name, name: balancer.securityGroup.name),
        attributes: [
          Attribute.name: .value(.string(balancer.securityGroup.name)),
          Attribute.rules: .value(.list(balancer.securityGroupRules.map(\.value))),
        ])
    ]
  }

  public func generation(of address: ResourceAddress) -> String? { nil }

  // MARK: - Actions

  public func create(_ attributes: Attributes, address: ResourceAddress, context: ActionContext) async throws
    -> AppliedResource
  {
    let groupName = attributes[Attribute.name]?.stringValue ?? address.name
    let id: String
    if let resumed = context.resumeRemoteID, try await context.cloud.neutron.securityGroup(id: resumed) != nil {
      id = resumed
    } else {
      id = try await context.cloud.neutron.createSecurityGroup(
        name: groupName, description: "Managed by Cutover: the load balancer's hosts"
      ).id
      try await context.recordRemoteID(id)
    }
    return try await converge(id: id, to: Self.rules(attributes), previously: [], context: context)
  }

  public func update(_ attributes: Attributes, prior: RecordedResource, context: ActionContext) async throws
    -> AppliedResource
  {
    guard let id = prior.remoteID else { throw ResourceActionError("\(prior.address) has no recorded group id") }
    return try await converge(
      id: id, to: Self.rules(attributes), previously: Self.rules(prior.attributes), context: context)
  }

  public func delete(_ prior: RecordedResource, context: ActionContext) async throws {
    guard let id = prior.remoteID else { return }
    try await context.cloud.neutron.deleteSecurityGroup(id: id)
  }

  public func read(_ prior: RecordedResource, context: ActionContext) async throws -> AppliedResource? {
    guard let id = prior.remoteID, let group = try await context.cloud.neutron.securityGroup(id: id) else {
      return nil
    }
    return applied(group, known: Set(Self.rules(prior.attributes)))
  }

  public func find(_ attributes: Attributes, context: ActionContext) async throws -> AppliedResource? {
    guard let groupName = attributes[Attribute.name]?.stringValue else { return nil }
    return try await context.cloud.neutron.securityGroups(name: groupName)
      .first { !context.knownRemoteIDs.contains($0.id) }
      .map { applied($0, known: Set(Self.rules(attributes))) }
  }

  public func inventory(context: ActionContext) async throws -> [String: String] {
    Dictionary(
      try await context.cloud.neutron.securityGroups().map { ($0.name, $0.id) }, uniquingKeysWith: { a, _ in a })
  }

  public func adopt(remoteID: String, context: ActionContext) async throws -> AppliedResource? {
    try await context.cloud.neutron.securityGroup(id: remoteID).map { applied($0, known: []) }
  }

  // MARK: - Rules

  /// Creates the wanted rules that are missing, then deletes the managed rules no longer wanted (ours, or ones that
  /// were wanted before): never a rule someone added for another purpose.
  private func converge(
    id: String, to wanted: [SecurityRule], previously: [SecurityRule], context: ActionContext
  ) async throws -> AppliedResource {
    guard let group = try await context.cloud.neutron.securityGroup(id: id) else {
      throw ResourceActionError("security group \(id) no longer exists in Neutron")
    }
    let existing = group.rules.compactMap { rule in Self.shape(rule).map { (rule, $0) } }
    let present = Set(existing.map(\.1))
    for rule in wanted where !present.contains(rule) {
      do {
        _ = try await context.cloud.neutron.createSecurityGroupRule(
          SecurityGroupRuleCreateRequest(
            securityGroupID: id, direction: "ingress", ethertype: "IPv4", protocol: rule.protocol,
            portRangeMin: rule.port, portRangeMax: rule.port, remoteIPPrefix: rule.remoteIPPrefix,
            description: Self.marker))
      } catch let error as OpenStackError where error.status == 409 {
        continue  // the rule exists already: a retried create, or an identical rule added by hand
      }
    }
    let wantedSet = Set(wanted)
    let ours = Set(previously)
    for (rule, shape) in existing
    where !wantedSet.contains(shape) && (rule.description == Self.marker || ours.contains(shape)) {
      try await context.cloud.neutron.deleteSecurityGroupRule(id: rule.id)
    }
    guard let settled = try await context.cloud.neutron.securityGroup(id: id) else {
      throw ResourceActionError("security group \(id) disappeared while its rules were set")
    }
    return applied(settled, known: wantedSet)
  }

  /// The rules Cutover manages in the group: those it created, and those equal to one it knows of (`known`: wanted or
  /// recorded), so a matching rule made by hand is adopted rather than duplicated.
  private func applied(_ group: SecurityGroup, known: Set<SecurityRule>) -> AppliedResource {
    let rules = Set(
      group.rules.compactMap { rule -> SecurityRule? in
        guard let shape = Self.shape(rule), rule.description == Self.marker || known.contains(shape) else { return nil }
        return shape
      }
    ).sorted()
    return AppliedResource(
      remoteID: group.id,
      attributes: [
        Attribute.name: .string(group.name), Attribute.rules: .list(rules.map(\.value)),
        Attribute.id: .string(group.id),
      ])
  }

  /// The description of every rule Cutover creates.
  static let marker = "Managed by Cutover"

  /// An IPv4 ingress rule on one port (or a protocol without ports) from a prefix, the shape Cutover's rules have.
  private static func shape(_ rule: SecurityGroupRule) -> SecurityRule? {
    guard rule.direction == "ingress", rule.ethertype == "IPv4", let proto = rule.protocol,
      rule.portRangeMin == rule.portRangeMax, rule.remoteGroupID == nil
    else { return nil }
    return SecurityRule(protocol: proto, port: rule.portRangeMin, remoteIPPrefix: rule.remoteIPPrefix ?? "0.0.0.0/0")
  }

  private static func rules(_ attributes: Attributes) -> [SecurityRule] {
    (attributes[Attribute.rules]?.listValue ?? []).compactMap(SecurityRule.init)
  }
}
