import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL
import Synchronization

// MARK: - AsyncHTTPClientTransport

/// The real network: an ``HTTPTransport`` over AsyncHTTPClient.
///
/// TLS certificates are verified against the system trust store by default; `cacertPath` (a PEM file, the
/// `cacert` of `clouds.yaml`) adds its certificates to the trusted roots; `insecure` turns verification off and
/// logs ``insecureWarning`` at `warning` level. A certificate the client refuses fails at once as
/// ``HTTPTransportError/Kind/certificateRejected``, with a message saying how to trust the server. Redirects are not followed (an OpenStack API never redirects, and following one could hand the token to
/// another host). Connection establishment is not retried inside AsyncHTTPClient, so a refused connection
/// fails at once as ``HTTPTransportError/Kind/notConnected`` and the session's retry policy decides.
///
/// Call ``shutdown()`` when done; a transport released without it starts the shutdown itself.
public final class AsyncHTTPClientTransport: HTTPTransport {
  /// Largest response body read into memory.
  static let maximumBodySize = 64 * 1024 * 1024

  private let client: HTTPClient
  private let isShutDown = Mutex(false)

  /// What is logged when certificate verification is turned off.
  public static let insecureWarning =
    "TLS certificate verification is disabled (insecure): the servers' identity is not checked, so the credentials "
    + "and tokens sent could reach an impostor; use cacert to trust a private CA instead"

  /// - Parameters:
  ///   - cacertPath: a PEM file of CA certificates trusted in addition to the system's.
  ///   - insecure: turns certificate verification off (and logs ``insecureWarning``).
  ///   - logger: where the warning about `insecure` goes; by default swift-log's handler (standard error).
  /// - Throws: ``CloudConfigError`` when `cacertPath` cannot be read or holds no PEM certificate.
  public init(
    cacertPath: String? = nil, insecure: Bool = false, logger: Logger = Logger(label: "cutover.openstack")
  ) throws {
    var tls = TLSConfiguration.makeClientConfiguration()
    if insecure {
      logger.warning("\(Self.insecureWarning)")
      tls.certificateVerification = .none
    } else if let cacertPath {
      tls.additionalTrustRoots = [.certificates(try Self.loadCertificates(atPath: cacertPath))]
    }
    var configuration = HTTPClient.Configuration(
      tlsConfiguration: tls,
      redirectConfiguration: .disallow,
      timeout: .init(connect: .seconds(10))
    )
    configuration.connectionPool.retryConnectionEstablishment = false
    client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
  }

  deinit {
    if !isShutDown.withLock({ $0 }) {
      client.shutdown().whenComplete { _ in }
    }
  }

  /// Closes the connections. Calling it more than once is harmless.
  public func shutdown() async throws {
    let alreadyShutDown = isShutDown.withLock { state in
      defer { state = true }
      return state
    }
    guard !alreadyShutDown else { return }
    try await client.shutdown()
  }

  // MARK: - Sending

  public func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
    var clientRequest = HTTPClientRequest(url: request.url)
    clientRequest.method = HTTPMethod(rawValue: request.method)
    for (name, value) in request.headers {
      clientRequest.headers.add(name: name, value: value)
    }
    if let body = request.body {
      clientRequest.body = .bytes(ByteBuffer(data: body))
    }
    do {
      let response = try await client.execute(clientRequest, timeout: Self.timeAmount(timeout))
      let buffer = try await response.body.collect(upTo: Self.maximumBodySize)
      var headers: [String: String] = [:]
      for (name, value) in response.headers {
        let key = name.lowercased()
        headers[key] = headers[key].map { "\($0), \(value)" } ?? value
      }
      return HTTPResponse(status: Int(response.status.code), headers: headers, body: Data(buffer: buffer))
    } catch {
      if Task.isCancelled { throw CancellationError() }
      throw Self.transportError(for: error, url: request.url, timeout: timeout)
    }
  }

  // MARK: - Helpers

  static func timeAmount(_ duration: Duration) -> TimeAmount {
    let (seconds, attoseconds) = duration.components
    return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
  }

  static func loadCertificates(atPath path: String) throws -> [NIOSSLCertificate] {
    guard let contents = FileManager.default.contents(atPath: path) else {
      throw CloudConfigError("cannot read the CA certificate file \(path) (cacert): no such readable file")
    }
    let certificates: [NIOSSLCertificate]
    do {
      certificates = try NIOSSLCertificate.fromPEMBytes(Array(contents))
    } catch {
      throw CloudConfigError("the CA certificate file \(path) (cacert) is not a PEM certificate: \(error)")
    }
    guard !certificates.isEmpty else {
      throw CloudConfigError("the CA certificate file \(path) (cacert) holds no PEM certificate")
    }
    return certificates
  }

  /// Sorts an AsyncHTTPClient/NIO error into the three kinds the retry policy distinguishes.
  static func transportError(for error: any Error, url: String, timeout: Duration) -> HTTPTransportError {
    let host = URL(string: url).map { "\($0.host ?? "?")\($0.port.map { ":\($0)" } ?? "")" } ?? url
    if let reason = certificateRejection(error) {
      return HTTPTransportError(
        .certificateRejected,
        detail: "TLS certificate verification failed for \(host): \(reason); if the cloud uses a private CA, name "
          + "its PEM file in cacert (clouds.yaml) or OS_CACERT"
      )
    }
    if let clientError = error as? HTTPClientError {
      switch clientError {
      case .deadlineExceeded, .readTimeout, .writeTimeout:
        return HTTPTransportError(.timedOut, detail: "no complete answer from \(host) within \(timeout.readable)")
      case .connectTimeout, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout:
        return HTTPTransportError(.notConnected, detail: "could not connect to \(host): \(clientError)")
      default:
        return HTTPTransportError(.failed, detail: "\(host): \(clientError)")
      }
    }
    if case .connectTimeout = error as? ChannelError {
      return HTTPTransportError(.notConnected, detail: "could not connect to \(host): connect timeout")
    }
    if let ioError = error as? IOError, connectErrnos.contains(ioError.errnoCode) {
      return HTTPTransportError(.notConnected, detail: "could not connect to \(host): \(describe(ioError))")
    }
    // NIOPosix's NIOConnectionError (every address refused, or the name did not resolve) is only reported when
    // no connection was made; it is recognised by name so that this module needs no NIOPosix import.
    if String(describing: type(of: error)) == "NIOConnectionError" {
      let reasons = connectionFailureSummary(error)
      return HTTPTransportError(.notConnected, detail: "could not connect to \(host): \(reasons)")
    }
    return HTTPTransportError(.failed, detail: "\(host): \(error)")
  }

  /// Why the server's certificate was refused, when `error` is such a refusal; nil for any other error.
  static func certificateRejection(_ error: any Error) -> String? {
    if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
      return "the server's certificate does not name this host"
    }
    guard error is NIOSSLError || error is BoringSSLError else { return nil }
    let text = String(describing: error)
    if text.contains("CERTIFICATE_VERIFY_FAILED") {
      return "the server's certificate is not signed by a trusted CA, or has expired (CERTIFICATE_VERIFY_FAILED)"
    }
    return nil
  }

  private static let connectErrnos: Set<CInt> = [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL]

  /// A short text for the connect errors that matter, e.g. "connection refused".
  private static func describe(_ error: IOError) -> String {
    switch error.errnoCode {
    case ECONNREFUSED: "connection refused"
    case ENETUNREACH: "network unreachable"
    case EHOSTUNREACH: "host unreachable"
    case EADDRNOTAVAIL: "address not available"
    case ETIMEDOUT: "connection timed out"
    default: "\(error)"
    }
  }

  /// The individual connection errors inside an NIOConnectionError, e.g. "connection refused".
  private static func connectionFailureSummary(_ error: any Error) -> String {
    var reasons: [String] = []
    for child in Mirror(reflecting: error).children {
      if child.label == "connectionErrors", let failures = child.value as? [Any] {
        for failure in failures {
          for field in Mirror(reflecting: failure).children where field.label == "error" {
            reasons.append((field.value as? IOError).map(describe) ?? "\(field.value)")
          }
        }
      } else if child.label?.hasPrefix("dns") == true, let dnsError = child.value as? any Error {
        reasons.append("name resolution: \(dnsError)")
      }
    }
    return reasons.isEmpty ? "\(error)" : reasons.joined(separator: "; ")
  }
}
