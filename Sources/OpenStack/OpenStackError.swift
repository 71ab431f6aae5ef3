import Foundation
import NIOHTTP1

// MARK: - OpenStackError

/// A failed OpenStack call, described in one readable line such as
/// `magnum: POST /clusters answered 400 Bad Request: Invalid input (request req-1a2b)`.
///
/// The message is the service's own error text, parsed from its error shape. Nothing secret (password,
/// application credential secret, token) is ever part of it.
public struct OpenStackError: Error, LocalizedError, Sendable, Equatable, CustomStringConvertible {
  /// What kind of failure this is.
  public enum Kind: Sendable, Equatable {
    /// The service answered with a non-2xx status, or with a 2xx whose body is an error.
    case http
    /// No response: connection failure, reset, TLS error.
    case transport
    /// The server's TLS certificate was refused (untrusted issuer, wrong host name, expired); not retried, since
    /// only a change of `cacert` (or of the server's certificate) can help.
    case certificate
    /// No complete response within the request timeout.
    case timeout
    /// A 2xx response whose body could not be read as expected.
    case invalidResponse
    /// The call could not be made: no endpoint in the catalog, no token, bad configuration.
    case configuration
  }

  /// Short service name: `keystone`, `magnum`, `neutron`, `nova`, `web-proxy`.
  public var service: String
  public var method: String
  /// The path as the caller gave it, relative to the service endpoint (e.g. `/clusters`).
  public var path: String
  /// The HTTP status; nil for transport errors and timeouts.
  public var status: Int?
  public var message: String
  /// The service's `x-openstack-request-id` (or the request id in its error body), when present.
  public var requestID: String?
  public var kind: Kind
  /// How many attempts were made before giving up.
  public var attempts: Int
  /// Response headers of the failed call (lower-cased, credentials removed), for callers that negotiate.
  var responseHeaders: [String: String]

  public init(
    service: String, method: String, path: String, status: Int?, message: String, requestID: String? = nil,
    kind: Kind? = nil, attempts: Int = 1
  ) {
    self.service = service
    self.method = method
    self.path = path
    self.status = status
    self.message = message
    self.requestID = requestID
    self.kind = kind ?? (status == nil ? .transport : .http)
    self.attempts = attempts
    self.responseHeaders = [:]
  }

  public var isNotFound: Bool { status == 404 }

  /// Whether repeating the call may help: 5xx, 429, transport errors and timeouts.
  public var isRetryable: Bool {
    switch kind {
    case .transport, .timeout: true
    case .http: status.map { $0 == 429 || $0 >= 500 } ?? false
    case .invalidResponse, .configuration, .certificate: false
    }
  }

  // MARK: - Description

  public var errorDescription: String? { description }

  public var description: String {
    let call = "\(service): \(method) \(path)"
    var line: String
    switch kind {
    case .http:
      let status = status ?? 0
      let reason = Self.reasonPhrase(status)
      if (200..<300).contains(status) {
        line = "\(call) answered \(status) \(reason) with an error: \(message)"
      } else {
        line = "\(call) answered \(status) \(reason)\(message.isEmpty ? "" : ": \(message)")"
      }
    case .transport, .certificate:
      line = "\(call) failed: \(message)"
    case .timeout:
      line = "\(call) timed out: \(message)"
    case .invalidResponse:
      line = "\(call) answered \(status.map { "\($0) " } ?? "")with an unreadable body: \(message)"
    case .configuration:
      line = "\(call): \(message)"
    }
    var notes: [String] = []
    if let requestID { notes.append("request \(requestID)") }
    if attempts > 1 { notes.append("gave up after \(attempts) attempts") }
    if !notes.isEmpty { line += " (\(notes.joined(separator: "; ")))" }
    return line
  }

  static func reasonPhrase(_ status: Int) -> String {
    HTTPResponseStatus(statusCode: status).reasonPhrase
  }

  // MARK: - Redaction

  /// This error with every occurrence of the given secrets masked in its text fields.
  func redacting(_ secrets: [String]) -> OpenStackError {
    var copy = self
    copy.message = Self.redact(message, secrets)
    copy.path = Self.redact(path, secrets)
    copy.requestID = requestID.map { Self.redact($0, secrets) }
    copy.responseHeaders = responseHeaders.filter { !SecretHeaders.isSecret($0.key) }
    return copy
  }

  /// The text with each secret masked, also where a server echoed it JSON-escaped (see ``SecretMasking``).
  static func redact(_ text: String, _ secrets: [String]) -> String {
    SecretMasking.mask(text, secrets: secrets, with: "<redacted>")
  }
}
