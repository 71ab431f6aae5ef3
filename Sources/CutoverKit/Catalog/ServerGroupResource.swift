import OpenStack

/// `server_group.<name>`: a Nova server group the haproxy hosts or cluster nodes are booted into (anti-affinity
/// keeps two of them off one hypervisor; soft-anti-affinity tries to). Nova cannot change a group: a new policy is
/// a new group. A group with members is not deleted: its servers would lose the placement rule unnoticed.
public struct ServerGroupResource: NamedResourceType {
  public init() {}

  public static let typeName = "server_group"

  /// The names of this type's attributes, as state and plans record them.
  public enum Attribute {
    public static let name = "name"
    public static let policy = "policy"
    public static let id = "id"
    public static let members = "members"
  }

  public let schema = ResourceSchema([
    AttributeSchema(Attribute.name, .forcesReplacement),
    AttributeSchema(Attribute.policy, .forcesReplacement),
    AttributeSchema(Attribute.id, .computed(changesOnUpdate: false)),
    AttributeSchema(Attribute.members, .computed(changesOnUpdate: false)),
  ])

  public func expand(_ state: DesiredState) -> [DesiredResource] {
    guard let balancer = state.loadBalancer else { return [] }
    return balancer.serverGroups.map { group in
      DesiredResource(
        address: ResourceAddress(type: name, name: group.name),
        attributes: [Attribute.name: .value(.string(group.name)), Attribute.policy: .value(.string(group.policy))])
    }
  }

  public func generation(of address: ResourceAddress) -> String? { nil }

  // MARK: - Actions

  public func create(_ attributes: Attributes, address: ResourceAddress, context: ActionContext) async throws
    -> AppliedResource
  {
    if let resumed = context.resumeRemoteID, let group = try await context.cloud.nova.serverGroup(id: resumed) {
      return applied(group)
    }
    let group = try await context.cloud.nova.createServerGroup(
      ServerGroupCreateRequest(
        name: attributes[Attribute.name]?.stringValue ?? address.name,
        policy: attributes[Attribute.policy]?.stringValue ?? "anti-affinity"))
    try await context.recordRemoteID(group.id)
    return applied(group)
  }

  public func update(_ attributes: Attributes, prior: RecordedResource, context: ActionContext) async throws
    -> AppliedResource
  {
    // Every input forces a new group; an update only ever refreshes what Nova reports.
    guard let id = prior.remoteID, let group = try await context.cloud.nova.serverGroup(id: id) else {
      throw ResourceActionError("\(prior.address) no longer exists in Nova")
    }
    return applied(group)
  }

  public func delete(_ prior: RecordedResource, context: ActionContext) async throws {
    guard let id = prior.remoteID else { return }
    if let group = try await context.cloud.nova.serverGroup(id: id), !group.members.isEmpty {
      throw ResourceActionError(
        "server group \(group.name) still has \(group.members.count) member(s) (\(group.members.joined(separator: ", "))); "
          + "delete or move those servers first")
    }
    try await context.cloud.nova.deleteServerGroup(id: id)
  }

  public func read(_ prior: RecordedResource, context: ActionContext) async throws -> AppliedResource? {
    guard let id = prior.remoteID else { return nil }
    return try await context.cloud.nova.serverGroup(id: id).map(applied)
  }

  public func find(_ attributes: Attributes, context: ActionContext) async throws -> AppliedResource? {
    guard let groupName = attributes[Attribute.name]?.stringValue else { return nil }
    return try await context.cloud.nova.serverGroups(name: groupName)
      .first { !context.knownRemoteIDs.contains($0.id) }
      .map(applied)
  }

  public func inventory(context: ActionContext) async throws -> [String: String] {
    Dictionary(try await context.cloud.nova.serverGroups().map { ($0.name, $0.id) }, uniquingKeysWith: { a, _ in a })
  }

  public func adopt(remoteID: String, context: ActionContext) async throws -> AppliedResource? {
    try await context.cloud.nova.serverGroup(id: remoteID).map(applied)
  }

  private func applied(_ group: ServerGroup) -> AppliedResource {
    AppliedResource(
      remoteID: group.id,
      attributes: [
        Attribute.name: .string(group.name), Attribute.policy: .string(group.effectivePolicy ?? ""),
        Attribute.id: .string(group.id),
        Attribute.members: .list(group.members.map(Value.string)),
      ])
  }
}
