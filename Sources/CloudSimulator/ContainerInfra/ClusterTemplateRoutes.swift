import GRDB
import Hummingbird

/// Magnum's cluster templates: create (201, full body), list, show, JSON-patch update and delete; a template
/// that a cluster uses can be neither changed nor deleted (400).
struct ClusterTemplateRoutes {
  let store: CloudStore

  private var documents: MagnumDocuments {
    MagnumDocuments(baseURL: store.endpoint.baseURL, configuration: store.configuration)
  }

  func register(on router: Router<SimulatorRequestContext>) {
    let collection = "/magnum/v1/clustertemplates"
    router.post(RouterPath(collection)) { request, _ in try await create(request) }
    router.get(RouterPath(collection)) { _, _ in try await list() }
    router.get(RouterPath(collection + "/detail")) { _, _ in try await list() }
    router.get(RouterPath(collection + "/:id")) { _, context in try await show(context.parameters.require("id")) }
    router.patch(RouterPath(collection + "/:id")) { request, context in
      try await update(context.parameters.require("id"), request)
    }
    router.delete(RouterPath(collection + "/:id")) { _, context in try await delete(context.parameters.require("id")) }
  }

  // MARK: - Handlers

  private func create(_ request: Request) async throws -> Response {
    let parsed = try ClusterTemplateSchema.attributes(fromCreateBody: try await RequestBodyReader.json(request))
    let documents = documents
    let body = try await store.transaction { db, now in
      var template = ClusterTemplateRecord(
        uuid: Identifiers.uuid(), name: parsed.name ?? "", attributes: "{}", createdAt: now, updatedAt: nil)
      template.name = parsed.name ?? "clustertemplate-" + String(template.uuid.prefix(8))
      template.attributeValues = parsed.attributes
      try template.insert(db)
      return documents.template(template)
    }
    return JSONResponse.make(.created, body)
  }

  private func list() async throws -> Response {
    let documents = documents
    let templates = try await store.transaction { db, _ in try ClusterTemplateRecord.all(in: db) }
    return JSONResponse.make(.ok, ["clustertemplates": .array(templates.map(documents.template))])
  }

  private func show(_ identifier: String) async throws -> Response {
    let documents = documents
    let template = try await store.transaction { db, _ in try MagnumLookup.template(identifier, in: db) }
    return JSONResponse.make(.ok, documents.template(template))
  }

  private func update(_ identifier: String, _ request: Request) async throws -> Response {
    let patch = try await RequestBodyReader.json(request)
    let documents = documents
    let body = try await store.transaction { db, now in
      var template = try MagnumLookup.template(identifier, in: db)
      guard try !template.isReferenced(in: db) else { throw Self.referenced(template) }
      let updated = try ClusterTemplateSchema.applying(
        patch: patch, name: template.name, attributes: template.attributeValues)
      template.name = updated.name
      template.attributeValues = updated.attributes
      template.updatedAt = now
      try template.update(db)
      return documents.template(template)
    }
    return JSONResponse.make(.ok, body)
  }

  private func delete(_ identifier: String) async throws -> Response {
    try await store.transaction { db, _ in
      let template = try MagnumLookup.template(identifier, in: db)
      guard try !template.isReferenced(in: db) else { throw Self.referenced(template) }
      try template.delete(db)
    }
    return JSONResponse.empty(.noContent)
  }

  private static func referenced(_ template: ClusterTemplateRecord) -> ServiceError {
    .badRequest("ClusterTemplate \(template.uuid) is referenced by one or multiple clusters.")
  }
}
