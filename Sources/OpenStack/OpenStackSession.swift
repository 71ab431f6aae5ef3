import Foundation
import Logging

// MARK: - OpenStackSession

/// An authenticated connection to one cloud: Keystone token, service catalog, retries and error reporting.
///
/// The token is issued on first use (`POST {auth_url}/auth/tokens`), cached, issued again when it expires within
/// two minutes, and issued again once when a call answers 401; concurrent callers share one token request.
///
/// Retry rule (``RetryPolicy`` gives the counts and delays): a call is repeated on 5xx, 429, transport errors and
/// timeouts (never on a refused TLS certificate), except a `POST`, which may create something: the server may have processed it even though no good
/// answer came back, so a `POST` is repeated only on 429 or 503 (the service refused it before doing anything)
/// or when the connection could not be made at all (the request was never sent). A caller that knows its call is
/// idempotent (or, like the web proxy's appending `PUT`, that it is not) says so with `idempotent:`.
public actor OpenStackSession {
  /// The cloud this session talks to.
  public nonisolated let config: CloudConfig
  private let transport: any HTTPTransport
  private let retry: RetryPolicy
  private let logger: Logger
  private let sleep: @Sendable (Duration) async throws -> Void

  private var token: KeystoneToken?
  private var pendingToken: Task<KeystoneToken, any Error>?

  /// A token expiring sooner than this is replaced before use.
  static let tokenRefreshMargin: TimeInterval = 120

  public init(
    config: CloudConfig,
    transport: any HTTPTransport,
    retry: RetryPolicy = .init(),
    logger: Logger = Logger(label: "cutover.openstack"),
    sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
  ) {
    self.config = config
    self.transport = transport
    self.retry = retry
    self.logger = logger
    self.sleep = sleep
  }

  // MARK: - Public API

  /// The id of the project the token is scoped to (authenticates if needed). In Cloud VPS it equals the name.
  public var projectID: String {
    get async throws {
      let token = try await currentToken()
      guard let projectID = token.projectID else {
        throw OpenStackError(
          service: "keystone", method: "POST", path: "/auth/tokens", status: nil,
          message: "the token is not scoped to a project", kind: .configuration
        )
      }
      return projectID
    }
  }

  /// The catalog URL of the first of `serviceTypes` with an endpoint for the configured interface and region,
  /// `$(tenant_id)s` replaced by the token's project id.
  public func endpointURL(serviceTypes: [String]) async throws -> String {
    let token = try await currentToken()
    return try resolvedEndpoint(token: token, serviceTypes: serviceTypes, method: "GET", path: "")
  }

  /// Authenticated request to a catalog service (service types tried in order), `path` appended to the endpoint
  /// URL (for the proxy service `$(tenant_id)s` is replaced by the token's project id). Retries per policy on
  /// 5xx/429/transport errors/timeouts (honouring `Retry-After`; see the type's documentation for `POST`);
  /// re-authenticates once on 401; throws ``OpenStackError`` for any non-2xx and for a 2xx whose body is
  /// `{"error": …}`.
  ///
  /// - Parameter idempotent: whether repeating the call is harmless; nil means "every method but `POST`".
  public func send(
    serviceTypes: [String],
    method: String,
    path: String,
    body: Data? = nil,
    headers: [(String, String)] = [],
    idempotent: Bool? = nil
  ) async throws -> HTTPResponse {
    try await authenticatedSend(
      service: Self.serviceName(for: serviceTypes), method: method, path: path, body: body, headers: headers,
      idempotent: idempotent
    ) { token in
      try resolvedEndpoint(token: token, serviceTypes: serviceTypes, method: method, path: path)
    }
  }

  /// Authenticated request to a service outside the catalog (the simulator's Kubernetes API), `path` appended to
  /// `baseURL`, with the same token, retries, re-authentication and errors as
  /// ``send(serviceTypes:method:path:body:headers:idempotent:)``.
  ///
  /// The token goes only to the scheme, host and port that issued it (`auth_url`'s): a base URL elsewhere is refused
  /// with a `.configuration` error before anything is sent.
  ///
  /// - Parameters:
  ///   - service: The short name errors and logs use (`kubernetes`).
  ///   - idempotent: whether repeating the call is harmless; nil means "every method but `POST`".
  public func send(
    baseURL: String,
    service: String,
    method: String,
    path: String,
    body: Data? = nil,
    headers: [(String, String)] = [],
    idempotent: Bool? = nil
  ) async throws -> HTTPResponse {
    guard let origin = Self.origin(of: baseURL), origin == Self.origin(of: config.authURL) else {
      throw OpenStackError(
        service: service, method: method, path: path, status: nil,
        message: "refusing to send the Keystone token to \(baseURL): it is not at the auth URL's host",
        kind: .configuration)
    }
    return try await authenticatedSend(
      service: service, method: method, path: path, body: body, headers: headers, idempotent: idempotent
    ) { _ in baseURL }
  }

  /// `scheme://host:port` of a URL, lower-cased, the port made explicit; nil when it has none.
  static func origin(of url: String) -> String? {
    guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
      let host = components.host?.lowercased()
    else { return nil }
    let port = components.port ?? (scheme == "https" ? 443 : 80)
    return "\(scheme)://\(host):\(port)"
  }

  /// Sends with the current token to the base URL `endpoint` gives for that token; on a 401, discards the token and
  /// tries once more with a new one.
  private func authenticatedSend(
    service: String,
    method: String,
    path: String,
    body: Data?,
    headers: [(String, String)],
    idempotent: Bool?,
    endpoint: (KeystoneToken) throws -> String
  ) async throws -> HTTPResponse {
    var reauthenticated = false
    while true {
      let token = try await currentToken()
      let base = try endpoint(token)
      var requestHeaders = headers
      requestHeaders.append(("X-Auth-Token", token.value))
      if !headers.contains(where: { $0.0.lowercased() == "accept" }) {
        requestHeaders.append(("Accept", "application/json"))
      }
      if body != nil, !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
        requestHeaders.append(("Content-Type", "application/json"))
      }
      do {
        return try await perform(
          service: service, method: method, path: path, url: Self.join(base, path), headers: requestHeaders,
          body: body, idempotent: idempotent ?? (method.uppercased() != "POST"), extraSecrets: [token.value]
        )
      } catch let error as OpenStackError
        where error.kind == .http && error.status == 401 && !reauthenticated && !config.auth.isIssuedElsewhere
      {
        reauthenticated = true
        discardToken(token.value)
        logger.notice(
          "\(service): \(method) \(path) answered 401; authenticating again",
          metadata: ["request-id": "\(error.requestID ?? "-")"]
        )
      }
    }
  }

  // MARK: - Tokens

  private func currentToken() async throws -> KeystoneToken {
    if case .storageToken(let value, let storageURL) = config.auth {
      // Issued elsewhere: a catalog of the object store alone, and nothing to renew.
      let endpoint = ServiceCatalog.Endpoint(interface: config.interface, region: nil, regionID: nil, url: storageURL)
      let catalog = ServiceCatalog(services: [.init(type: "object-store", name: "swift", endpoints: [endpoint])])
      return KeystoneToken(value: value, expiresAt: nil, projectID: nil, catalog: catalog)
    }
    if let token, !token.isExpiring(within: Self.tokenRefreshMargin) { return token }
    if let pendingToken { return try await pendingToken.value }
    let task = Task { try await self.issueToken() }
    pendingToken = task
    defer { if pendingToken == task { pendingToken = nil } }
    let issued = try await task.value
    token = issued
    return issued
  }

  private func discardToken(_ value: String) {
    if token?.value == value { token = nil }
  }

  private func issueToken() async throws -> KeystoneToken {
    let path = "/auth/tokens"
    let response = try await perform(
      service: "keystone", method: "POST", path: path, url: Self.tokensURL(authURL: config.authURL),
      headers: [("Content-Type", "application/json"), ("Accept", "application/json")],
      body: try KeystoneToken.requestBody(for: config.auth), idempotent: true, extraSecrets: []
    )
    func unreadable(_ message: String) -> OpenStackError {
      OpenStackError(
        service: "keystone", method: "POST", path: path, status: response.status, message: message,
        requestID: response.requestID, kind: .invalidResponse
      )
    }
    guard let value = response.header("x-subject-token"), !value.isEmpty else {
      throw unreadable("no X-Subject-Token header")
    }
    let issued: KeystoneToken
    do {
      issued = try KeystoneToken(value: value, responseBody: response.body)
    } catch {
      throw unreadable(DecodingErrorSummary.describe(error)).redacting(config.secrets + [value])
    }
    logger.debug(
      "keystone: token issued",
      metadata: [
        "project": "\(issued.projectID ?? "-")",
        "expires": "\(issued.expiresAt.map { "\($0)" } ?? "-")",
      ]
    )
    return issued
  }

  /// `{auth_url}/auth/tokens`, with `/v3` added when the URL names no version.
  static func tokensURL(authURL: String) -> String {
    var base = authURL
    while base.hasSuffix("/") { base.removeLast() }
    let lastComponent = base.split(separator: "/").last.map(String.init) ?? ""
    if lastComponent.range(of: #"^v3(\.\d+)?$"#, options: .regularExpression) == nil {
      base += "/v3"
    }
    return base + "/auth/tokens"
  }

  // MARK: - Endpoints

  private func resolvedEndpoint(
    token: KeystoneToken, serviceTypes: [String], method: String, path: String
  ) throws -> String {
    let service = Self.serviceName(for: serviceTypes)
    guard
      let url = token.catalog.endpointURL(
        serviceTypes: serviceTypes, interface: CloudConfigLoader.normalizedInterface(config.interface),
        region: config.regionName
      )
    else {
      let wanted = serviceTypes.joined(separator: " or ")
      let region = config.regionName.map { " in region \($0)" } ?? ""
      throw OpenStackError(
        service: service, method: method, path: path, status: nil,
        message: "the catalog has no \(config.interface) endpoint of type \(wanted)\(region); it has "
          + token.catalog.summary,
        kind: .configuration
      )
    }
    let placeholders = ["$(tenant_id)s", "%(tenant_id)s", "$(project_id)s", "%(project_id)s"]
    guard placeholders.contains(where: url.contains) else { return url }
    guard let projectID = token.projectID else {
      throw OpenStackError(
        service: service, method: method, path: path, status: nil,
        message: "the endpoint \(url) needs a project id, and the token is not scoped to a project",
        kind: .configuration
      )
    }
    return placeholders.reduce(url) { $0.replacingOccurrences(of: $1, with: projectID) }
  }

  static func join(_ base: String, _ path: String) -> String {
    var trimmed = base
    while trimmed.hasSuffix("/") { trimmed.removeLast() }
    if path.isEmpty { return trimmed }
    return path.hasPrefix("/") || path.hasPrefix("?") ? trimmed + path : trimmed + "/" + path
  }

  /// The short name errors use: `keystone`, `magnum`, `neutron`, `nova`, `web-proxy`, else the type itself.
  static func serviceName(for serviceTypes: [String]) -> String {
    switch serviceTypes.first ?? "" {
    case "identity": "keystone"
    case "container-infra", "container-infrastructure-management": "magnum"
    case "network": "neutron"
    case "compute": "nova"
    case "proxy": "web-proxy"
    case let other: other
    }
  }

  // MARK: - Attempts and retries

  /// The outcome of one attempt that did not succeed.
  private struct FailedAttempt {
    var error: OpenStackError
    var mayRepeat: Bool
    var retryAfter: Duration?
  }

  private func perform(
    service: String, method: String, path: String, url: String, headers: [(String, String)], body: Data?,
    idempotent: Bool, extraSecrets: [String]
  ) async throws -> HTTPResponse {
    let request = HTTPRequest(method: method, url: url, headers: headers, body: body)
    let secrets = config.secrets + extraSecrets
    var attempt = 0
    while true {
      attempt += 1
      let failure: FailedAttempt
      do {
        let response = try await transport.send(request, timeout: retry.requestTimeout)
        logger.debug(
          "\(service): \(method) \(url) answered \(response.status)",
          metadata: ["request-id": "\(response.requestID ?? "-")", "attempt": "\(attempt)"]
        )
        if response.isSuccess {
          guard let errorText = ServiceErrorText.errorInSuccessBody(response.body) else { return response }
          var error = OpenStackError(
            service: service, method: method, path: path, status: response.status, message: errorText,
            requestID: response.requestID, kind: .http, attempts: attempt
          )
          error.responseHeaders = response.headers
          throw error.redacting(secrets)
        }
        failure = Self.failedAttempt(
          response: response, service: service, method: method, path: path, idempotent: idempotent
        )
      } catch let error as OpenStackError {
        throw error
      } catch let error as HTTPTransportError {
        failure = Self.failedAttempt(
          transportError: error, service: service, method: method, path: path, idempotent: idempotent,
          timeout: retry.requestTimeout
        )
      } catch {
        if error is CancellationError || Task.isCancelled { throw CancellationError() }
        failure = Self.failedAttempt(
          transportError: HTTPTransportError(.failed, detail: "\(error)"), service: service, method: method,
          path: path, idempotent: idempotent, timeout: retry.requestTimeout
        )
      }
      let error = failure.error.redacting(secrets)
      guard failure.mayRepeat, attempt < retry.maxAttempts else {
        var final = error
        final.attempts = attempt
        throw final
      }
      let delay = failure.retryAfter.map(retry.delay(retryAfter:)) ?? retry.delay(beforeRetry: attempt)
      logger.notice(
        "\(error.description); retrying in \(delay.readable) (attempt \(attempt + 1) of \(retry.maxAttempts))"
      )
      try await sleep(delay)
    }
  }

  private static func failedAttempt(
    response: HTTPResponse, service: String, method: String, path: String, idempotent: Bool
  ) -> FailedAttempt {
    let text = ServiceErrorText(body: response.body)
    var error = OpenStackError(
      service: service, method: method, path: path, status: response.status, message: text.message,
      requestID: response.requestID ?? text.requestID, kind: .http
    )
    error.responseHeaders = response.headers
    let status = response.status
    let mayRepeat = idempotent ? (status == 429 || status >= 500) : (status == 429 || status == 503)
    return FailedAttempt(
      error: error, mayRepeat: mayRepeat, retryAfter: RetryAfter.parse(response.header("retry-after"))
    )
  }

  private static func failedAttempt(
    transportError: HTTPTransportError, service: String, method: String, path: String, idempotent: Bool,
    timeout: Duration
  ) -> FailedAttempt {
    let kind: OpenStackError.Kind =
      switch transportError.kind {
      case .timedOut: .timeout
      case .certificateRejected: .certificate
      case .notConnected, .failed: .transport
      }
    let message =
      transportError.kind == .timedOut && !transportError.detail.contains(timeout.readable)
      ? "no answer within \(timeout.readable) (\(transportError.detail))" : transportError.detail
    let error = OpenStackError(
      service: service, method: method, path: path, status: nil, message: message, kind: kind
    )
    // A refused certificate stays refused: repeating only delays the message the operator needs.
    let mayRepeat =
      transportError.kind != .certificateRejected && (idempotent || transportError.kind == .notConnected)
    return FailedAttempt(error: error, mayRepeat: mayRepeat)
  }
}
