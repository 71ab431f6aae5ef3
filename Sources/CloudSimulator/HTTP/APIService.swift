import Hummingbird

/// The simulated service a request path belongs to; decides the error shape and whether a token is needed.
enum APIService: Sendable {
  /// Keystone v3 under `/identity`.
  case identity
  /// Magnum under `/magnum`.
  case containerInfra
  /// The Cloud VPS web-proxy API under `/proxy`.
  case webProxy
  /// Neutron under `/network` (API v2.0 under `/network/v2.0`).
  case network
  /// Nova under `/compute` (API v2.1 under `/compute/v2.1`).
  case compute
  /// Swift's object store under `/object-store` (API v1, accounts `AUTH_{project}`).
  case objectStore
  /// The simulated clusters' Kubernetes side under `/kubernetes` (not in the catalog; see
  /// docs/simulator-kubernetes.md).
  case kubernetes
  /// Anything else.
  case unrouted

  static let identityPrefix = "/identity"
  static let containerInfraPrefix = "/magnum"
  static let webProxyPrefix = "/proxy"
  static let networkPrefix = "/network"
  static let computePrefix = "/compute"
  static let kubernetesPrefix = "/kubernetes"
  static let objectStorePrefix = "/object-store"

  init(path: String) {
    if Self.path(path, isUnder: Self.identityPrefix) {
      self = .identity
    } else if Self.path(path, isUnder: Self.containerInfraPrefix) {
      self = .containerInfra
    } else if Self.path(path, isUnder: Self.webProxyPrefix) {
      self = .webProxy
    } else if Self.path(path, isUnder: Self.networkPrefix) {
      self = .network
    } else if Self.path(path, isUnder: Self.computePrefix) {
      self = .compute
    } else if Self.path(path, isUnder: Self.kubernetesPrefix) {
      self = .kubernetes
    } else if Self.path(path, isUnder: Self.objectStorePrefix) {
      self = .objectStore
    } else {
      self = .unrouted
    }
  }

  private static func path(_ path: String, isUnder prefix: String) -> Bool {
    path == prefix || path.hasPrefix(prefix + "/")
  }

  // MARK: - Authentication

  /// Whether the path needs a valid `X-Auth-Token` before its route runs. Keystone checks its own token
  /// routes; the version documents of Magnum, Neutron and Nova are public, like the real services'.
  func requiresToken(path: String) -> Bool {
    let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
    switch self {
    case .identity, .unrouted:
      return false
    case .containerInfra:
      return trimmed != Self.containerInfraPrefix && trimmed != Self.containerInfraPrefix + "/v1"
    case .network:
      return trimmed != Self.networkPrefix
    case .compute:
      return trimmed != Self.computePrefix && trimmed != Self.computePrefix + "/v2.1"
    case .webProxy, .kubernetes, .objectStore:
      return true
    }
  }

  // MARK: - Error shapes

  /// An error in the service's own shape: Keystone `{"error": {…}}`, Magnum `{"errors": [{…}]}`, Neutron
  /// `{"NeutronError": {"type", "message", "detail"}}`, Nova `{"itemNotFound": {"code", "message"}}` (the key
  /// named after the status), and the Flask-based web-proxy API's plain text.
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
    case .network:
      let body: JSONValue = [
        "NeutronError": [
          "type": .string(error.neutronType ?? Self.neutronType(for: error.status)),
          "message": .string(error.message),
          "detail": "",
        ]
      ]
      return JSONResponse.make(error.status, body, headers: headers)
    case .compute:
      let body: JSONValue = [
        Self.novaFaultName(for: error.status): ["code": .int(error.status.code), "message": .string(error.message)]
      ]
      return JSONResponse.make(error.status, body, headers: headers)
    case .kubernetes:
      return JSONResponse.make(error.status, Self.kubernetesStatus(error), headers: headers)
    case .objectStore:
      // Swift's swob: `<html><h1>Not Found</h1><p>The resource could not be found.</p></html>`.
      let page = "<html><h1>\(error.status.reasonPhrase)</h1><p>\(error.message)</p></html>"
      return JSONResponse.text(error.status, page, headers: headers)
    case .webProxy, .unrouted:
      return JSONResponse.text(error.status, error.message, headers: headers)
    }
  }

  /// A Kubernetes `Status` object (`{"kind": "Status", "status": "Failure", "reason": "NotFound", …}`).
  private static func kubernetesStatus(_ error: ServiceError) -> JSONValue {
    let reason: String
    switch error.status.code {
    case 400: reason = "BadRequest"
    case 404: reason = "NotFound"
    case 409: reason = "Conflict"
    case 413: reason = "RequestEntityTooLarge"
    case 429: reason = "TooManyRequests"
    case 500: reason = "InternalError"
    case 503: reason = "ServiceUnavailable"
    default: reason = error.status.reasonPhrase.replacingOccurrences(of: " ", with: "")
    }
    return [
      "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
      "message": .string(error.message), "reason": .string(reason), "code": .int(error.status.code),
    ]
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

  /// The webob exception name Neutron reports when no specific one applies.
  private static func neutronType(for status: HTTPResponse.Status) -> String {
    switch status.code {
    case 400: "HTTPBadRequest"
    case 403: "HTTPForbidden"
    case 404: "HTTPNotFound"
    case 409: "HTTPConflict"
    case 429: "HTTPTooManyRequests"
    case 503: "HTTPServiceUnavailable"
    default: "HTTPInternalServerError"
    }
  }

  /// Nova's fault names by status (`nova.api.openstack.wsgi.Fault`).
  private static func novaFaultName(for status: HTTPResponse.Status) -> String {
    switch status.code {
    case 400: "badRequest"
    case 401: "unauthorized"
    case 403: "forbidden"
    case 404: "itemNotFound"
    case 405: "badMethod"
    case 409: "conflictingRequest"
    case 413, 429: "overLimit"
    case 415: "badMediaType"
    case 501: "notImplemented"
    case 503: "serviceUnavailable"
    default: "computeFault"
    }
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
    case .network:
      return "Request Failed: internal server error while processing your request. (injected fault)"
    case .compute:
      return "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log "
        + "if possible. (injected fault)"
    case .objectStore:
      return "An error occurred (injected fault)"
    case .kubernetes:
      return "an error on the server (\"Internal Server Error\") has prevented the request from succeeding "
        + "(injected fault)"
    case .webProxy, .unrouted:
      return "Internal Server Error (injected fault)"
    }
  }
}
