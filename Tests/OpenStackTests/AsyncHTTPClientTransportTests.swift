import Foundation
import Testing

@testable import OpenStack

// MARK: - AsyncHTTPClientTransport (127.0.0.1 only)

@Suite("AsyncHTTPClientTransport over loopback")
struct AsyncHTTPClientTransportTests {
  /// Runs `body` with a transport that is shut down afterwards, whatever happens.
  private func withTransport(_ body: (AsyncHTTPClientTransport) async throws -> Void) async throws {
    let transport = try AsyncHTTPClientTransport()
    do {
      try await body(transport)
    } catch {
      try await transport.shutdown()
      throw error
    }
    try await transport.shutdown()
  }

  @Test("method, headers and body go out; status, lower-cased headers and body come back")
  func roundTrip() async throws {
    let server = try await LoopbackHTTPServer.start { received in
      let token = received.headers.first { $0.0.lowercased() == "x-auth-token" }?.1 ?? "-"
      return LoopbackHTTPServer.Reply(
        status: 201,
        headers: [("X-OpenStack-Request-Id", "req-loop"), ("Content-Type", "application/json")],
        body: #"{"seen": "\#(received.method) \#(received.uri) \#(token) \#(received.body)"}"#
      )
    }
    try await withTransport { transport in
      let response = try await transport.send(
        HTTPRequest(
          method: "POST", url: server.baseURL + "/v1/clusters?x=1", headers: [("X-Auth-Token", "tok")],
          body: Data("hello".utf8)
        ),
        timeout: .seconds(10)
      )
      #expect(response.status == 201)
      #expect(response.header("x-openstack-request-id") == "req-loop")
      #expect(response.requestID == "req-loop")
      #expect(String(decoding: response.body, as: UTF8.self) == #"{"seen": "POST /v1/clusters?x=1 tok hello"}"#)
    }
    try await server.stop()
  }

  @Test("a server that never answers is a timeout")
  func timeout() async throws {
    let server = try await LoopbackHTTPServer.start { _ in nil }
    try await withTransport { transport in
      let error = try await #require(throws: HTTPTransportError.self) {
        try await transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/slow"), timeout: .milliseconds(300))
      }
      #expect(error.kind == .timedOut)
    }
    try await server.stop()
  }

  @Test("a closed port is 'not connected' (safe to repeat any request)")
  func connectionRefused() async throws {
    let closed = try ClosedLoopbackPort()
    defer { closed.release() }
    let url = closed.baseURL + "/closed"
    try await withTransport { transport in
      let error = try await #require(throws: HTTPTransportError.self) {
        try await transport.send(HTTPRequest(method: "POST", url: url), timeout: .seconds(10))
      }
      #expect(error.kind == .notConnected, "\(error.detail)")
    }
  }

  @Test("a session over the real transport reports a refused connection after its retries")
  func sessionOverLoopback() async throws {
    let closed = try ClosedLoopbackPort()
    defer { closed.release() }
    let authURL = closed.baseURL + "/v3"
    try await withTransport { transport in
      let config = CloudConfig(authURL: authURL, auth: FakeCloud.applicationCredentialConfig.auth)
      let session = OpenStackSession(
        config: config, transport: transport, retry: RetryPolicy(maxAttempts: 2), sleep: { _ in }
      )
      let error = try await #require(throws: OpenStackError.self) { try await session.projectID }
      #expect(error.kind == .transport)
      #expect(error.attempts == 2)
      #expect(error.description.hasPrefix("keystone: POST /auth/tokens failed: could not connect to 127.0.0.1:"))
      #expect(error.description.contains("connection refused"), "\(error)")
    }
  }

  @Test("cacert: a PEM file is loaded, a missing or non-PEM file is a clear error; insecure needs none")
  func caCertificates() async throws {
    let pem = try #require(Bundle.module.url(forResource: "test-ca", withExtension: "pem", subdirectory: "Fixtures"))
    let withCA = try AsyncHTTPClientTransport(cacertPath: pem.path)
    try await withCA.shutdown()
    let insecure = try AsyncHTTPClientTransport(insecure: true, logger: LogCapture().logger)
    try await insecure.shutdown()

    let missing = try #require(throws: CloudConfigError.self) {
      try AsyncHTTPClientTransport(cacertPath: "/nonexistent/ca.pem")
    }
    #expect(missing.message.contains("/nonexistent/ca.pem"))
    let notPEM = try #require(
      Bundle.module.url(forResource: "cluster-create-resp", withExtension: "json", subdirectory: "Fixtures"))
    let invalid = try #require(throws: CloudConfigError.self) {
      try AsyncHTTPClientTransport(cacertPath: notPEM.path)
    }
    #expect(invalid.message.contains("cluster-create-resp.json"))
  }
}

/// A loopback port bound and never listened on, held for the test: a connection to it is refused, and no server another
/// test starts meanwhile can take it (a port freed by stopping a server could be, and then answered 404).
private struct ClosedLoopbackPort {
  let descriptor: Int32
  let port: UInt16

  var baseURL: String { "http://127.0.0.1:\(port)" }

  init() throws {
    let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socketDescriptor >= 0 else { throw POSIXError(.EMFILE) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
        bind(socketDescriptor, raw, length) == 0 && getsockname(socketDescriptor, raw, &length) == 0
      }
    }
    guard bound else {
      close(socketDescriptor)
      throw POSIXError(.EADDRINUSE)
    }
    descriptor = socketDescriptor
    port = UInt16(bigEndian: address.sin_port)
  }

  func release() {
    close(descriptor)
  }
}
