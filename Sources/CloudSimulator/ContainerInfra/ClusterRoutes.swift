import GRDB
import Hummingbird

/// Magnum's clusters: create (202 `{"uuid"}`), list, show, resize by JSON patch or by the resize action
/// (microversion ≥ 1.7), and delete (204). Progress is derived from recorded timestamps (`ClusterLifecycle`).
struct ClusterRoutes {
  let store: CloudStore

  private var documents: MagnumDocuments {
    MagnumDocuments(baseURL: store.endpoint.baseURL, configuration: store.configuration)
  }

  func register(on router: Router<SimulatorRequestContext>) {
    let collection = "/magnum/v1/clusters"
    router.post(RouterPath(collection)) { request, _ in try await create(request) }
    router.get(RouterPath(collection)) { _, _ in try await list(detailed: false) }
    router.get(RouterPath(collection + "/detail")) { _, _ in try await list(detailed: true) }
    router.get(RouterPath(collection + "/:id")) { _, context in try await show(context.parameters.require("id")) }
    router.patch(RouterPath(collection + "/:id")) { request, context in
      try await patch(context.parameters.require("id"), request)
    }
    router.post(RouterPath(collection + "/:id/actions/resize")) { request, context in
      try await resizeAction(context.parameters.require("id"), request, microversion: context.microversion)
    }
    router.delete(RouterPath(collection + "/:id")) { _, context in try await delete(context.parameters.require("id")) }
  }

  // MARK: - Create

  private func create(_ request: Request) async throws -> Response {
    let create = try ClusterCreateBody(body: try await RequestBodyReader.json(request))
    let configuration = store.configuration
    let uuid = try await store.transaction { db, now in
      let template: ClusterTemplateRecord
      do {
        template = try MagnumLookup.template(create.clusterTemplateIdentifier, in: db)
      } catch var error as ServiceError where error.status == .notFound {
        error.status = .badRequest  // Magnum reports a missing template of a new cluster as a bad request.
        throw error
      }
      let attributes = template.attributeValues
      let templateLabels = attributes["labels"]?.objectValue?.compactMapValues(\.stringValue) ?? [:]
      let labels = create.labels.flatMap { $0.isEmpty ? nil : $0 } ?? templateLabels
      let cluster = ClusterRecord(
        uuid: Identifiers.uuid(), name: create.name, clusterTemplateID: template.uuid, stackID: Identifiers.uuid(),
        masterCount: create.masterCount, nodeCount: create.nodeCount, createTimeout: create.createTimeout,
        keypair: create.keypair ?? attributes["keypair_id"]?.stringValue,
        flavorID: create.flavorID ?? attributes["flavor_id"]?.stringValue,
        masterFlavorID: create.masterFlavorID ?? attributes["master_flavor_id"]?.stringValue,
        dockerVolumeSize: create.dockerVolumeSize ?? attributes["docker_volume_size"]?.intValue,
        discoveryURL: create.discoveryURL, labels: labels,
        masterAddresses: try NodeAddressAllocator.allocate(create.masterCount, in: db),
        nodeAddresses: try NodeAddressAllocator.allocate(create.nodeCount, in: db),
        createdAt: now, createFinishesAt: now + configuration.buildSeconds,
        failsOnCreate: configuration.faults.failingClusters.contains(create.name))
      try cluster.insert(db)
      return cluster.uuid
    }
    return JSONResponse.make(.accepted, ["uuid": .string(uuid)])
  }

  // MARK: - Read

  private func list(detailed: Bool) async throws -> Response {
    let documents = documents
    let body = try await store.transaction { db, now -> JSONValue in
      let clusters = try ClusterRecord.existing(at: now, in: db)
      if detailed {
        let templates = try ClusterTemplateRecord.all(in: db)
        return .array(
          clusters.map { cluster in
            documents.cluster(cluster, template: templates.first { $0.uuid == cluster.clusterTemplateID }, at: now)
          })
      }
      return .array(clusters.map { documents.clusterSummary($0, at: now) })
    }
    return JSONResponse.make(.ok, ["clusters": body])
  }

  private func show(_ identifier: String) async throws -> Response {
    let documents = documents
    let body = try await store.transaction { db, now in
      let cluster = try MagnumLookup.cluster(identifier, at: now, in: db)
      let template = try ClusterTemplateRecord.fetchOne(db, key: cluster.clusterTemplateID)
      return documents.cluster(cluster, template: template, at: now)
    }
    return JSONResponse.make(.ok, body)
  }

  // MARK: - Resize

  /// `PATCH /clusters/{id}` with `[{"op": "replace", "path": "/node_count", "value": N}]`; nothing else may change.
  private func patch(_ identifier: String, _ request: Request) async throws -> Response {
    guard let operations = try await RequestBodyReader.json(request)?.arrayValue, !operations.isEmpty else {
      throw ServiceError.badRequest("The request body must be a JSON-patch list of operations.")
    }
    var nodeCount: Int?
    for operation in operations {
      let op = operation["op"]?.stringValue ?? ""
      let path = operation["path"]?.stringValue ?? ""
      guard op == "replace", path == "/node_count" else {
        throw ServiceError.badRequest(
          "Only replacing /node_count is supported when updating a cluster; got \(op) \(path).")
      }
      nodeCount = try Self.nodeCount(operation["value"])
    }
    return try await resize(identifier, to: nodeCount ?? 0)
  }

  /// `POST /clusters/{id}/actions/resize` with `{"node_count": N}`, available from microversion 1.7.
  private func resizeAction(_ identifier: String, _ request: Request, microversion: Microversion) async throws
    -> Response
  {
    guard microversion >= .resize else {
      throw ServiceError(
        .notAcceptable,
        "Version \(microversion) was requested but the requested API resize is not supported for this version; "
          + "it needs \(Microversion.resize) or later.")
    }
    guard let body = try await RequestBodyReader.json(request), body.objectValue != nil else {
      throw ServiceError.badRequest("The request body must be a JSON object with node_count.")
    }
    guard let value = body["node_count"] else {
      throw ClusterTemplateSchema.invalid("node_count", nil, "Mandatory field missing.")
    }
    return try await resize(identifier, to: try Self.nodeCount(value))
  }

  private static func nodeCount(_ value: JSONValue?) throws -> Int {
    guard let value, let count = value.intValue else {
      throw ClusterTemplateSchema.invalid("node_count", value, "Wrong type. Expected 'int'.")
    }
    guard count >= 0 else {
      throw ClusterTemplateSchema.invalid("node_count", value, "Value should be greater or equal to 0")
    }
    return count
  }

  /// Changes the worker count: new workers get fresh addresses at once, removed workers drop theirs at once;
  /// the cluster reads `UPDATE_IN_PROGRESS` for half the build time. Asking for the current count changes nothing.
  private func resize(_ identifier: String, to nodeCount: Int) async throws -> Response {
    let updateSeconds = store.configuration.buildSeconds / 2
    let uuid = try await store.transaction { db, now in
      var cluster = try MagnumLookup.cluster(identifier, at: now, in: db)
      let lifecycle = cluster.lifecycle(at: now)
      guard lifecycle.acceptsUpdates else {
        throw ServiceError.badRequest(
          "Updating a cluster when status is \"\(lifecycle.status.rawValue)\" is not supported")
      }
      guard nodeCount != cluster.nodeCount else { return cluster.uuid }
      if nodeCount > cluster.nodeCount {
        cluster.nodeAddresses += try NodeAddressAllocator.allocate(nodeCount - cluster.nodeCount, in: db)
      } else {
        cluster.nodeAddresses.removeLast(cluster.nodeCount - nodeCount)
      }
      cluster.nodeCount = nodeCount
      cluster.updateStartedAt = now
      cluster.updateFinishesAt = now + updateSeconds
      try cluster.update(db)
      return cluster.uuid
    }
    return JSONResponse.make(.accepted, ["uuid": .string(uuid)])
  }

  // MARK: - Delete

  /// Starts the delete: the cluster reads `DELETE_IN_PROGRESS` for a quarter of the build time, then is gone.
  private func delete(_ identifier: String) async throws -> Response {
    let deleteSeconds = store.configuration.buildSeconds / 4
    try await store.transaction { db, now in
      var cluster = try MagnumLookup.cluster(identifier, at: now, in: db)
      guard cluster.deleteStartedAt == nil else { return }
      cluster.deleteStartedAt = now
      cluster.deleteFinishesAt = now + deleteSeconds
      try cluster.update(db)
    }
    return JSONResponse.empty(.noContent)
  }
}
