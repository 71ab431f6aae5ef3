import OpenStack

/// `cluster_template.<gen>`: the Magnum cluster template of one generation. Magnum refuses to change a template a
/// cluster uses, so every input forces a new template.
public struct ClusterTemplateResource: NamedResourceType {
  public init() {}

  public static let typeName = "cluster_template"
  public var highlights: [String] { [Attribute.image, Attribute.flavor, Attribute.labels + ".kube_tag"] }

  /// The names of this type's attributes, as state and plans record them.
  public enum Attribute {
    public static let name = "name"
    public static let coe = "coe"
    public static let image = "image"
    public static let keypair = "keypair"
    public static let flavor = "flavor"
    public static let masterFlavor = "master_flavor"
    public static let externalNetwork = "external_network"
    public static let fixedNetwork = "fixed_network"
    public static let fixedSubnet = "fixed_subnet"
    public static let networkDriver = "network_driver"
    public static let dockerStorageDriver = "docker_storage_driver"
    public static let dockerVolumeSize = "docker_volume_size"
    public static let dnsNameserver = "dns_nameserver"
    public static let floatingIpEnabled = "floating_ip_enabled"
    public static let masterLbEnabled = "master_lb_enabled"
    public static let labels = "labels"
    public static let id = "id"
  }

  public let schema = ResourceSchema([
    AttributeSchema(Attribute.name, .forcesReplacement),
    AttributeSchema(Attribute.coe, .forcesReplacement),
    AttributeSchema(Attribute.image, .forcesReplacement),
    AttributeSchema(Attribute.keypair, .forcesReplacement),
    AttributeSchema(Attribute.flavor, .forcesReplacement),
    AttributeSchema(Attribute.masterFlavor, .forcesReplacement),
    AttributeSchema(Attribute.externalNetwork, .forcesReplacement),
    AttributeSchema(Attribute.fixedNetwork, .forcesReplacement),
    AttributeSchema(Attribute.fixedSubnet, .forcesReplacement),
    AttributeSchema(Attribute.networkDriver, .forcesReplacement),
    AttributeSchema(Attribute.dockerStorageDriver, .forcesReplacement),
    AttributeSchema(Attribute.dockerVolumeSize, .forcesReplacement),
    AttributeSchema(Attribute.dnsNameserver, .forcesReplacement),
    AttributeSchema(Attribute.floatingIpEnabled, .forcesReplacement),
    AttributeSchema(Attribute.masterLbEnabled, .forcesReplacement),
    AttributeSchema(Attribute.labels, .forcesReplacement),
    AttributeSchema(Attribute.id, .computed(changesOnUpdate: false)),
  ])

  public func expand(_ state: DesiredState) -> [DesiredResource] {
    state.generations.map { generation in
      let spec = generation.template
      let values: Attributes = [
        Attribute.name: .string(state.clusterName(of: generation.id)),
        Attribute.coe: .string(spec.coe),
        Attribute.image: .string(spec.image),
        Attribute.keypair: .string(spec.keypair),
        Attribute.flavor: .string(spec.flavor),
        Attribute.masterFlavor: .string(spec.masterFlavor),
        Attribute.externalNetwork: .string(spec.externalNetwork),
        Attribute.fixedNetwork: spec.fixedNetwork.map(Value.string) ?? .null,
        Attribute.fixedSubnet: spec.fixedSubnet.map(Value.string) ?? .null,
        Attribute.networkDriver: spec.networkDriver.map(Value.string) ?? .null,
        Attribute.dockerStorageDriver: spec.dockerStorageDriver.map(Value.string) ?? .null,
        Attribute.dockerVolumeSize: spec.dockerVolumeSize.map(Value.int) ?? .null,
        Attribute.dnsNameserver: spec.dnsNameserver.map(Value.string) ?? .null,
        Attribute.floatingIpEnabled: .bool(spec.floatingIPEnabled),
        Attribute.masterLbEnabled: .bool(spec.masterLBEnabled),
        Attribute.labels: .map(spec.labels.mapValues(Value.string)),
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
      name: attributes[Attribute.name]?.stringValue ?? address.name,
      coe: attributes[Attribute.coe]?.stringValue ?? "kubernetes",
      imageID: attributes[Attribute.image]?.stringValue ?? "",
      keypairID: attributes[Attribute.keypair]?.stringValue ?? "",
      flavorID: attributes[Attribute.flavor]?.stringValue ?? "",
      masterFlavorID: attributes[Attribute.masterFlavor]?.stringValue,
      externalNetworkID: attributes[Attribute.externalNetwork]?.stringValue,
      fixedNetwork: attributes[Attribute.fixedNetwork]?.stringValue,
      fixedSubnet: attributes[Attribute.fixedSubnet]?.stringValue,
      networkDriver: attributes[Attribute.networkDriver]?.stringValue,
      dockerStorageDriver: attributes[Attribute.dockerStorageDriver]?.stringValue,
      dockerVolumeSize: attributes[Attribute.dockerVolumeSize]?.intValue,
      dnsNameserver: attributes[Attribute.dnsNameserver]?.stringValue,
      floatingIPEnabled: attributes[Attribute.floatingIpEnabled]?.boolValue,
      masterLBEnabled: attributes[Attribute.masterLbEnabled]?.boolValue,
      labels: attributes[Attribute.labels]?.stringMap ?? [:])
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
    guard let id = prior.remoteID, let template = try await context.clusterTemplate(id: id) else { return nil }
    return applied(template, inputs: prior.attributes)
  }

  public func find(_ attributes: Attributes, context: ActionContext) async throws -> AppliedResource? {
    guard let name = attributes[Attribute.name]?.stringValue else { return nil }
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
      try await context.clusterTemplates().map { ($0.name, $0.uuid) }, uniquingKeysWith: { first, _ in first })
  }

  /// A template's inputs as Magnum holds them, in this type's attribute names.
  static func inputs(of template: ClusterTemplate) -> Attributes {
    func optional(_ text: String?) -> Value { text.map(Value.string) ?? .null }
    return [
      Attribute.name: .string(template.name),
      Attribute.coe: .string(template.coe),
      Attribute.image: .string(template.imageID),
      Attribute.keypair: .string(template.keypairID),
      Attribute.flavor: .string(template.flavorID),
      Attribute.masterFlavor: optional(template.masterFlavorID),
      Attribute.externalNetwork: optional(template.externalNetworkID),
      Attribute.fixedNetwork: optional(template.fixedNetwork),
      Attribute.fixedSubnet: optional(template.fixedSubnet),
      Attribute.networkDriver: optional(template.networkDriver),
      Attribute.dockerStorageDriver: optional(template.dockerStorageDriver),
      Attribute.dockerVolumeSize: template.dockerVolumeSize.map(Value.int) ?? .null,
      Attribute.dnsNameserver: optional(template.dnsNameserver),
      Attribute.floatingIpEnabled: .bool(template.floatingIPEnabled ?? false),
      Attribute.masterLbEnabled: .bool(template.masterLBEnabled ?? false),
      Attribute.labels: .map(template.labels.mapValues(Value.string)),
    ]
  }

  /// The recorded attributes: the inputs as the user wrote them, plus what Magnum computed.
  private func applied(_ template: ClusterTemplate, inputs: Attributes) -> AppliedResource {
    var attributes = inputs
    attributes[Attribute.id] = .string(template.uuid)
    return AppliedResource(remoteID: template.uuid, attributes: attributes)
  }
}
