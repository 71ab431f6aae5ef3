import Hummingbird

/// Nova's version documents (`GET /compute/`, `GET /compute/v2.1`, public) and server groups under
/// `/compute/v2.1/os-server-groups`: create (answering **200**, validated per microversion: `policies` below
/// 2.64, `policy` + `rules` from it, soft policies from 2.15), list, show and delete (204).
struct ServerGroupRoutes {
  let store: CloudStore

  func register(on router: Router<SimulatorRequestContext>) {
    router.get("/compute") { _, _ in JSONResponse.make(.ok, ["versions": [versionDocument]]) }
    router.get("/compute/v2.1") { _, _ in JSONResponse.make(.ok, ["version": versionDocument]) }
    let collection = "/compute/v2.1/os-server-groups"
    router.post(RouterPath(collection)) { request, context in try await create(request, context) }
    router.get(RouterPath(collection)) { _, context in try await list(context) }
    router.get(RouterPath(collection + "/:id")) { _, context in try await show(context) }
    router.delete(RouterPath(collection + "/:id")) { _, context in try await delete(context) }
  }

  private var versionDocument: JSONValue {
    [
      "id": "v2.1", "status": "CURRENT", "version": .string(ComputeMicroversion.maximum.description),
      "min_version": .string(ComputeMicroversion.minimum.description), "updated": "2013-07-23T11:33:21Z",
      "links": [["href": .string(store.endpoint.baseURL + "/compute/v2.1/"), "rel": "self"]],
    ]
  }

  // MARK: - Handlers

  private func create(_ request: Request, _ context: SimulatorRequestContext) async throws -> Response {
    let token = try context.requireToken()
    let version = context.computeMicroversion
    let parsed = try ServerGroupSchema.validate(try await RequestBodyReader.json(request), version: version)
    let group = try await store.transaction { db, now in
      let group = ServerGroupRecord(
        id: Identifiers.uuid(), name: parsed.name, policy: parsed.policy, rules: parsed.rules,
        projectID: token.projectID, userID: token.userID, createdAt: now)
      try group.insert(db)
      return group
    }
    return JSONResponse.make(.ok, ["server_group": Self.document(group, version: version)])
  }

  private func list(_ context: SimulatorRequestContext) async throws -> Response {
    let project = try context.requireToken().projectID
    let version = context.computeMicroversion
    let groups = try await store.transaction { db, _ in try ServerGroupRecord.all(project: project, in: db) }
    return JSONResponse.make(.ok, ["server_groups": .array(groups.map { Self.document($0, version: version) })])
  }

  private func show(_ context: SimulatorRequestContext) async throws -> Response {
    let project = try context.requireToken().projectID
    let id = try context.parameters.require("id")
    let group = try await store.transaction { db, _ in try ServerGroupRecord.find(id, project: project, in: db) }
    return JSONResponse.make(.ok, ["server_group": Self.document(group, version: context.computeMicroversion)])
  }

  private func delete(_ context: SimulatorRequestContext) async throws -> Response {
    let project = try context.requireToken().projectID
    let id = try context.parameters.require("id")
    try await store.transaction { db, _ in
      _ = try ServerGroupRecord.find(id, project: project, in: db).delete(db)
    }
    return JSONResponse.empty(.noContent)
  }

  // MARK: - Documents

  /// The group as Nova shows it at `version`: `policies` + `metadata` below 2.64, `policy` + `rules` from it;
  /// `project_id` and `user_id` from 2.13.
  static func document(_ group: ServerGroupRecord, version: ComputeMicroversion) -> JSONValue {
    var body: [String: JSONValue] = ["id": .string(group.id), "name": .string(group.name), "members": []]
    if version >= ComputeMicroversion.singlePolicy {
      body["policy"] = .string(group.policy)
      body["rules"] = .object(group.rules.mapValues(JSONValue.int))
    } else {
      body["policies"] = .strings([group.policy])
      body["metadata"] = [:]
    }
    if version >= ComputeMicroversion.serverGroupOwner {
      body["project_id"] = .string(group.projectID)
      body["user_id"] = .string(group.userID)
    }
    return .object(body)
  }
}
