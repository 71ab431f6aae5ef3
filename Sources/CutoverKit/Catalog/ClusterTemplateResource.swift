import OpenStack

/// `cluster_template.<gen>`: the Magnum cluster template of one generation. Magnum refuses to change a template a
/// cluster uses, so every input forces a new template.
public struct ClusterTemplateResource: NamedResourceType {
  public init() {}

  public static let typeName = "cluster_template"

  public let schema = ResourceSchema([
    AttributeSchema("name", .forcesReplacement),
    AttributeSchema("coe", .forcesReplacement),
    AttributeSchema("image", .forcesReplacement),
    AttributeSchema("keypair", .forcesReplacement),
    AttributeSchema("flavor", .forcesReplacement),
    AttributeSchema("master_flavor", .forcesReplacement),
    AttributeSchema("external_network", .forcesReplacement),
    AttributeSchema("fixed_network", .forcesReplacement),
    AttributeSchema("fixed_subnet", .forcesReplacement),
    AttributeSchema("network_driver", .forcesReplacement),
    AttributeSchema("docker_storage_driver", .forcesReplacement),
    AttributeSchema("docker_volume_size", .forcesReplacement),
    AttributeSchema("dns_nameserver", .forcesReplacement),
    AttributeSchema("floating_ip_enabled", .forcesReplacement),
    AttributeSchema("master_lb_enabled", .forcesReplacement),
    AttributeSchema("labels", .forcesReplacement),
    AttributeSchema("id", .computed(changesOnUpdate: false)),
  ])

  public func expand(_ state: DesiredState) -> [DesiredResource] {
    state.generations.map { generation in
      let spec = generation.template
      let values: Attributes = [
        "name": .string(state.clusterName(of: generation.id)),
        "coe": .string(spec.coe),
        "image": .string(spec.image),
        "keypair": .string(spec.keypair),
        "flavor": .string(spec.flavor),
        "master_flavor": .string(spec.masterFlavor),
        "external_network": .string(spec.externalNetwork),
        "fixed_network": spec.fixedNetwork.map(Value.string) ?? .null,
        "fixed_subnet": spec.fixedSubnet.map(Value.string) ?? .null,
        "network_driver": spec.networkDriver.map(Value.string) ?? .null,
        "docker_storage_driver": spec.dockerStorageDriver.map(Value.string) ?? .null,
        "docker_volume_size": spec.dockerVolumeSize.map(Value.int) ?? .null,
        "dns_nameserver": spec.dnsNameserver.map(Value.string) ?? .null,
        "floating_ip_enabled": .bool(spec.floatingIPEnabled),
        "master_lb_enabled": .bool(spec.masterLBEnabled),
        "labels": .map(spec.labels.mapValues(Value.string)),
      ]
      return DesiredResource(
        address: ResourceAddress(type: name, name: generation.id),
        attributes: values.mapValues(AttributeExpression.value))
    }
  }

  public func generation(of address: ResourceAddress) -> String? { address.name }

  // MARK: - Actions

  public func create(_ attributes: Attributes, address: ResourceAddress, context: ActionContext) async throws
    -> AppliedResource
  {
    if let id = context.resumeRemoteID {
      guard let template = try await context.cloud.magnum.clusterTemplate(id: id) else {
        throw ResourceActionError("cluster template \(id), created by an interrupted apply, no longer exists")
      }
      return applied(template, inputs: attributes)
    }
    let request = ClusterTemplateCreateRequest(
      name: attributes["name"]?.stringValue ?? address.name,
      coe: attributes["coe"]?.stringValue ?? "kubernetes",
      imageID: attributes["image"]?.stringValue ?? "",
      keypairID: attributes["keypair"]?.stringValue ?? "",
      flavorID: attributes["flavor"]?.stringValue ?? "",
      masterFlavorID: attributes["master_flavor"]?.stringValue,
      externalNetworkID: attributes["external_network"]?.stringValue,
      fixedNetwork: attributes["fixed_network"]?.stringValue,
      fixedSubnet: attributes["fixed_subnet"]?.stringValue,
      networkDriver: attributes["network_driver"]?.stringValue,
      dockerStorageDriver: attributes["docker_storage_driver"]?.stringValue,
      dockerVolumeSize: attributes["docker_volume_size"]?.intValue,
      dnsNameserver: attributes["dns_nameserver"]?.stringValue,
      floatingIPEnabled: attributes["floating_ip_enabled"]?.boolValue,
      masterLBEnabled: attributes["master_lb_enabled"]?.boolValue,
      labels: attributes["labels"]?.stringMap ?? [:])
    let template = try await context.cloud.magnum.createClusterTemplate(request)
    try await context.recordRemoteID(template.uuid)
    return applied(template, inputs: attributes)
  }

  public func update(_ attributes: Attributes, prior: RecordedResource, context: ActionContext) async throws
    -> AppliedResource
  {
    // Every input forces replacement, so a plan never updates a template; should one, it records the inputs and
    // calls nothing, since Magnum refuses to change a template a cluster uses.
    AppliedResource(remoteID: prior.remoteID ?? "", attributes: prior.attributes.merging(attributes) { $1 })
  }

  public func delete(_ prior: RecordedResource, context: ActionContext) async throws {
    guard let id = prior.remoteID else { return }
    try await context.cloud.magnum.deleteClusterTemplate(id: id)
  }

  public func read(_ prior: RecordedResource, context: ActionContext) async throws -> AppliedResource? {
    guard let id = prior.remoteID, let template = try await context.cloud.magnum.clusterTemplate(id: id) else {
      return nil
    }
    return applied(template, inputs: prior.attributes)
  }

  public func find(_ attributes: Attributes, context: ActionContext) async throws -> AppliedResource? {
    guard let name = attributes["name"]?.stringValue else { return nil }
    let templates = try await context.cloud.magnum.clusterTemplates()
    guard let match = templates.first(where: { $0.name == name && !context.knownRemoteIDs.contains($0.uuid) }) else {
      return nil
    }
    return applied(match, inputs: Self.inputs(of: match))
  }

  public func adopt(remoteID: String, context: ActionContext) async throws -> AppliedResource? {
    try await context.cloud.magnum.clusterTemplate(id: remoteID).map { applied($0, inputs: Self.inputs(of: $0)) }
  }

  public func inventory(context: ActionContext) async throws -> [String: String] {
    Dictionary(
      try await context.cloud.magnum.clusterTemplates().map { ($0.name, $0.uuid) },
      uniquingKeysWith: { first, _ in first })
  }

  /// A template's inputs as Magnum holds them, in this type's attribute names.
  static func inputs(of template: ClusterTemplate) -> Attributes {
    func optional(_ text: String?) -> Value { text.map(Value.string) ?? .null }
    return [
      "name": .string(template.name),
      "coe": .string(template.coe),
      "image": .string(template.imageID),
      "keypair": .string(template.keypairID),
      "flavor": .string(template.flavorID),
      "master_flavor": optional(template.masterFlavorID),
      "external_network": optional(template.externalNetworkID),
      "fixed_network": optional(template.fixedNetwork),
      "fixed_subnet": optional(template.fixedSubnet),
      "network_driver": optional(template.networkDriver),
      "docker_storage_driver": optional(template.dockerStorageDriver),
      "docker_volume_size": template.dockerVolumeSize.map(Value.int) ?? .null,
      "dns_nameserver": optional(template.dnsNameserver),
      "floating_ip_enabled": .bool(template.floatingIPEnabled ?? false),
      "master_lb_enabled": .bool(template.masterLBEnabled ?? false),
      "labels": .map(template.labels.mapValues(Value.string)),
    ]
  }

  /// The recorded attributes: the inputs as the user wrote them, plus what Magnum computed.
  private func applied(_ template: ClusterTemplate, inputs: Attributes) -> AppliedResource {
    var attributes = inputs
    attributes["id"] = .string(template.uuid)
    return AppliedResource(remoteID: template.uuid, attributes: attributes)
  }
}
