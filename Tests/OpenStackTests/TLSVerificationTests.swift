import Foundation
import Logging
import NIOSSL
import Testing

@testable import OpenStack

// MARK: - TLS verification over loopback HTTPS

/// A loopback HTTPS server whose certificate a test CA signed: untrusted by default, trusted through `cacert`, and
/// accepted without checks (and with a warning) when `insecure`.
@Suite("TLS certificate verification")
struct TLSVerificationTests {
  /// Starts an HTTPS server presenting a certificate signed by `authority`; it counts the requests it receives and
  /// answers Keystone's token request like Keystone, anything else with `{"ok": true}`.
  private func startServer(
    _ authority: TestCertificateAuthority, received: Counter = Counter()
  ) async throws -> LoopbackHTTPServer {
    try await LoopbackHTTPServer.start(tls: authority.serverTLS) { request in
      _ = received.next()
      if request.uri.hasSuffix("/auth/tokens") {
        return LoopbackHTTPServer.Reply(
          status: 201, headers: [("X-Subject-Token", "tls-token"), ("Content-Type", "application/json")],
          body: String(decoding: FakeCloud.tokenBody(), as: UTF8.self))
      }
      return LoopbackHTTPServer.Reply(
        status: 200, headers: [("Content-Type", "application/json")], body: #"{"ok": true}"#)
    }
  }

  /// Sends one GET through `transport`, shutting it down whatever happens.
  private func get(
    _ url: String, through transport: AsyncHTTPClientTransport
  ) async throws -> HTTPResponse {
    do {
      let response = try await transport.send(HTTPRequest(method: "GET", url: url), timeout: .seconds(10))
      try await transport.shutdown()
      return response
    } catch {
      try await transport.shutdown()
      throw error
    }
  }

  @Test("by default a server whose CA is not trusted is refused, and the error says how to trust it")
  func untrustedByDefault() async throws {
    let authority = try TestCertificateAuthority()
    let received = Counter()
    let server = try await startServer(authority, received: received)
    defer { Task { try? await server.stop() } }

    let error = try await #require(throws: HTTPTransportError.self) {
      try await get(server.baseURL + "/v3", through: try AsyncHTTPClientTransport())
    }
    #expect(error.kind == .certificateRejected, "\(error.detail)")
    #expect(error.detail.hasPrefix("TLS certificate verification failed for 127.0.0.1:\(server.port): "))
    #expect(error.detail.contains("not signed by a trusted CA"), "\(error.detail)")
    #expect(error.detail.contains("cacert"))
    #expect(received.current == 0)
  }

  @Test("cacert naming another CA does not make the server trusted")
  func otherCAStillRefused() async throws {
    let server = try await startServer(try TestCertificateAuthority())
    defer { Task { try? await server.stop() } }
    let unrelatedCA = try #require(
      Bundle.module.url(forResource: "test-ca", withExtension: "pem", subdirectory: "Fixtures"))

    let error = try await #require(throws: HTTPTransportError.self) {
      try await get(server.baseURL + "/v3", through: try AsyncHTTPClientTransport(cacertPath: unrelatedCA.path))
    }
    #expect(error.kind == .certificateRejected, "\(error.detail)")
  }

  @Test("cacert naming the server's CA makes it trusted")
  func trustedThroughCACert() async throws {
    let authority = try TestCertificateAuthority()
    let server = try await startServer(authority)
    defer { Task { try? await server.stop() } }
    let tree = try TemporaryTree.make()
    defer { tree.remove() }
    let caPath = try authority.writeCertificate(to: tree.root + "/work/cloud-ca.pem")

    let response = try await get(server.baseURL + "/v3", through: try AsyncHTTPClientTransport(cacertPath: caPath))
    #expect(response.status == 200)
    #expect(String(decoding: response.body, as: UTF8.self) == #"{"ok": true}"#)
  }

  @Test("insecure accepts the server and logs a warning saying verification is off")
  func insecureWarns() async throws {
    let server = try await startServer(try TestCertificateAuthority())
    defer { Task { try? await server.stop() } }
    let capture = LogCapture()

    let transport = try AsyncHTTPClientTransport(insecure: true, logger: capture.logger)
    #expect(capture.captured.count == 1)
    #expect(capture.captured.first?.hasPrefix("warning TLS certificate verification is disabled") == true)
    let response = try await get(server.baseURL + "/v3", through: transport)
    #expect(response.status == 200)

    let verifying = try AsyncHTTPClientTransport(logger: capture.logger)
    try await verifying.shutdown()
    #expect(capture.captured.count == 1)
  }

  @Test("a session reports a refused certificate at once, as a certificate error that is not retried")
  func sessionDoesNotRetry() async throws {
    let server = try await startServer(try TestCertificateAuthority())
    defer { Task { try? await server.stop() } }
    let transport = try AsyncHTTPClientTransport()
    let config = CloudConfig(authURL: server.baseURL + "/v3", auth: FakeCloud.applicationCredentialConfig.auth)
    let sleeper = SleepRecorder()
    let session = OpenStackSession(
      config: config, transport: transport, retry: RetryPolicy(maxAttempts: 4), sleep: sleeper.sleep)

    let error = try await #require(throws: OpenStackError.self) { try await session.projectID }
    try await transport.shutdown()
    #expect(error.kind == .certificate)
    #expect(!error.isRetryable)
    #expect(error.attempts == 1)
    #expect(sleeper.durations.isEmpty)
    #expect(
      error.description.hasPrefix("keystone: POST /auth/tokens failed: TLS certificate verification failed for "),
      "\(error)")
  }

  @Test("end to end: clouds.yaml's cacert (a relative path) lets the session authenticate over HTTPS")
  func cloudsYAMLCACert() async throws {
    let authority = try TestCertificateAuthority()
    let server = try await startServer(authority)
    defer { Task { try? await server.stop() } }
    let tree = try TemporaryTree.make()
    defer { tree.remove() }
    try authority.writeCertificate(to: tree.currentDirectory + "/cloud-ca.pem")
    try tree.write(
      tree.currentDirectory + "/clouds.yaml",
      CloudConfigLoaderTests.cloudsFile(
        cloud: "paws", authURL: server.baseURL + "/v3", extra: "    cacert: cloud-ca.pem"))

    let config = try CloudConfigLoader.load(
      cloud: "paws", environment: [:], currentDirectory: tree.currentDirectory, homeDirectory: tree.homeDirectory,
      systemDirectory: tree.systemDirectory)
    #expect(config.cacertPath == tree.currentDirectory + "/cloud-ca.pem")
    #expect(config.warnings.isEmpty)

    let transport = try AsyncHTTPClientTransport(cacertPath: config.cacertPath, insecure: config.insecure)
    let session = OpenStackSession(config: config, transport: transport)
    let projectID = try await session.projectID
    try await transport.shutdown()
    #expect(projectID == "paws")
  }

  @Test("end to end: clouds.yaml's insecure: true connects, and the configuration carries a warning naming the cloud")
  func cloudsYAMLInsecure() async throws {
    let server = try await startServer(try TestCertificateAuthority())
    defer { Task { try? await server.stop() } }
    let tree = try TemporaryTree.make()
    defer { tree.remove() }
    try tree.write(
      tree.currentDirectory + "/clouds.yaml",
      CloudConfigLoaderTests.cloudsFile(cloud: "paws", authURL: server.baseURL + "/v3", extra: "    insecure: true"))

    let config = try CloudConfigLoader.load(
      cloud: "paws", environment: [:], currentDirectory: tree.currentDirectory, homeDirectory: tree.homeDirectory,
      systemDirectory: tree.systemDirectory)
    #expect(config.insecure)
    #expect(config.warnings.count == 1)
    #expect(config.warnings.first?.hasPrefix(#"TLS certificate verification is disabled for cloud "paws""#) == true)

    let capture = LogCapture()
    let transport = try AsyncHTTPClientTransport(
      cacertPath: config.cacertPath, insecure: config.insecure, logger: capture.logger)
    let session = OpenStackSession(config: config, transport: transport)
    let projectID = try await session.projectID
    try await transport.shutdown()
    #expect(projectID == "paws")
    #expect(capture.captured.contains { $0.hasPrefix("warning TLS certificate verification is disabled") })
  }
}
