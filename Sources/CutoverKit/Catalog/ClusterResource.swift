import Foundation
import OpenStack

/// `cluster.<gen>`: the Magnum cluster of one generation. `node_count` (the YAML's `workers`) resizes in place;
/// every other input forces a new cluster, which the guards refuse for the live generation.
public struct ClusterResource: ResourceType {
  public init() {}

  public let name = "cluster"

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
        "template_id": .reference(Reference(ResourceAddress(type: "cluster_template", name: generation.id), "id")),
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
    let cluster = try await waitForCluster(id: id, settledBy: "CREATE", timeout: timeout, context: context)
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
      current = try await waitForCluster(id: id, settledBy: "UPDATE", timeout: timeout, context: context)
    }
    if let wanted, current.nodeCount != wanted {
      try await context.cloud.magnum.resizeCluster(id: id, nodeCount: wanted)
      let cluster = try await waitForCluster(id: id, settledBy: "UPDATE", timeout: timeout, context: context)
      return applied(cluster, inputs: prior.attributes.merging(attributes) { $1 })
    }
    return applied(current, inputs: prior.attributes.merging(attributes) { $1 })
  }

  public func delete(_ prior: RecordedResource, context: ActionContext) async throws {
    guard let id = prior.remoteID else { return }
    try await context.cloud.magnum.deleteCluster(id: id)
    let started = ContinuousClock.now
    var delay = context.polling.initial
    var lastStatus = ""
    // Magnum answers 404 once the stack is gone; a cluster that stops in DELETE_FAILED stays an error.
    while let cluster = try await context.cloud.magnum.cluster(id: id) {
      if cluster.status != lastStatus {
        lastStatus = cluster.status
        await context.reportStatus(cluster.status)
      }
      if cluster.status.hasSuffix("_FAILED") {
        throw ResourceActionError(
          "cluster \(cluster.name) is \(cluster.status): \(cluster.statusReason ?? "no reason given")")
      }
      if ContinuousClock.now - started > .seconds(3600) {
        throw ResourceActionError("cluster \(cluster.name) still \(cluster.status) after an hour")
      }
      try await Task.sleep(for: delay)
      delay = context.polling.next(after: delay)
    }
  }

  public func read(_ prior: RecordedResource, context: ActionContext) async throws -> AppliedResource? {
    guard let id = prior.remoteID, let cluster = try await context.cloud.magnum.cluster(id: id) else { return nil }
    return applied(cluster, inputs: prior.attributes)
  }

  public func find(_ attributes: Attributes, context: ActionContext) async throws -> AppliedResource? {
    guard let name = attributes["name"]?.stringValue else { return nil }
    let clusters = try await context.cloud.magnum.clusters()
    guard let match = clusters.first(where: { $0.name == name && !context.knownRemoteIDs.contains($0.uuid) }) else {
      return nil
    }
    return AppliedResource(remoteID: match.uuid, attributes: attributes)
  }

  // MARK: - Waiting

  /// Polls until the cluster's status leaves `<operation>_IN_PROGRESS`, within `timeout`.
  /// - Throws: `ResourceActionError` with Magnum's `status_reason` when it ends `*_FAILED`, or on timeout.
  private func waitForCluster(id: String, settledBy operation: String, timeout: Duration, context: ActionContext)
    async throws -> Cluster
  {
    let started = ContinuousClock.now
    var delay = context.polling.initial
    var lastStatus = ""
    while true {
      guard let cluster = try await context.cloud.magnum.cluster(id: id) else {
        throw ResourceActionError("cluster \(id) disappeared while waiting for \(operation)_COMPLETE")
      }
      if cluster.status != lastStatus {
        lastStatus = cluster.status
        await context.reportStatus(cluster.status)
      }
      if cluster.status.hasSuffix("_COMPLETE") { return cluster }
      if cluster.status.hasSuffix("_FAILED") {
        throw ResourceActionError(
          "cluster \(cluster.name) is \(cluster.status): \(cluster.statusReason ?? "no reason given")")
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
    attributes["api_address"] = cluster.apiAddress.map(Value.string) ?? .null
    attributes["master_addresses"] = .list((cluster.masterAddresses ?? []).map(Value.string))
    attributes["node_addresses"] = .list((cluster.nodeAddresses ?? []).map(Value.string))
    attributes["coe_version"] = cluster.coeVersion.map(Value.string) ?? .null
    if let count = cluster.nodeCount { attributes["node_count"] = .int(count) }
    return AppliedResource(remoteID: cluster.uuid, attributes: attributes)
  }
}
