import Foundation
import Testing

@testable import OpenStack

// MARK: - Service error texts and descriptions

@Suite("Error texts and descriptions")
struct OpenStackErrorTests {
  private func text(_ body: String) -> ServiceErrorText {
    ServiceErrorText(body: Data(body.utf8))
  }

  @Test("each service's error shape gives its own words")
  func shapes() throws {
    #expect(
      text(try Fixture.text("keystone-error-401")).message == "The request you have made requires authentication.")
    let magnum = text(try Fixture.text("magnum-error-400"))
    #expect(magnum.message.hasPrefix("ClusterTemplate 5d4c2f4e-2b7a-4a3e-9a3c-0c9f6a1b2e71 is referenced"))
    #expect(magnum.requestID == "req-9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a")
    #expect(
      text(#"{"NeutronError": {"type": "PortNotFound", "message": "Port 42 could not be found.", "detail": ""}}"#)
        .message
        == "Port 42 could not be found."
    )
    #expect(
      text(#"{"itemNotFound": {"code": 404, "message": "Instance group 7 could not be found."}}"#).message
        == "Instance group 7 could not be found."
    )
    #expect(text(#"{"error": "No such domain"}"#).message == "No such domain")
    #expect(text("No such domain\n").message == "No such domain")
    #expect(
      text("<html><head><title>503 Service Unavailable</title></head><body>…</body></html>").message
        == "503 Service Unavailable")
    #expect(
      text(try Fixture.text("wsme-error")).message == "Invalid input for field/attribute node_count.")
    #expect(text("").message == "")
  }

  /// One service's error answer and the line it must become.
  struct ErrorLine: Sendable, CustomTestStringConvertible {
    var serviceTypes: [String]
    var method: String
    var path: String
    var status: Int
    var fixture: String
    var headers: [String: String]
    var expected: String

    var testDescription: String { expected.components(separatedBy: ":").first ?? expected }
  }

  static let errorLines: [ErrorLine] = [
    ErrorLine(
      serviceTypes: ["identity"], method: "GET", path: "/users", status: 401, fixture: "keystone-error-401",
      headers: ["x-openstack-request-id": "req-k-1"],
      expected: "keystone: GET /users answered 401 Unauthorized: The request you have made requires authentication."
        + " (request req-k-1)"),
    ErrorLine(
      serviceTypes: MagnumClient.serviceTypes, method: "GET", path: "/clusters/paws-g9", status: 404,
      fixture: "magnum-error-404", headers: ["x-openstack-request-id": "req-m-1"],
      expected: "magnum: GET /clusters/paws-g9 answered 404 Not Found: Cluster paws-g9 could not be found."
        + " (request req-m-1)"),
    ErrorLine(
      serviceTypes: MagnumClient.serviceTypes, method: "DELETE", path: "/clustertemplates/t", status: 400,
      fixture: "magnum-error-400", headers: [:],
      expected: "magnum: DELETE /clustertemplates/t answered 400 Bad Request: ClusterTemplate "
        + "5d4c2f4e-2b7a-4a3e-9a3c-0c9f6a1b2e71 is referenced by one or multiple clusters."
        + " (request req-9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a)"),
    ErrorLine(
      serviceTypes: NeutronClient.serviceTypes, method: "GET", path: "/v2.0/ports/65c0ee9f", status: 404,
      fixture: "neutron-error-404", headers: ["x-openstack-request-id": "req-n-1"],
      expected: "neutron: GET /v2.0/ports/65c0ee9f answered 404 Not Found: Port 65c0ee9f-d634-4522-8954-51021b570b0d"
        + " could not be found. (request req-n-1)"),
    ErrorLine(
      serviceTypes: NeutronClient.serviceTypes, method: "POST", path: "/v2.0/security-group-rules", status: 409,
      fixture: "neutron-error-409", headers: ["x-openstack-request-id": "req-n-2"],
      expected: "neutron: POST /v2.0/security-group-rules answered 409 Conflict: Security group rule already exists."
        + " Rule id is 93aa42e5-80db-4581-9391-3a608bd0e448. (request req-n-2)"),
    ErrorLine(
      serviceTypes: NovaClient.serviceTypes, method: "GET", path: "/os-server-groups/5bbcc3c4", status: 404,
      fixture: "nova-error-404", headers: ["x-compute-request-id": "req-c-1"],
      expected: "nova: GET /os-server-groups/5bbcc3c4 answered 404 Not Found: Instance group "
        + "5bbcc3c4-1da2-4437-a48a-66f15b1b13f9 could not be found. (request req-c-1)"),
    ErrorLine(
      serviceTypes: NovaClient.serviceTypes, method: "POST", path: "/os-server-groups", status: 400,
      fixture: "nova-error-400", headers: ["x-openstack-request-id": "req-c-2", "x-compute-request-id": "req-c-2"],
      expected: "nova: POST /os-server-groups answered 400 Bad Request: Invalid input for field/attribute 0. Value: "
        + "soft-anti-affinity. 'soft-anti-affinity' is not one of ['anti-affinity', 'affinity'] (request req-c-2)"),
  ]

  @Test(
    "each service's error answer is one line: call, status, the service's words and the request id",
    arguments: errorLines)
  func errorLine(_ line: ErrorLine) async throws {
    let transport = FakeCloud.transport(
      tokenBody: FakeCloud.tokenBody(catalog: FakeCloud.networkAndComputeCatalog)
    ) { _ in .json(line.status, try Fixture.text(line.fixture), headers: line.headers) }
    let session = FakeCloud.session(transport: transport)
    let error = try await #require(throws: OpenStackError.self) {
      try await session.send(serviceTypes: line.serviceTypes, method: line.method, path: line.path)
    }
    #expect(error.status == line.status)
    #expect(error.description == line.expected)
  }

  @Test("Keystone's own 401 to a token request is one line with its request id")
  func keystoneTokenErrorLine() async throws {
    let transport = FakeTransport { _ in
      .json(401, try Fixture.text("keystone-error-401"), headers: ["x-openstack-request-id": "req-k-2"])
    }
    let error = try await #require(throws: OpenStackError.self) {
      try await FakeCloud.session(transport: transport).projectID
    }
    #expect(
      error.description
        == "keystone: POST /auth/tokens answered 401 Unauthorized: The request you have made requires authentication."
        + " (request req-k-2)")
  }

  @Test("messages are one line and bounded")
  func oneLine() {
    #expect(text("first line\n  second\tline").message == "first line second line")
    #expect(text(String(repeating: "x", count: 2000)).message.count == ServiceErrorText.maximumLength + 1)
  }

  @Test("the description is one readable line")
  func descriptionFormat() {
    let error = OpenStackError(
      service: "magnum", method: "POST", path: "/clusters", status: 400,
      message: "Invalid input for field/attribute name.", requestID: "req-1a2b"
    )
    #expect(
      error.description
        == "magnum: POST /clusters answered 400 Bad Request: Invalid input for field/attribute name. (request req-1a2b)"
    )
    #expect(error.errorDescription == error.description)
    #expect(error.localizedDescription == error.description)
    #expect(!error.isRetryable)
    #expect(!error.isNotFound)
    #expect(OpenStackError(service: "nova", method: "GET", path: "/x", status: 404, message: "").isNotFound)
    #expect(OpenStackError(service: "nova", method: "GET", path: "/x", status: 429, message: "").isRetryable)
    #expect(OpenStackError(service: "nova", method: "GET", path: "/x", status: 502, message: "").isRetryable)
    #expect(OpenStackError(service: "nova", method: "GET", path: "/x", status: nil, message: "reset").isRetryable)
  }

  @Test("requests and responses print without credentials")
  func transportDescriptions() {
    let request = HTTPRequest(
      method: "POST", url: "https://k/v3/auth/tokens", headers: [("X-Auth-Token", "tok-secret")],
      body: Data(#"{"secret": "s3cr3t"}"#.utf8)
    )
    #expect(!String(describing: request).contains("tok-secret"))
    #expect(!String(describing: request).contains("s3cr3t"))
    #expect(request.header("x-auth-token") == "tok-secret")
    let response = HTTPResponse(status: 201, headers: ["X-Subject-Token": "tok-secret", "Content-Type": "json"])
    #expect(!String(describing: response).contains("tok-secret"))
    #expect(response.header("X-SUBJECT-TOKEN") == "tok-secret")
    #expect(response.headers.keys.sorted() == ["content-type", "x-subject-token"])
  }

  // MARK: - Redaction

  /// A secret with every character JSON escapes or may escape: `/`, `"`, `\`, a non-ASCII letter and one outside
  /// the Basic Multilingual Plane (a UTF-16 surrogate pair).
  private static let awkwardSecret = "CANARY/PW\"X\\Zé🔑"

  @Test(
    "a secret is redacted in every form a server may echo it: as is, JSON-escaped (once or twice), \\u-escaped",
    arguments: [
      #"CANARY/PW"X\Zé🔑"#,
      #"CANARY\/PW\"X\\Zé🔑"#,
      #"CANARY\\\/PW\\\"X\\\\Zé🔑"#,
      #"CANARY/PW\u0022X\u005cZ\u00e9\ud83d\udd11"#,
      #"\u0043ANARY\u002FPW\u0022X\u005CZ\u00E9\uD83D\uDD11"#,
    ])
  func redactsEscapedForms(echoed: String) {
    let error = OpenStackError(
      service: "keystone", method: "POST", path: "/auth/tokens", status: 400,
      message: "{\"auth\": {\"secret\": \"\(echoed)\"}} is not valid", requestID: "req-\(echoed)")
    let redacted = error.redacting([Self.awkwardSecret])
    #expect(redacted.message == #"{"auth": {"secret": "<redacted>"}} is not valid"#, "echoed as \(echoed)")
    #expect(redacted.requestID == "req-<redacted>")
  }

  @Test("redaction leaves text that only resembles a secret alone")
  func redactionIsExact() {
    let secret = "CANARY/PW"
    #expect(OpenStackError.redact("CANARY/PX and canary/pw", [secret]) == "CANARY/PX and canary/pw")
    #expect(OpenStackError.redact(#"x CANARY\/PW y"#, [secret, ""]) == "x <redacted> y")
  }
}
