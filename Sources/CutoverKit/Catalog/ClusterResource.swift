import Foundation
import OpenStack

/// `cluster.<gen>`: the Magnum cluster of one generation. `node_count` (the YAML's `workers`) resizes in place;
/// every other input forces a new cluster, which the guards refuse for the live generation.
public struct ClusterResource: NamedResourceType {
  public init() {}

  public static let typeName = "cluster"

  public let schema = ResourceSchema([
    AttributeSchema("name", .forcesReplacement),
    AttributeSchema("template_id", .forcesReplacement),
    AttributeSchema("master_count", .forcesReplacement),
    AttributeSchema("node_count", .updatable),
    AttributeSchema("flavor", .forcesReplacement),
    AttributeSchema("master_flavor", .forcesReplacement),
    AttributeSchema("keypair", .forcesReplacement),
    AttributeSchema("labels", .forcesReplacement),
    AttributeSchema("create_timeout", .createOnly),
    AttributeSchema("id", .computed(changesOnUpdate: false)),
    AttributeSchema("status", .computed(changesOnUpdate: true)),
    AttributeSchema("status_reason", .computed(changesOnUpdate: true)),
    AttributeSchema("api_address", .computed(changesOnUpdate: false)),
    AttributeSchema("master_addresses", .computed(changesOnUpdate: false)),
    AttributeSchema("node_addresses", .computed(changesOnUpdate: true)),
    AttributeSchema("coe_version", .computed(changesOnUpdate: false)),
  ])

  public func expand(_ state: DesiredState) -> [DesiredResource] {
    state.generations.map { generation in
      let spec = generation.cluster
      let template = generation.template
      let labels = spec.labels ?? template.labels
      let values: [String: AttributeExpression] = [
        "name": .value(.string(state.clusterName(of: generation.id))),
        "template_id": .reference(Reference(ClusterTemplateResource.address(generation.id), "id")),
        "master_count": .value(.int(spec.masters)),
        "node_count": .value(.int(spec.workers)),
        "flavor": .value(.string(spec.flavor ?? template.flavor)),
        "master_flavor": .value(.string(spec.masterFlavor ?? template.masterFlavor)),
        "keypair": .value(.string(spec.keypair ?? template.keypair)),
        "labels": .value(.map(labels.mapValues(Value.string))),
        "create_timeout": .value(.int(spec.createTimeoutMinutes)),
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
        name: attributes["name"]?.stringValue ?? address.name,
        clusterTemplateID: attributes["template_id"]?.stringValue ?? "",
        masterCount: attributes["master_count"]?.intValue ?? 1,
        nodeCount: attributes["node_count"]?.intValue ?? 1,
        createTimeout: attributes["create_timeout"]?.intValue ?? 60,
        keypair: attributes["keypair"]?.stringValue,
        flavorID: attributes["flavor"]?.stringValue,
        masterFlavorID: attributes["master_flavor"]?.stringValue,
        labels: attributes["labels"]?.stringMap)
      id = try await context.cloud.magnum.createCluster(request)
      try await context.recordRemoteID(id)
    }
    let timeout = Duration.seconds(60 * (attributes["create_timeout"]?.intValue ?? 60))
    guard let cluster = try await waitForCluster(id: id, settledBy: "CREATE", timeout: timeout, context: context) else {
      throw ResourceActionError("cluster \(id) disappeared while being created")
    }
    return applied(cluster, inputs: attributes)
  }

  public func update(_ attributes: Attributes, prior: RecordedResource, context: ActionContext) async throws
    -> AppliedResource
  {
    guard let id = prior.remoteID else { throw ResourceActionError("\(prior.address) has no recorded cluster id") }
    let wanted = attributes["node_count"]?.intValue
    guard var current = try await context.cloud.magnum.cluster(id: id) else {
      throw ResourceActionError("cluster \(id) no longer exists in Magnum")
    }
    let timeout = Duration.seconds(60 * (attributes["create_timeout"]?.intValue ?? 60))
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
    let timeout = Duration.seconds(60 * (prior.attributes["create_timeout"]?.intValue ?? 60))
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
    guard let id = prior.remoteID, let cluster = try await context.cloud.magnum.cluster(id: id) else { return nil }
    return applied(cluster, inputs: prior.attributes)
  }

  public func find(_ attributes: Attributes, context: ActionContext) async throws -> AppliedResource? {
    guard let name = attributes["name"]?.stringValue else { return nil }
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
    Dictionary(
      try await context.cloud.magnum.clusters().map { ($0.name, $0.uuid) }, uniquingKeysWith: { first, _ in first })
  }

  public func servingHosts(_ attributes: Attributes) -> [String] {
    (attributes["node_addresses"]?.stringList ?? []) + (attributes["master_addresses"]?.stringList ?? [])
  }

  /// A cluster's inputs as Magnum holds them, in this type's attribute names.
  static func inputs(of cluster: Cluster) -> Attributes {
    [
      "name": .string(cluster.name),
      "template_id": .string(cluster.clusterTemplateID),
      "master_count": cluster.masterCount.map(Value.int) ?? .null,
      "node_count": cluster.nodeCount.map(Value.int) ?? .null,
      "flavor": cluster.flavorID.map(Value.string) ?? .null,
      "master_flavor": cluster.masterFlavorID.map(Value.string) ?? .null,
      "keypair": cluster.keypair.map(Value.string) ?? .null,
      "labels": .map((cluster.labels ?? [:]).mapValues(Value.string)),
      "create_timeout": cluster.createTimeout.map(Value.int) ?? .null,
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
      if cluster.status.hasSuffix("_COMPLETE"), operation != "DELETE" { return cluster }
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
    attributes["id"] = .string(cluster.uuid)
    attributes["status"] = .string(cluster.status)
    attributes["status_reason"] = cluster.statusReason.map(Value.string) ?? .null
    attributes["api_address"] = cluster.apiAddress.map(Value.string) ?? .null
    attributes["master_addresses"] = .list((cluster.masterAddresses ?? []).map(Value.string))
    attributes["node_addresses"] = .list((cluster.nodeAddresses ?? []).map(Value.string))
    attributes["coe_version"] = cluster.coeVersion.map(Value.string) ?? .null
    if let count = cluster.nodeCount { attributes["node_count"] = .int(count) }
    return AppliedResource(remoteID: cluster.uuid, attributes: attributes)
  }
}
