import GRDB
import Hummingbird

/// Magnum's certificates: show a cluster's CA (`GET /certificates/{cluster}`, 200) and sign a client certificate
/// request with it (`POST /certificates` with `cluster_uuid` and `csr`, 201). Each cluster's CA is made on first
/// use and kept in the database (`CertificateAuthorityRecord`).
struct CertificateRoutes {
  let store: CloudStore

  private var documents: MagnumDocuments {
    MagnumDocuments(baseURL: store.endpoint.baseURL, configuration: store.configuration)
  }

  func register(on router: Router<SimulatorRequestContext>) {
    let collection = "/magnum/v1/certificates"
    router.post(RouterPath(collection)) { request, _ in try await sign(request) }
    router.get(RouterPath(collection + "/:id")) { _, context in try await show(context.parameters.require("id")) }
  }

  // MARK: - Show

  private func show(_ identifier: String) async throws -> Response {
    let documents = documents
    let body = try await store.transaction { db, now -> JSONValue in
      let cluster = try MagnumLookup.cluster(identifier, at: now, in: db)
      let authority = try CertificateAuthorityRecord.forCluster(cluster, at: now, in: db)
      return [
        "cluster_uuid": .string(cluster.uuid),
        "pem": .string(authority.certificatePEM),
        "links": documents.links("certificates", cluster.uuid),
      ]
    }
    return JSONResponse.make(.ok, body)
  }

  // MARK: - Sign

  private func sign(_ request: Request) async throws -> Response {
    guard let body = try await RequestBodyReader.json(request), body.objectValue != nil else {
      throw ServiceError.badRequest("The request body must be a JSON object with cluster_uuid and csr.")
    }
    guard let identifier = body["cluster_uuid"]?.stringValue, !identifier.isEmpty else {
      throw ClusterTemplateSchema.invalid("cluster_uuid", body["cluster_uuid"], "Mandatory field missing.")
    }
    guard let csr = body["csr"]?.stringValue, !csr.isEmpty else {
      throw ClusterTemplateSchema.invalid("csr", body["csr"], "Mandatory field missing.")
    }
    let documents = documents
    let answer = try await store.transaction { db, now -> JSONValue in
      let cluster: ClusterRecord
      do {
        cluster = try MagnumLookup.cluster(identifier, at: now, in: db)
      } catch var error as ServiceError where error.status == .notFound {
        error.status = .badRequest  // Magnum reports the missing cluster of a POSTed certificate as a bad request.
        throw error
      }
      let record = try CertificateAuthorityRecord.forCluster(cluster, at: now, in: db)
      let pem = try ClusterCertificateAuthority(record: record).sign(csrPEM: csr, at: now)
      return [
        "cluster_uuid": .string(cluster.uuid),
        "csr": .string(csr),
        "pem": .string(pem),
        "links": documents.links("certificates", cluster.uuid),
      ]
    }
    return JSONResponse.make(.created, answer)
  }
}
