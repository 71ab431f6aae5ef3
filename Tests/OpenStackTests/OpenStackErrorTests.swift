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
}
