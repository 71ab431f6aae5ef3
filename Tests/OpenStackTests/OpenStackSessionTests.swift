import Foundation
import Testing

@testable import OpenStack

// MARK: - Authentication and catalog

@Suite("OpenStackSession: tokens and endpoints")
struct OpenStackSessionAuthenticationTests {
  @Test("an application-credential token request carries the credential and no scope")
  func applicationCredentialBody() async throws {
    let transport = FakeCloud.transport { _ in .json(200, #"{"clusters": []}"#) }
    let session = FakeCloud.session(transport: transport)
    _ = try await session.send(serviceTypes: ["container-infra"], method: "GET", path: "/clusters")

    let request = try #require(transport.tokenRequests.first)
    #expect(request.method == "POST")
    #expect(request.url == "https://keystone.example.test:25000/v3/auth/tokens")
    #expect(request.header("content-type") == "application/json")
    let auth = try #require(request.jsonObject?["auth"] as? [String: Any])
    #expect(auth["scope"] == nil)
    let identity = try #require(auth["identity"] as? [String: Any])
    #expect(identity["methods"] as? [String] == ["application_credential"])
    let credential = try #require(identity["application_credential"] as? [String: Any])
    #expect(credential["id"] as? String == "0f1e2d3c4b5a")
    #expect(credential["secret"] as? String == FakeCloud.applicationCredentialSecret)
  }

  @Test("a named application credential identifies its user")
  func namedApplicationCredentialBody() throws {
    let body = try KeystoneToken.requestBody(
      for: .applicationCredential(
        id: nil, name: "cutover", secret: "s", userName: "paws-deployer", userID: nil, userDomainName: "Default"
      )
    )
    let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
    let auth = try #require(object["auth"] as? [String: Any])
    #expect(auth["scope"] == nil)
    let identity = try #require(auth["identity"] as? [String: Any])
    let credential = try #require(identity["application_credential"] as? [String: Any])
    #expect(credential["name"] as? String == "cutover")
    let user = try #require(credential["user"] as? [String: Any])
    #expect(user["name"] as? String == "paws-deployer")
    #expect(user["domain"] as? [String: String] == ["name": "Default"])
  }

  @Test("a password token request is scoped to the project")
  func passwordBody() async throws {
    let transport = FakeCloud.transport { _ in .json(200, "{}") }
    let session = FakeCloud.session(transport: transport, config: FakeCloud.passwordConfig)
    #expect(try await session.projectID == "paws")

    let auth = try #require(transport.tokenRequests.first?.jsonObject?["auth"] as? [String: Any])
    let identity = try #require(auth["identity"] as? [String: Any])
    #expect(identity["methods"] as? [String] == ["password"])
    let user = try #require((identity["password"] as? [String: Any])?["user"] as? [String: Any])
    #expect(user["name"] as? String == "paws-deployer")
    #expect(user["password"] as? String == FakeCloud.password)
    #expect(user["domain"] as? [String: String] == ["name": "Default"])
    let project = try #require((auth["scope"] as? [String: Any])?["project"] as? [String: Any])
    #expect(project["name"] as? String == "paws")
    #expect(project["domain"] as? [String: String] == ["name": "Default"])
  }

  @Test("a password with a project id scopes by id")
  func passwordScopedByID() throws {
    let body = try KeystoneToken.requestBody(
      for: .password(
        username: "u", password: "p", userDomainName: "Default", projectName: nil, projectID: "paws",
        projectDomainName: "Default"
      )
    )
    let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
    let scope = try #require((object["auth"] as? [String: Any])?["scope"] as? [String: Any])
    #expect(scope["project"] as? [String: String] == ["id": "paws"])
  }

  @Test("an auth URL without a version gets /v3")
  func tokensURL() {
    #expect(OpenStackSession.tokensURL(authURL: "https://k:25000") == "https://k:25000/v3/auth/tokens")
    #expect(OpenStackSession.tokensURL(authURL: "https://k:25000/v3/") == "https://k:25000/v3/auth/tokens")
    #expect(OpenStackSession.tokensURL(authURL: "https://k/identity/v3") == "https://k/identity/v3/auth/tokens")
  }

  @Test("calls send the token from X-Subject-Token and reuse it")
  func tokenSentAndCached() async throws {
    let transport = FakeCloud.transport { _ in .json(200, "{}") }
    let session = FakeCloud.session(transport: transport)
    for _ in 0..<3 {
      _ = try await session.send(serviceTypes: ["container-infra"], method: "GET", path: "/clusters")
    }
    #expect(transport.tokenRequests.count == 1)
    #expect(transport.serviceRequests.allSatisfy { $0.header("x-auth-token") == "token-1" })
    #expect(transport.serviceRequests.allSatisfy { $0.header("accept") == "application/json" })
  }

  @Test("concurrent first calls share one token request")
  func concurrentAuthentication() async throws {
    let transport = FakeCloud.transport { _ in .json(200, "{}") }
    let session = FakeCloud.session(transport: transport)
    try await withThrowingTaskGroup(of: Void.self) { group in
      for _ in 0..<8 {
        group.addTask { _ = try await session.send(serviceTypes: ["proxy"], method: "GET", path: "/mapping") }
      }
      try await group.waitForAll()
    }
    #expect(transport.tokenRequests.count == 1)
    #expect(transport.serviceRequests.count == 8)
  }

  @Test("a token about to expire is issued again before use")
  func expiringToken() async throws {
    let transport = FakeCloud.transport(tokenBody: FakeCloud.tokenBody(expiresAt: "2001-01-01T00:00:00.000000Z")) {
      _ in .json(200, "{}")
    }
    let session = FakeCloud.session(transport: transport)
    _ = try await session.send(serviceTypes: ["proxy"], method: "GET", path: "/mapping")
    _ = try await session.send(serviceTypes: ["proxy"], method: "GET", path: "/mapping")
    #expect(transport.tokenRequests.count == 2)
    #expect(transport.serviceRequests.last?.header("x-auth-token") == "token-2")
  }

  @Test("a 401 makes the session authenticate again once and repeat the call")
  func reauthenticateOn401() async throws {
    let calls = Counter()
    let transport = FakeCloud.transport { _ in
      calls.next() == 1 ? .json(401, try Fixture.text("keystone-error-401")) : .json(200, "{}")
    }
    let session = FakeCloud.session(transport: transport)
    let response = try await session.send(serviceTypes: ["container-infra"], method: "GET", path: "/clusters")
    #expect(response.status == 200)
    #expect(transport.tokenRequests.count == 2)
    #expect(transport.serviceRequests.map { $0.header("x-auth-token") } == ["token-1", "token-2"])
  }

  @Test("a second 401 after authenticating again is thrown")
  func repeated401() async throws {
    let transport = FakeCloud.transport { _ in .json(401, try Fixture.text("keystone-error-401")) }
    let session = FakeCloud.session(transport: transport)
    let error = try await #require(throws: OpenStackError.self) {
      try await session.send(serviceTypes: ["container-infra"], method: "GET", path: "/clusters")
    }
    #expect(error.status == 401)
    #expect(error.message == "The request you have made requires authentication.")
    #expect(transport.tokenRequests.count == 2)
    #expect(transport.serviceRequests.count == 2)
  }

  @Test("wrong credentials: Keystone's 401 is reported without the secret, not retried")
  func wrongCredentials() async throws {
    let secret = FakeCloud.applicationCredentialSecret
    let transport = FakeTransport { _ in
      .json(
        401, #"{"error": {"code": 401, "title": "Unauthorized", "message": "Invalid secret \#(secret)"}}"#,
        headers: ["x-openstack-request-id": "req-401"]
      )
    }
    let session = FakeCloud.session(transport: transport)
    let error = try await #require(throws: OpenStackError.self) { try await session.projectID }
    #expect(error.service == "keystone")
    #expect(error.status == 401)
    #expect(error.requestID == "req-401")
    #expect(transport.requests.count == 1)
    for text in [error.description, error.errorDescription ?? "", error.message, String(reflecting: error)] {
      #expect(!text.contains(secret))
    }
    #expect(error.description.hasPrefix("keystone: POST /auth/tokens answered 401 Unauthorized: Invalid secret"))
  }

  @Test("a secret with `/`, `\"` or `\\` echoed JSON-escaped by Keystone is redacted too")
  func escapedSecretRedacted() async throws {
    let secret = #"CANARY/PW"X\Y"#
    let config = CloudConfig(
      name: "paws-eqiad1", authURL: FakeCloud.authURL,
      auth: .applicationCredential(
        id: "0f1e2d3c4b5a", name: nil, secret: secret, userName: nil, userID: nil, userDomainName: nil),
      regionName: FakeCloud.region)
    // An answer in no shape Cutover knows is shown as it came, JSON escapes and all.
    let transport = FakeTransport { _ in
      .json(400, #"{"bad": {"application_credential": {"secret": "CANARY\/PW\"X\\Y"}}, "code": 400}"#)
    }
    let session = FakeCloud.session(transport: transport, config: config)
    let error = try await #require(throws: OpenStackError.self) { try await session.projectID }
    for text in [error.description, error.message, String(reflecting: error)] {
      #expect(!text.contains("CANARY"), "\(text)")
    }
    #expect(error.message.contains(#""secret": "<redacted>""#), "\(error.message)")
  }

  @Test("a token answer without X-Subject-Token is an unreadable response")
  func missingSubjectToken() async throws {
    let transport = FakeTransport { _ in HTTPResponse(status: 201, body: FakeCloud.tokenBody()) }
    let session = FakeCloud.session(transport: transport)
    let error = try await #require(throws: OpenStackError.self) { try await session.projectID }
    #expect(error.kind == .invalidResponse)
    #expect(error.message.contains("X-Subject-Token"))
  }

  // MARK: - Catalog

  @Test("the endpoint matches interface and region, and $(tenant_id)s becomes the project id")
  func endpointSelection() async throws {
    let catalog = [
      FakeCloud.entry(type: "proxy", url: "https://other-region/v1/$(tenant_id)s", region: "codfw1dev-r"),
      FakeCloud.entry(type: "proxy", url: "https://internal/v1/$(tenant_id)s", interfaces: ["internal"]),
      FakeCloud.entry(type: "proxy", url: FakeCloud.proxyURL),
    ]
    let transport = FakeCloud.transport(tokenBody: FakeCloud.tokenBody(catalog: catalog)) { _ in .json(200, "{}") }
    let session = FakeCloud.session(transport: transport)
    _ = try await session.send(serviceTypes: ["proxy"], method: "GET", path: "/mapping")
    #expect(transport.serviceRequests.first?.url == "https://proxy-api.example.test:28889/v1/paws/mapping")
    #expect(try await session.endpointURL(serviceTypes: ["proxy"]) == "https://proxy-api.example.test:28889/v1/paws")
  }

  @Test("region_name also matches an endpoint's region_id")
  func regionIDMatch() async throws {
    let catalog = [FakeCloud.entry(type: "container-infra", url: "https://m/v1", region: "Eqiad", regionID: "eqiad1-r")]
    let transport = FakeCloud.transport(tokenBody: FakeCloud.tokenBody(catalog: catalog)) { _ in .json(200, "{}") }
    let session = FakeCloud.session(transport: transport)
    #expect(try await session.endpointURL(serviceTypes: ["container-infra"]) == "https://m/v1")
  }

  @Test("service types are tried in order: the newer Magnum type is found too")
  func serviceTypeOrder() async throws {
    let catalog = [FakeCloud.entry(type: "container-infrastructure-management", url: "https://m2/v1")]
    let transport = FakeCloud.transport(tokenBody: FakeCloud.tokenBody(catalog: catalog)) { _ in .json(200, "{}") }
    let session = FakeCloud.session(transport: transport)
    #expect(try await session.endpointURL(serviceTypes: MagnumClient.serviceTypes) == "https://m2/v1")
  }

  @Test("no matching endpoint: a clear error listing what the catalog has")
  func missingEndpoint() async throws {
    let transport = FakeCloud.transport { _ in .json(200, "{}") }
    let session = FakeCloud.session(transport: transport)
    let error = try await #require(throws: OpenStackError.self) {
      try await session.send(serviceTypes: ["network"], method: "GET", path: "/v2.0/ports")
    }
    #expect(error.kind == .configuration)
    #expect(!error.isRetryable)
    #expect(error.service == "neutron")
    #expect(error.message.contains("no public endpoint of type network in region eqiad1-r"))
    #expect(error.message.contains("identity (admin eqiad1-r, public eqiad1-r)"))
    #expect(error.message.contains("container-infra (public eqiad1-r)"))
    #expect(transport.serviceRequests.isEmpty)
  }
}

// MARK: - Retries

@Suite("OpenStackSession: retries, timeouts and errors")
struct OpenStackSessionRetryTests {

  @Test("a 500 then success: retried with doubling, jittered backoff")
  func retryOn500() async throws {
    let calls = Counter()
    let transport = FakeCloud.transport { _ in
      calls.next() <= 2 ? .json(500, try Fixture.text("magnum-error-500")) : .json(200, "{}")
    }
    let sleeper = SleepRecorder()
    let session = FakeCloud.session(transport: transport, sleeper: sleeper)
    let response = try await session.send(serviceTypes: ["container-infra"], method: "GET", path: "/clusters")
    #expect(response.status == 200)
    #expect(transport.serviceRequests.count == 3)
    let delays = sleeper.durations
    #expect(delays.count == 2)
    #expect(delays[0] >= .milliseconds(100) && delays[0] <= .milliseconds(200))
    #expect(delays[1] >= .milliseconds(200) && delays[1] <= .milliseconds(400))
  }

  @Test("a 429 with Retry-After waits exactly that long")
  func retryAfterHonoured() async throws {
    let calls = Counter()
    let transport = FakeCloud.transport { _ in
      calls.next() == 1 ? .text(429, "slow down", headers: ["Retry-After": "3"]) : .json(200, "{}")
    }
    let sleeper = SleepRecorder()
    let session = FakeCloud.session(transport: transport, sleeper: sleeper)
    _ = try await session.send(serviceTypes: ["container-infra"], method: "GET", path: "/clusters")
    #expect(sleeper.durations == [.seconds(3)])
  }

  @Test("a long Retry-After is capped at maxDelay")
  func retryAfterCapped() async throws {
    let calls = Counter()
    let transport = FakeCloud.transport { _ in
      calls.next() == 1 ? .text(503, "maintenance", headers: ["Retry-After": "3600"]) : .json(200, "{}")
    }
    let sleeper = SleepRecorder()
    let session = FakeCloud.session(
      transport: transport, retry: RetryPolicy(maxDelay: .seconds(7)), sleeper: sleeper
    )
    _ = try await session.send(serviceTypes: ["container-infra"], method: "GET", path: "/clusters")
    #expect(sleeper.durations == [.seconds(7)])
  }

  @Test("Retry-After as an HTTP date")
  func retryAfterDate() {
    let now = Date(timeIntervalSince1970: 1_700_000_000)
    #expect(RetryAfter.parse("Tue, 14 Nov 2023 22:13:25 GMT", now: now) == .seconds(5))
    #expect(RetryAfter.parse("Tue, 14 Nov 2023 22:13:00 GMT", now: now) == .zero)
    #expect(RetryAfter.parse("soon", now: now) == nil)
    #expect(RetryAfter.parse("1.5", now: now) == .milliseconds(1500))
  }

  @Test("giving up after maxAttempts reports status, request id, service text and the attempts")
  func giveUp() async throws {
    let transport = FakeCloud.transport { _ in
      .json(503, try Fixture.text("magnum-error-500"), headers: ["X-OpenStack-Request-Id": "req-5a6b7c8d"])
    }
    let sleeper = SleepRecorder()
    let session = FakeCloud.session(transport: transport, sleeper: sleeper)
    let error = try await #require(throws: OpenStackError.self) {
      try await session.send(serviceTypes: ["container-infra"], method: "GET", path: "/clusters")
    }
    #expect(transport.serviceRequests.count == 6)
    #expect(sleeper.durations.count == 5)
    #expect(sleeper.durations.allSatisfy { $0 <= .seconds(10) })
    #expect(error.status == 503)
    #expect(error.requestID == "req-5a6b7c8d")
    #expect(error.message == "Internal Server Error: Heat stack lookup failed")
    #expect(error.attempts == 6)
    #expect(error.isRetryable)
    #expect(
      error.description
        == "magnum: GET /clusters answered 503 Service Unavailable: Internal Server Error: Heat stack lookup failed "
        + "(request req-5a6b7c8d; gave up after 6 attempts)"
    )
  }

  @Test("the backoff doubles from initialDelay and stops at maxDelay")
  func backoffSchedule() {
    let policy = RetryPolicy()
    let steps = (1...8).map { policy.backoffStep(beforeRetry: $0) }
    #expect(
      steps == [
        .milliseconds(200), .milliseconds(400), .milliseconds(800), .milliseconds(1600), .milliseconds(3200),
        .milliseconds(6400), .seconds(10), .seconds(10),
      ]
    )
    #expect(policy.delay(beforeRetry: 2, jitter: 0.5) == .milliseconds(200))
    #expect(policy.delay(beforeRetry: 2, jitter: 1) == .milliseconds(400))
  }

  @Test("a POST is not repeated on 500: it may have been processed")
  func postNotRetriedOn500() async throws {
    let transport = FakeCloud.transport { _ in .json(500, try Fixture.text("magnum-error-500")) }
    let sleeper = SleepRecorder()
    let session = FakeCloud.session(transport: transport, sleeper: sleeper)
    let error = try await #require(throws: OpenStackError.self) {
      try await session.send(
        serviceTypes: ["container-infra"], method: "POST", path: "/clusters", body: Data("{}".utf8))
    }
    #expect(error.status == 500)
    #expect(error.attempts == 1)
    #expect(transport.serviceRequests.count == 1)
    #expect(sleeper.durations.isEmpty)
  }

  @Test("a POST is repeated on 503, 429 and when the connection was never made")
  func postRetriedWhenSafe() async throws {
    let calls = Counter()
    let transport = FakeCloud.transport { _ in
      switch calls.next() {
      case 1: return .text(503, "busy")
      case 2: return .text(429, "slow down")
      case 3: throw HTTPTransportError(.notConnected, detail: "connection refused")
      default: return .json(202, #"{"uuid": "u"}"#)
      }
    }
    let session = FakeCloud.session(transport: transport)
    let response = try await session.send(
      serviceTypes: ["container-infra"], method: "POST", path: "/clusters", body: Data("{}".utf8)
    )
    #expect(response.status == 202)
    #expect(transport.serviceRequests.count == 4)
  }

  @Test("a POST is not repeated after a timeout, an idempotent POST is")
  func postAfterTimeout() async throws {
    let transport = FakeCloud.transport { _ in throw HTTPTransportError(.timedOut, detail: "no answer") }
    let session = FakeCloud.session(transport: transport, retry: RetryPolicy(maxAttempts: 3))
    await #expect(throws: OpenStackError.self) {
      try await session.send(serviceTypes: ["proxy"], method: "POST", path: "/mapping/x", body: Data("{}".utf8))
    }
    #expect(transport.serviceRequests.count == 1)
    await #expect(throws: OpenStackError.self) {
      try await session.send(
        serviceTypes: ["proxy"], method: "POST", path: "/mapping/x", body: Data("{}".utf8), idempotent: true
      )
    }
    #expect(transport.serviceRequests.count == 4)
  }

  @Test("a timeout becomes an OpenStackError without status, retried, then reported")
  func timeoutMapped() async throws {
    let transport = FakeCloud.transport { _ in throw HTTPTransportError(.timedOut, detail: "no complete answer") }
    let session = FakeCloud.session(
      transport: transport, retry: RetryPolicy(maxAttempts: 2, requestTimeout: .seconds(5))
    )
    let error = try await #require(throws: OpenStackError.self) {
      try await session.send(serviceTypes: ["container-infra"], method: "GET", path: "/clusters/abc")
    }
    #expect(error.kind == .timeout)
    #expect(error.status == nil)
    #expect(error.isRetryable)
    #expect(transport.serviceRequests.count == 2)
    #expect(error.description.hasPrefix("magnum: GET /clusters/abc timed out: no answer within 5 s"))
  }

  @Test("any other transport failure is a retryable transport error")
  func otherTransportErrors() async throws {
    struct Reset: Error, CustomStringConvertible { var description: String { "connection reset by peer" } }
    let calls = Counter()
    let transport = FakeCloud.transport { _ in
      if calls.next() == 1 { throw Reset() }
      return .json(200, "{}")
    }
    let session = FakeCloud.session(transport: transport)
    _ = try await session.send(serviceTypes: ["container-infra"], method: "DELETE", path: "/clusters/abc")
    #expect(transport.serviceRequests.count == 2)

    let failing = FakeCloud.transport { _ in throw Reset() }
    let error = try await #require(throws: OpenStackError.self) {
      try await FakeCloud.session(transport: failing, retry: RetryPolicy(maxAttempts: 1)).send(
        serviceTypes: ["container-infra"], method: "GET", path: "/clusters")
    }
    #expect(error.kind == .transport)
    #expect(error.description == "magnum: GET /clusters failed: connection reset by peer")
  }

  @Test("a 4xx is not retried")
  func clientErrorsNotRetried() async throws {
    let transport = FakeCloud.transport { _ in .json(400, try Fixture.text("magnum-error-400")) }
    let session = FakeCloud.session(transport: transport)
    let error = try await #require(throws: OpenStackError.self) {
      try await session.send(serviceTypes: ["container-infra"], method: "DELETE", path: "/clustertemplates/t")
    }
    #expect(transport.serviceRequests.count == 1)
    #expect(!error.isRetryable)
    #expect(error.requestID == "req-9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a")
    #expect(error.message.contains("is referenced by one or multiple clusters"))
  }

  @Test("a 200 whose body is {\"error\": …} is an error")
  func errorInSuccessBody() async throws {
    let transport = FakeCloud.transport { _ in .json(200, #"{"error": "Malformed request: backends missing"}"#) }
    let session = FakeCloud.session(transport: transport)
    let error = try await #require(throws: OpenStackError.self) {
      try await session.send(serviceTypes: ["proxy"], method: "PUT", path: "/mapping", body: Data("{}".utf8))
    }
    #expect(error.status == 200)
    #expect(!error.isRetryable)
    #expect(transport.serviceRequests.count == 1)
    #expect(
      error.description == "web-proxy: PUT /mapping answered 200 OK with an error: Malformed request: backends missing"
    )
  }

  @Test("the token never appears in an error, even when a service echoes it")
  func tokenRedacted() async throws {
    let transport = FakeCloud.transport { request in
      .text(403, "token \(request.header("x-auth-token") ?? "") may not use project other")
    }
    let session = FakeCloud.session(transport: transport)
    let error = try await #require(throws: OpenStackError.self) {
      try await session.send(serviceTypes: ["proxy"], method: "GET", path: "/mapping")
    }
    #expect(!error.description.contains("token-1"))
    #expect(error.message == "token <redacted> may not use project other")
  }

  @Test("cancellation while waiting to retry stops the call")
  func cancellation() async throws {
    let transport = FakeCloud.transport { _ in .text(503, "busy") }
    let session = OpenStackSession(
      config: FakeCloud.applicationCredentialConfig, transport: transport, sleep: { _ in throw CancellationError() }
    )
    await #expect(throws: CancellationError.self) {
      try await session.send(serviceTypes: ["proxy"], method: "GET", path: "/mapping")
    }
    #expect(transport.serviceRequests.count == 1)
  }
}

// MARK: - Logging

@Suite("OpenStackSession: log lines")
struct OpenStackSessionLoggingTests {
  @Test("retry notices say what is retried, never 'gave up', and no log line holds a secret or token")
  func logLines() async throws {
    let secret = FakeCloud.applicationCredentialSecret
    let calls = Counter()
    let transport = FakeCloud.transport { request in
      switch calls.next() {
      case 1: return .text(401, "token \(request.header("x-auth-token") ?? "") expired")
      case 2, 3: return .text(503, "secret \(secret) is not welcome here")
      default: return .json(200, "{}")
      }
    }
    let capture = LogCapture()
    let session = OpenStackSession(
      config: FakeCloud.applicationCredentialConfig, transport: transport, logger: capture.logger,
      sleep: SleepRecorder().sleep
    )
    _ = try await session.send(serviceTypes: ["container-infra"], method: "GET", path: "/clusters")

    let lines = capture.captured
    let retries = lines.filter { $0.contains("retrying in") }
    #expect(retries.count == 2)
    #expect(retries.allSatisfy { !$0.contains("gave up") }, "\(retries)")
    #expect(retries.first?.contains("magnum: GET /clusters answered 503 Service Unavailable") == true)
    #expect(retries.first?.contains("(attempt 2 of 6)") == true)
    #expect(lines.contains { $0.contains("answered 401; authenticating again") })
    for line in lines {
      #expect(!line.contains(secret), "\(line)")
      #expect(!line.contains("token-1") && !line.contains("token-2"), "\(line)")
    }
  }
}

@Suite("OpenStackSession: requests outside the catalog")
struct OpenStackSessionBaseURLTests {
  @Test("a base URL at the auth URL's host gets the token; another host is refused before anything is sent")
  func tokenStaysWithItsHost() async throws {
    let transport = FakeCloud.transport { _ in .json(200, #"{"releases": []}"#) }
    let session = FakeCloud.session(transport: transport)
    _ = try await session.send(
      baseURL: "https://keystone.example.test:25000/kubernetes/v1", service: "kubernetes", method: "GET",
      path: "/clusters/x/releases")
    #expect(transport.tokenRequests.count == 1)

    let error = await #expect(throws: OpenStackError.self) {
      try await session.send(
        baseURL: "https://elsewhere.example.test:25000/kubernetes/v1", service: "kubernetes", method: "GET",
        path: "/clusters/x/releases")
    }
    #expect(error?.kind == .configuration)
    #expect(error?.message.contains("refusing to send the Keystone token") == true)
  }
}
