import OpenStack

/// `security_group.<name>`: the group kept on the haproxy hosts, with its ingress rules derived from the
/// load balancer's `ports` (ingress ports open, the Kubernetes API only to `api_from`, VRRP between the hosts).
/// Neutron rules have no update: a changed rule is deleted and the new one created. Egress rules are Neutron's
/// defaults and are left alone.
public struct SecurityGroupResource: ResourceType {
  public init() {}

  public let name = "security_group"

  public let schema = ResourceSchema([
    AttributeSchema("name", .forcesReplacement),
    AttributeSchema("rules", .updatable),
    AttributeSchema("id", .computed(changesOnUpdate: false)),
  ])

  public func expand(_ state: DesiredState) -> [DesiredResource] {
    guard let balancer = state.loadBalancer else { return [] }
    return [
      DesiredResource(
        address: ResourceAddress(type: name, name: balancer.securityGroup.name),
        attributes: [
          "name": .value(.string(balancer.securityGroup.name)),
          "rules": .value(.list(balancer.securityGroupRules.map(\.value))),
        ])
    ]
  }

  public func generation(of address: ResourceAddress) -> String? { nil }

  // MARK: - Actions

  public func create(_ attributes: Attributes, address: ResourceAddress, context: ActionContext) async throws
    -> AppliedResource
  {
    let groupName = attributes["name"]?.stringValue ?? address.name
    let id: String
    if let resumed = context.resumeRemoteID {
      id = resumed
    } else {
      id = try await context.cloud.neutron.createSecurityGroup(
        name: groupName, description: "Managed by Cutover: the load balancer's hosts"
      ).id
      try await context.recordRemoteID(id)
    }
    return try await converge(id: id, to: Self.rules(attributes), context: context)
  }

  public func update(_ attributes: Attributes, prior: RecordedResource, context: ActionContext) async throws
    -> AppliedResource
  {
    guard let id = prior.remoteID else { throw ResourceActionError("\(prior.address) has no recorded group id") }
    return try await converge(id: id, to: Self.rules(attributes), context: context)
  }

  public func delete(_ prior: RecordedResource, context: ActionContext) async throws {
    guard let id = prior.remoteID else { return }
    try await context.cloud.neutron.deleteSecurityGroup(id: id)
  }

  public func read(_ prior: RecordedResource, context: ActionContext) async throws -> AppliedResource? {
    guard let id = prior.remoteID, let group = try await context.cloud.neutron.securityGroup(id: id) else {
      return nil
    }
    return applied(group)
  }

  public func find(_ attributes: Attributes, context: ActionContext) async throws -> AppliedResource? {
    guard let groupName = attributes["name"]?.stringValue else { return nil }
    return try await context.cloud.neutron.securityGroups(name: groupName)
      .first { !context.knownRemoteIDs.contains($0.id) }
      .map(applied)
  }

  public func inventory(context: ActionContext) async throws -> [String: String] {
    Dictionary(
      try await context.cloud.neutron.securityGroups().map { ($0.name, $0.id) }, uniquingKeysWith: { a, _ in a })
  }

  public func adopt(remoteID: String, context: ActionContext) async throws -> AppliedResource? {
    try await context.cloud.neutron.securityGroup(id: remoteID).map(applied)
  }

  // MARK: - Rules

  /// Deletes the managed rules that are not wanted and creates the wanted ones that are missing.
  private func converge(id: String, to wanted: [SecurityRule], context: ActionContext) async throws
    -> AppliedResource
  {
    guard let group = try await context.cloud.neutron.securityGroup(id: id) else {
      throw ResourceActionError("security group \(id) no longer exists in Neutron")
    }
    let existing = group.rules.compactMap { rule in Self.managed(rule).map { (rule.id, $0) } }
    let wantedSet = Set(wanted)
    for (ruleID, rule) in existing where !wantedSet.contains(rule) {
      try await context.cloud.neutron.deleteSecurityGroupRule(id: ruleID)
    }
    let present = Set(existing.map(\.1))
    for rule in wanted where !present.contains(rule) {
      do {
        _ = try await context.cloud.neutron.createSecurityGroupRule(
          SecurityGroupRuleCreateRequest(
            securityGroupID: id, direction: "ingress", ethertype: "IPv4", protocol: rule.protocol,
            portRangeMin: rule.port, portRangeMax: rule.port, remoteIPPrefix: rule.remoteIPPrefix,
            description: "Managed by Cutover"))
      } catch let error as OpenStackError where error.status == 409 {
        continue  // the rule exists already: a retried create, or an identical rule added by hand
      }
    }
    guard let settled = try await context.cloud.neutron.securityGroup(id: id) else {
      throw ResourceActionError("security group \(id) disappeared while its rules were set")
    }
    return applied(settled)
  }

  private func applied(_ group: SecurityGroup) -> AppliedResource {
    let rules = Set(group.rules.compactMap(Self.managed)).sorted()
    return AppliedResource(
      remoteID: group.id,
      attributes: ["name": .string(group.name), "rules": .list(rules.map(\.value)), "id": .string(group.id)])
  }

  /// An IPv4 ingress rule on one port (or a protocol without ports) from a prefix: the kind Cutover manages.
  private static func managed(_ rule: SecurityGroupRule) -> SecurityRule? {
    guard rule.direction == "ingress", rule.ethertype == "IPv4", let proto = rule.protocol,
      rule.portRangeMin == rule.portRangeMax, rule.remoteGroupID == nil
    else { return nil }
    return SecurityRule(protocol: proto, port: rule.portRangeMin, remoteIPPrefix: rule.remoteIPPrefix ?? "0.0.0.0/0")
  }

  private static func rules(_ attributes: Attributes) -> [SecurityRule] {
    (attributes["rules"]?.listValue ?? []).compactMap(SecurityRule.init)
  }
}
