import CutoverKit
import OpenStack
import Testing

extension CloudClients {
  /// Clients whose every request fails the test: for resource types that never reach the cloud.
  static var unreachable: CloudClients {
    let session = OpenStackSession(
      config: CloudConfig(
        name: "unreachable", authURL: "http://127.0.0.1:9/v3",
        auth: .applicationCredential(
          id: "id", name: nil, secret: "secret", userName: nil, userID: nil, userDomainName: nil)),
      transport: RequestRefusingTransport())
    return CloudClients(session: session)
  }
}

/// A transport that fails the test if anything is sent.
struct RequestRefusingTransport: HTTPTransport {
  struct Refused: Error {}

  func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
    Issue.record("no request was expected, got \(request.method) \(request.url)")
    throw Refused()
  }
}
