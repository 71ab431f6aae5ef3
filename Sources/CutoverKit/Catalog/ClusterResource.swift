import Foundation
import OpenStack

/// `cluster.<gen>`: the Magnum cluster of one generation. `node_count` (the YAML's `workers`) resizes in place;
/// every other input forces a new cluster, which the guards refuse for the live generation.
public struct ClusterResource: NamedResourceType {
  public init() {}

  public static let typeName = "cluster"
  public var highlights: [String] { [Attribute.nodeCount, Attribute.flavor, Attribute.labels + ".kube_tag"] }

  /// The names of this type's attributes, as state and plans record them.
  public enum Attribute {
    public static let name = "name"
    public static let templateId = "template_id"
    public static let masterCount = "master_count"
    public static let nodeCount = "node_count"
    public static let flavor = "flavor"
    public static let masterFlavor = "master_flavor"
    public static let keypair = "keypair"
    public static let labels = "labels"
    public static let createTimeout = "create_timeout"
    public static let id = "id"
    public static let status = "status"
    public static let statusReason = "status_reason"
    public static let apiAddress = "api_address"
    public static let masterAddresses = "master_addresses"
    public static let nodeAddresses = "node_addresses"
    public static let coeVersion = "coe_version"
  }

  public let schema = ResourceSchema([
    AttributeSchema(Attribute.name, .forcesReplacement),
    AttributeSchema(Attribute.templateId, .forcesReplacement),
    AttributeSchema(Attribute.masterCount, .forcesReplacement),
    AttributeSchema(Attribute.nodeCount, .updatable),
    AttributeSchema(Attribute.flavor, .forcesReplacement),
    AttributeSchema(Attribute.masterFlavor, .forcesReplacement),
    AttributeSchema(Attribute.keypair, .forcesReplacement),
    AttributeSchema(Attribute.labels, .forcesReplacement),
    AttributeSchema(Attribute.createTimeout, .createOnly),
    AttributeSchema(Attribute.id, .computed(changesOnUpdate: false)),
    AttributeSchema(Attribute.status, .computed(changesOnUpdate: true)),
    AttributeSchema(Attribute.statusReason, .computed(changesOnUpdate: true)),
    AttributeSchema(Attribute.apiAddress, .computed(changesOnUpdate: false)),
    AttributeSchema(Attribute.masterAddresses, .computed(changesOnUpdate: false)),
    AttributeSchema(Attribute.nodeAddresses, .computed(changesOnUpdate: true)),
    AttributeSchema(Attribute.coeVersion, .computed(changesOnUpdate: false)),
  ])

  public func expand(_ state: DesiredState) -> [DesiredResource] {
    state.generations.map { generation in
      let spec = generation.cluster
      let template = generation.template
      let labels = spec.labels ?? template.labels
      let values: [String: AttributeExpression] = [
        Attribute.name: .value(.string(state.clusterName(of: generation.id))),
        Attribute.templateId: .reference(
          Reference(ClusterTemplateResource.address(generation.id), ClusterTemplateResource.Attribute.id)),
        Attribute.masterCount: .value(.int(spec.masters)),
        Attribute.nodeCount: .value(.int(spec.workers)),
        Attribute.flavor: .value(.string(spec.flavor ?? template.flavor)),
        Attribute.masterFlavor: .value(.string(spec.masterFlavor ?? template.masterFlavor)),
        Attribute.keypair: .value(.string(spec.keypair ?? template.keypair)),
        Attribute.labels: .value(.map(labels.mapValues(Value.string))),
        Attribute.createTimeout: .value(.int(spec.createTimeoutMinutes)),
      ]
      return DesiredResource(address: ResourceAddress(type: name, name: generation.id), attributes: values)
    }
  }

  public func generation(of address: ResourceAddress) -> String? { address.name }

  // MARK: - Actions

  public func create(_ attributes: Attributes, address: ResourceAddress, context: ActionContext) async throws
    -> AppliedResource
  {
    let id: String
    if let resumed = context.resumeRemoteID {
      id = resumed
    } else {
      let request = ClusterCreateRequest(
        name: attributes[Attribute.name]?.stringValue ?? address.name,
        clusterTemplateID: attributes[Attribute.templateId]?.stringValue ?? "",
        masterCount: attributes[Attribute.masterCount]?.intValue ?? 1,
        nodeCount: attributes[Attribute.nodeCount]?.intValue ?? 1,
        createTimeout: attributes[Attribute.createTimeout]?.intValue ?? 60,
        keypair: attributes[Attribute.keypair]?.stringValue,
        flavorID: attributes[Attribute.flavor]?.stringValue,
        masterFlavorID: attributes[Attribute.masterFlavor]?.stringValue,
        labels: attributes[Attribute.labels]?.stringMap)
      id = try await context.cloud.magnum.createCluster(request)
      try await context.recordRemoteID(id)
    }
    let timeout = Duration.seconds(60 * (attributes[Attribute.createTimeout]?.intValue ?? 60))
    guard let cluster = try await waitForCluster(id: id, settledBy: "CREATE", timeout: timeout, context: context) else {
      throw ResourceActionError("cluster \(id) disappeared while being created")
    }
    return applied(cluster, inputs: attributes)
  }

  public func update(_ attributes: Attributes, prior: RecordedResource, context: ActionContext) async throws
    -> AppliedResource
  {
    guard let id = prior.remoteID else { throw ResourceActionError("\(prior.address) has no recorded cluster id") }
    let wanted = attributes[Attribute.nodeCount]?.intValue
    guard var current = try await context.cloud.magnum.cluster(id: id) else {
      throw ResourceActionError("cluster \(id) no longer exists in Magnum")
    }
    let timeout = Duration.seconds(60 * (attributes[Attribute.createTimeout]?.intValue ?? 60))
    if current.status.hasSuffix("_IN_PROGRESS") {
      // A resize (ours, retried, or someone else's) is under way: let it settle before judging the node count.
      guard let settled = try await waitForCluster(id: id, settledBy: "UPDATE", timeout: timeout, context: context)
      else { throw ResourceActionError("cluster \(id) disappeared while being resized") }
      current = settled
    }
    if let wanted, current.nodeCount != wanted {
      try await context.cloud.magnum.resizeCluster(id: id, nodeCount: wanted)
      guard let cluster = try await waitForCluster(id: id, settledBy: "UPDATE", timeout: timeout, context: context)
      else { throw ResourceActionError("cluster \(id) disappeared while being resized") }
      return applied(cluster, inputs: prior.attributes.merging(attributes) { $1 })
    }
    return applied(current, inputs: prior.attributes.merging(attributes) { $1 })
  }

  public func delete(_ prior: RecordedResource, context: ActionContext) async throws {
    guard let id = prior.remoteID else { return }
    try await refuseWhileRouted(prior, context: context)
    try await context.cloud.magnum.deleteCluster(id: id)
    let timeout = Duration.seconds(60 * (prior.attributes[Attribute.createTimeout]?.intValue ?? 60))
    // Magnum answers 404 once the stack is gone.
    _ = try await waitForCluster(id: id, settledBy: "DELETE", timeout: timeout, context: context)
  }

  /// The last line of defence behind the plan's guards: a cluster a web proxy still sends traffic to is not deleted,
  /// because the proxy service would then delete the route and its DNS record.
  private func refuseWhileRouted(_ prior: RecordedResource, context: ActionContext) async throws {
    let routed = try await Self.routes(sendingTo: Set(servingHosts(prior.attributes)), webProxy: context.cloud.webProxy)
    if !routed.isEmpty {
      throw ResourceActionError(
        "refusing to delete \(prior.address): web proxy \(routed.map(\.domain).joined(separator: ", ")) still sends"
          + " traffic to its nodes; switch the proxies away first")
    }
  }

  /// The routes the proxy service holds now (those Cutover does not manage included) that send traffic to one of
  /// `hosts`; none when the cloud has no web-proxy service.
  public static func routes(sendingTo hosts: Set<String>, webProxy: WebProxyClient) async throws -> [ProxyRoute] {
    guard !hosts.isEmpty else { return [] }
    let routes: [ProxyRoute]
    do {
      routes = try await webProxy.routes()
    } catch let error as OpenStackError where error.kind == .configuration {
      return []  // this cloud has no web-proxy service
    }
    return routes.filter { route in route.backends.contains { hosts.contains(URLHost.of($0) ?? "") } }
  }

  public func read(_ prior: RecordedResource, context: ActionContext) async throws -> AppliedResource? {
    guard let id = prior.remoteID, let cluster = try await context.cluster(id: id) else { return nil }
    return applied(cluster, inputs: prior.attributes)
  }

  public func find(_ attributes: Attributes, context: ActionContext) async throws -> AppliedResource? {
    guard let name = attributes[Attribute.name]?.stringValue else { return nil }
    let clusters = try await context.cloud.magnum.clusters()
    guard let match = clusters.first(where: { $0.name == name && !context.knownRemoteIDs.contains($0.uuid) }),
      let cluster = try await context.cloud.magnum.cluster(id: match.uuid)
    else { return nil }
    return applied(cluster, inputs: Self.inputs(of: cluster))
  }

  public func adopt(remoteID: String, context: ActionContext) async throws -> AppliedResource? {
    try await context.cloud.magnum.cluster(id: remoteID).map { applied($0, inputs: Self.inputs(of: $0)) }
  }

  public func inventory(context: ActionContext) async throws -> [String: String] {
    Dictionary(try await context.clusters().map { ($0.name, $0.uuid) }, uniquingKeysWith: { first, _ in first })
  }

  public func servingHosts(_ attributes: Attributes) -> [String] {
    (attributes[Attribute.nodeAddresses]?.stringList ?? []) + (attributes[Attribute.masterAddresses]?.stringList ?? [])
  }

  /// A cluster's inputs as Magnum holds them, in this type's attribute names.
  static func inputs(of cluster: Cluster) -> Attributes {
    [
      Attribute.name: .string(cluster.name),
      Attribute.templateId: .string(cluster.clusterTemplateID),
      Attribute.masterCount: cluster.masterCount.map(Value.int) ?? .null,
      Attribute.nodeCount: cluster.nodeCount.map(Value.int) ?? .null,
      Attribute.flavor: cluster.flavorID.map(Value.string) ?? .null,
      Attribute.masterFlavor: cluster.masterFlavorID.map(Value.string) ?? .null,
      Attribute.keypair: cluster.keypair.map(Value.string) ?? .null,
      Attribute.labels: .map((cluster.labels ?? [:]).mapValues(Value.string)),
      Attribute.createTimeout: cluster.createTimeout.map(Value.int) ?? .null,
    ]
  }

  // MARK: - Waiting

  /// Polls until the cluster's status leaves `<operation>_IN_PROGRESS`, within `timeout`; for `DELETE`, until Magnum
  /// answers 404 (then it returns nil).
  /// - Throws: `ResourceActionError` with Magnum's `status_reason` when it ends `*_FAILED`, or on timeout.
  @discardableResult
  private func waitForCluster(id: String, settledBy operation: String, timeout: Duration, context: ActionContext)
    async throws -> Cluster?
  {
    let started = ContinuousClock.now
    var delay = context.polling.initial
    var lastStatus = ""
    while true {
      guard let cluster = try await context.cloud.magnum.cluster(id: id) else {
        if operation == "DELETE" { return nil }
        throw ResourceActionError("cluster \(id) disappeared while waiting for \(operation)_COMPLETE")
      }
      if cluster.status != lastStatus {
        lastStatus = cluster.status
        await context.reportStatus(cluster.status)
      }
      if cluster.status.hasSuffix("_COMPLETE"), operation != "DELETE" {
        context.sightings?.saw(cluster)
        return cluster
      }
      if cluster.status.hasSuffix("_FAILED") {
        throw ResourceActionError(
          "cluster \(cluster.name) is \(cluster.status): \(cluster.statusReason ?? "no reason given")",
          objectFailed: cluster.status == "CREATE_FAILED")
      }
      let elapsed = ContinuousClock.now - started
      if elapsed > timeout {
        throw ResourceActionError(
          "cluster \(cluster.name) still \(cluster.status) after \(elapsed.components.seconds)s (create_timeout)")
      }
      try await Task.sleep(for: min(delay, timeout - elapsed + .milliseconds(1)))
      delay = context.polling.next(after: delay)
    }
  }

  /// The recorded attributes: the inputs as the user wrote them, plus what Magnum computed.
  private func applied(_ cluster: Cluster, inputs: Attributes) -> AppliedResource {
    var attributes = inputs
    attributes[Attribute.id] = .string(cluster.uuid)
    attributes[Attribute.status] = .string(cluster.status)
    attributes[Attribute.statusReason] = cluster.statusReason.map(Value.string) ?? .null
    attributes[Attribute.apiAddress] = cluster.apiAddress.map(Value.string) ?? .null
    attributes[Attribute.masterAddresses] = .list((cluster.masterAddresses ?? []).map(Value.string))
    attributes[Attribute.nodeAddresses] = .list((cluster.nodeAddresses ?? []).map(Value.string))
    attributes[Attribute.coeVersion] = cluster.coeVersion.map(Value.string) ?? .null
    if let count = cluster.nodeCount { attributes[Attribute.nodeCount] = .int(count) }
    return AppliedResource(remoteID: cluster.uuid, attributes: attributes)
  }
}
