import Foundation
import Hummingbird

/// Middleware in front of every route: stamps the request id, injects faults before any processing,
/// negotiates Magnum's and Nova's microversions, checks the token, turns thrown errors into each service's error
/// shape, and delays the response by the configured latency.
struct ServiceGateway: RouterMiddleware {
  typealias Context = SimulatorRequestContext

  let store: CloudStore
  let requests: RequestCounts
  let randomness = SharedRandomness()

  func handle(
    _ request: Request, context: Context, next: (Request, Context) async throws -> Response
  ) async throws -> Response {
    if request.uri.path == RequestCounts.endpointPath { return countsResponse(request) }
    requests.record(method: request.method.rawValue, path: request.uri.path)
    var context = context
    context.requestID = "req-" + Identifiers.uuid()
    let service = APIService(path: request.uri.path)
    var response = await respond(to: request, service: service, context: context, next: next)
    response.headers[.openStackRequestID] = context.requestID
    if service == .objectStore { response.headers[.transactionID] = context.requestID }
    if service == .containerInfra, response.headers[.openStackAPIMinimumVersion] == nil {
      response.headers[.openStackAPIMinimumVersion] = Microversion.minimum.headerValue
      response.headers[.openStackAPIMaximumVersion] = Microversion.maximum.headerValue
    }
    let latency = store.configuration.faults.latency
    if latency > .zero {
      try? await Task.sleep(for: latency)
    }
    return response
  }

  /// `GET /_simulator/requests`: `{"total": N, "requests": {"GET /magnum/v1/clusters/{id}": N, …}}`; `DELETE` resets
  /// the counts (a benchmark counts one phase at a time).
  private func countsResponse(_ request: Request) -> Response {
    switch request.method {
    case .get:
      let counts = requests.snapshot
      return JSONResponse.make(
        .ok,
        [
          "total": .int(counts.values.reduce(0, +)),
          "requests": .object(counts.mapValues { .int($0) }),
        ])
    case .delete:
      requests.reset()
      return Response(status: .noContent)
    default:
      return Response(status: .methodNotAllowed)
    }
  }

  // MARK: - Stages

  private func respond(
    to request: Request, service: APIService, context: Context, next: (Request, Context) async throws -> Response
  ) async -> Response {
    var context = context
    if service != .unrouted, let fault = randomness.drawFault(from: store.configuration.faults) {
      return service.faultResponse(fault, requestID: context.requestID)
    }
    var versionHeaders: HTTPFields = [:]
    if service == .containerInfra {
      switch Microversion.negotiate(header: request.headers[.openStackAPIVersion]) {
      case .success(let version):
        context.microversion = version
        versionHeaders[.openStackAPIVersion] = version.headerValue
        versionHeaders[.varyHeader] = HeaderName.openStackAPIVersion.rawName
      case .failure(let failure):
        versionHeaders[.openStackAPIVersion] = Microversion.maximum.headerValue
        return service.errorResponse(
          Self.serviceError(for: failure), requestID: context.requestID, headers: versionHeaders)
      }
    }
    if service == .compute {
      let negotiated = ComputeMicroversion.negotiate(
        header: request.headers[.openStackAPIVersion], legacyHeader: request.headers[.novaAPIVersion])
      switch negotiated {
      case .success(let version):
        context.computeMicroversion = version
        versionHeaders[.openStackAPIVersion] = version.headerValue
        versionHeaders[.novaAPIVersion] = version.description
        versionHeaders[.varyHeader] = "\(HeaderName.openStackAPIVersion.rawName), \(HeaderName.novaAPIVersion.rawName)"
      case .failure(let failure):
        return service.errorResponse(Self.serviceError(for: failure), requestID: context.requestID)
      }
    }
    do {
      if service.requiresToken(path: request.uri.path) {
        context.token = try await authenticate(request)
      }
      var response = try await next(request, context)
      if service != .identity, request.method != .get, response.status.code < 300,
        randomness.drawLostAnswer(from: store.configuration.faults)
      {
        // Processed, but the answer is lost on the way back.
        return service.faultResponse(.serverError, requestID: context.requestID)
      }
      response.headers.append(contentsOf: versionHeaders)
      return response
    } catch {
      return service.errorResponse(Self.serviceError(for: error), requestID: context.requestID, headers: versionHeaders)
    }
  }

  private func authenticate(_ request: Request) async throws -> TokenRecord {
    guard let tokenID = request.headers[.authToken], !tokenID.isEmpty,
      let token = try await store.validToken(id: tokenID)
    else { throw ServiceError.unauthenticated }
    return token
  }

  // MARK: - Error mapping

  private static func serviceError(for failure: Microversion.NegotiationFailure) -> ServiceError {
    switch failure {
    case .malformed(let header):
      return .badRequest("Invalid value for the OpenStack-API-Version header: \"\(header)\".")
    case .unsupported(let version):
      return ServiceError(
        .notAcceptable,
        "Version \(version) was requested but the minor version is not supported by this service. The supported "
          + "version range is: [\(Microversion.minimum), \(Microversion.maximum)].")
    }
  }

  private static func serviceError(for failure: ComputeMicroversion.NegotiationFailure) -> ServiceError {
    switch failure {
    case .malformed(let version):
      return .badRequest("API Version String \(version) is of invalid format. Must be of format MajorNum.MinorNum.")
    case .unsupported(let version):
      return ServiceError(
        .notAcceptable,
        "Version \(version) is not supported by the API. Minimum is \(ComputeMicroversion.minimum) and maximum is "
          + "\(ComputeMicroversion.maximum).")
    }
  }

  private static func serviceError(for error: any Error) -> ServiceError {
    switch error {
    case let error as ServiceError:
      return error
    case let error as HTTPError where error.status == .notFound:
      return .notFound("The resource could not be found.")
    case let error as HTTPError:
      return ServiceError(error.status, error.body ?? error.status.reasonPhrase)
    default:
      return ServiceError(.internalServerError, "The simulator failed: \(error)")
    }
  }
}
