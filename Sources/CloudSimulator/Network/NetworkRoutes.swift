import Hummingbird

/// Neutron's version document (`GET /network/`, public) and its read-only networks and subnets under
/// `/network/v2.0`: the premade `VXLAN/IPv6-dualstack` and `wan-transport-eqiad` and their subnets, listed
/// (filtered by `name`…) and shown.
struct NetworkRoutes {
  let store: CloudStore

  private var documents: NeutronDocuments { NeutronDocuments(baseURL: store.endpoint.baseURL) }

  func register(on router: Router<SimulatorRequestContext>) {
    router.get("/network") { _, _ in JSONResponse.make(.ok, documents.versions) }
    router.get("/network/v2.0/networks") { request, context in try await listNetworks(request, context) }
    router.get("/network/v2.0/networks/:id") { _, context in try await showNetwork(context) }
    router.get("/network/v2.0/subnets") { request, context in try await listSubnets(request, context) }
    router.get("/network/v2.0/subnets/:id") { _, context in try await showSubnet(context) }
  }

  // MARK: - Handlers

  private func listNetworks(_ request: Request, _ context: SimulatorRequestContext) async throws -> Response {
    let project = try context.requireToken().projectID
    let documents = documents
    let bodies = try await store.transaction { db, _ in
      try NetworkRecord.visible(to: project, in: db).map { network in
        documents.network(network, subnets: try SubnetRecord.all(network: network.id, in: db).map(\.id))
      }
    }
    let filtered = NeutronDocuments.filter(bodies, by: NeutronBody.query(request))
    return JSONResponse.make(.ok, ["networks": .array(filtered)])
  }

  private func showNetwork(_ context: SimulatorRequestContext) async throws -> Response {
    let project = try context.requireToken().projectID
    let id = try context.parameters.require("id")
    let documents = documents
    let body = try await store.transaction { db, _ in
      guard let network = try NetworkRecord.fetchOne(db, key: id), network.isVisible(to: project) else {
        throw ServiceError.neutron(.notFound, "NetworkNotFound", "Network \(id) could not be found.")
      }
      return documents.network(network, subnets: try SubnetRecord.all(network: network.id, in: db).map(\.id))
    }
    return JSONResponse.make(.ok, ["network": body])
  }

  private func listSubnets(_ request: Request, _ context: SimulatorRequestContext) async throws -> Response {
    let project = try context.requireToken().projectID
    let documents = documents
    let bodies = try await store.transaction { db, _ in
      try NetworkRecord.visible(to: project, in: db).flatMap { network in
        try SubnetRecord.all(network: network.id, in: db).map(documents.subnet)
      }
    }
    let filtered = NeutronDocuments.filter(bodies, by: NeutronBody.query(request))
    return JSONResponse.make(.ok, ["subnets": .array(filtered)])
  }

  private func showSubnet(_ context: SimulatorRequestContext) async throws -> Response {
    let project = try context.requireToken().projectID
    let id = try context.parameters.require("id")
    let documents = documents
    let body = try await store.transaction { db, _ in
      guard let subnet = try SubnetRecord.fetchOne(db, key: id),
        let network = try NetworkRecord.fetchOne(db, key: subnet.networkID), network.isVisible(to: project)
      else {
        throw ServiceError.neutron(.notFound, "SubnetNotFound", "Subnet \(id) could not be found.")
      }
      return documents.subnet(subnet)
    }
    return JSONResponse.make(.ok, ["subnet": body])
  }
}
