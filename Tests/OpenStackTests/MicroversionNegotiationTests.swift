import Foundation
import Testing

@testable import OpenStack

/// The one negotiation Magnum and Nova share: what each sends, when it lowers the version, and when it gives up.
@Suite("MicroversionNegotiation")
struct MicroversionNegotiationTests {
  private func notAcceptable(_ message: String, maximum: String? = nil) -> OpenStackError {
    var error = OpenStackError(service: "test", method: "GET", path: "/", status: 406, message: message)
    if let maximum { error.responseHeaders["openstack-api-maximum-version"] = maximum }
    return error
  }

  /// Runs one call through `negotiation`, answering 406 with `refusal` to any version above `served`; returns the
  /// versions asked for, in order.
  private func versionsAsked(
    _ negotiation: MicroversionNegotiation, refusal: OpenStackError, served: Microversion
  ) async throws -> [String] {
    var asked: [String] = []
    _ = try await negotiation.negotiate { version, _ in
      asked.append(version)
      guard let wanted = Microversion(version), wanted <= served else { throw refusal }
      return version
    }
    return asked
  }

  @Test("Magnum and Nova ask with the standard header and their service word; Nova adds its own older header")
  func headers() {
    let magnum = MicroversionNegotiation(service: "container-infra", requested: "1.10")
    #expect(magnum.headers(for: "1.10").map { "\($0.0): \($0.1)" } == ["OpenStack-API-Version: container-infra 1.10"])
    let nova = MicroversionNegotiation(
      service: "compute", requested: "2.64", legacyHeader: "X-OpenStack-Nova-API-Version")
    #expect(
      nova.headers(for: "2.64").map { "\($0.0): \($0.1)" }
        == ["OpenStack-API-Version: compute 2.64", "X-OpenStack-Nova-API-Version: 2.64"])
  }

  @Test("a 406 naming a lower maximum, by header or in the text, repeats the call once at it and keeps it")
  func lowersToTheMaximum() async throws {
    let byHeader = MicroversionNegotiation(service: "container-infra", requested: "1.10")
    let refusal = notAcceptable("Version 1.10 was requested but the maximum is 1.8", maximum: "container-infra 1.8")
    #expect(
      try await versionsAsked(byHeader, refusal: refusal, served: Microversion(major: 1, minor: 8)) == ["1.10", "1.8"])
    #expect(byHeader.requested == "1.8")
    #expect(try await versionsAsked(byHeader, refusal: refusal, served: Microversion(major: 1, minor: 8)) == ["1.8"])

    let byText = MicroversionNegotiation(service: "compute", requested: "2.70")
    let text = notAcceptable("Version 2.70 is not supported by the API. Minimum is 2.1 and maximum is 2.60.")
    #expect(
      try await versionsAsked(byText, refusal: text, served: Microversion(major: 2, minor: 60)) == ["2.70", "2.60"])

    let byRange = MicroversionNegotiation(service: "container-infra", requested: "1.10")
    let range = notAcceptable("Version 1.10 not in [1.1, 1.9]")
    #expect(
      try await versionsAsked(byRange, refusal: range, served: Microversion(major: 1, minor: 9)) == ["1.10", "1.9"])
  }

  @Test("a 406 naming no maximum falls back where the service has a fallback (Nova), else is thrown (Magnum)")
  func fallback() async throws {
    let refusal = notAcceptable("Not Acceptable")
    let nova = MicroversionNegotiation(
      service: "compute", requested: "2.64", fallback: Microversion(major: 2, minor: 15))
    #expect(
      try await versionsAsked(nova, refusal: refusal, served: Microversion(major: 2, minor: 15)) == ["2.64", "2.15"])

    let magnum = MicroversionNegotiation(service: "container-infra", requested: "1.10")
    let error = await #expect(throws: OpenStackError.self) {
      try await versionsAsked(magnum, refusal: refusal, served: Microversion(major: 1, minor: 1))
    }
    #expect(error?.status == 406)
    #expect(magnum.requested == "1.10")
  }

  @Test("a maximum not lower than the version asked is not retried: the 406 is thrown")
  func noHigherRetry() async throws {
    let negotiation = MicroversionNegotiation(service: "container-infra", requested: "1.8")
    let refusal = notAcceptable("Not Acceptable", maximum: "container-infra 1.10")
    await #expect(throws: OpenStackError.self) {
      try await versionsAsked(negotiation, refusal: refusal, served: Microversion(major: 1, minor: 1))
    }
    #expect(negotiation.requested == "1.8")
  }

  @Test("for `latest`, the version served is the one the server reported, from either header")
  func latestFollowsTheAnswer() {
    let nova = MicroversionNegotiation(
      service: "compute", requested: "latest", legacyHeader: "X-OpenStack-Nova-API-Version")
    #expect(nova.effective == nil)
    nova.record(HTTPResponse(status: 200, headers: ["X-OpenStack-Nova-API-Version": "2.90"]))
    #expect(nova.effective == Microversion(major: 2, minor: 90))
    nova.record(HTTPResponse(status: 200, headers: ["OpenStack-API-Version": "compute 2.95"]))
    #expect(nova.effective == Microversion(major: 2, minor: 95))
  }
}
