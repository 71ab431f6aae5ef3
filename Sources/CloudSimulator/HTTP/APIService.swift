import Hummingbird

/// The simulated service a request path belongs to; decides the error shape and whether a token is needed.
enum APIService: Sendable {
  /// Keystone v3 under `/identity`.
  case identity
  /// Magnum under `/magnum`.
  case containerInfra
  /// The Cloud VPS web-proxy API under `/proxy`.
  case webProxy
  /// Anything else.
  case unrouted

  static let identityPrefix = "/identity"
  static let containerInfraPrefix = "/magnum"
  static let webProxyPrefix = "/proxy"

  init(path: String) {
    if Self.path(path, isUnder: Self.identityPrefix) {
      self = .identity
    } else if Self.path(path, isUnder: Self.containerInfraPrefix) {
      self = .containerInfra
    } else if Self.path(path, isUnder: Self.webProxyPrefix) {
      self = .webProxy
    } else {
      self = .unrouted
    }
  }

  private static func path(_ path: String, isUnder prefix: String) -> Bool {
    path == prefix || path.hasPrefix(prefix + "/")
  }

  // MARK: - Authentication

  /// Whether the path needs a valid `X-Auth-Token` before its route runs. Keystone checks its own token
  /// routes; Magnum's version documents are public, like the real service's.
  func requiresToken(path: String) -> Bool {
    switch self {
    case .identity, .unrouted:
      return false
    case .containerInfra:
      let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
      return trimmed != Self.containerInfraPrefix && trimmed != Self.containerInfraPrefix + "/v1"
    case .webProxy:
      return true
    }
  }

  // MARK: - Error shapes

  /// An error in the service's own shape: Keystone `{"error": {…}}`, Magnum `{"errors": [{…}]}`, and the
  /// Flask-based web-proxy API's plain text.
  func errorResponse(_ error: ServiceError, requestID: String, headers: HTTPFields = [:]) -> Response {
    if error.isAuthenticationFailure {
      var headers = headers
      headers[.wwwAuthenticate] = "Keystone uri=\"\(Self.identityPrefix)\""
      return Self.keystoneError(error, headers: headers)
    }
    switch self {
    case .identity:
      return Self.keystoneError(error, headers: headers)
    case .containerInfra:
      let entry: JSONValue = [
        "request_id": .string(requestID),
        "code": error.status.code >= 500 ? "server" : "client",
        "status": .int(error.status.code),
        "title": .string(error.message),
        "detail": .string(error.message),
        "links": [],
      ]
      return JSONResponse.make(error.status, ["errors": [entry]], headers: headers)
    case .webProxy, .unrouted:
      return JSONResponse.text(error.status, error.message, headers: headers)
    }
  }

  private static func keystoneError(_ error: ServiceError, headers: HTTPFields) -> Response {
    let body: JSONValue = [
      "error": [
        "code": .int(error.status.code),
        "title": .string(error.status.reasonPhrase),
        "message": .string(error.message),
      ]
    ]
    return JSONResponse.make(error.status, body, headers: headers)
  }

  // MARK: - Injected faults

  /// The service's answer to an injected fault.
  func faultResponse(_ fault: FaultInjection.Outcome, requestID: String) -> Response {
    switch fault {
    case .serverError:
      return errorResponse(ServiceError(.internalServerError, serverErrorMessage), requestID: requestID)
    case .rateLimited:
      let error = ServiceError(.tooManyRequests, "Too many requests; retry after 1 second (injected fault).")
      return errorResponse(error, requestID: requestID, headers: [.retryAfterSeconds: "1"])
    }
  }

  private var serverErrorMessage: String {
    switch self {
    case .identity:
      return "An unexpected error prevented the server from fulfilling your request. (injected fault)"
    case .containerInfra:
      return "The server has either erred or is incapable of performing the requested operation. (injected fault)"
    case .webProxy, .unrouted:
      return "Internal Server Error (injected fault)"
    }
  }
}
