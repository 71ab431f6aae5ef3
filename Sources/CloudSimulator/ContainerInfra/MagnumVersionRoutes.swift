import Hummingbird

/// Magnum's public version documents: `GET /magnum/` and `GET /magnum/v1`.
struct MagnumVersionRoutes {
  let store: CloudStore

  private var documents: MagnumDocuments {
    MagnumDocuments(baseURL: store.endpoint.baseURL, configuration: store.configuration)
  }

  func register(on router: Router<SimulatorRequestContext>) {
    router.get("/magnum") { _, _ in JSONResponse.make(.ok, documents.versions) }
    router.get("/magnum/v1") { _, _ in JSONResponse.make(.ok, documents.versionOne) }
  }
}
