// MARK: - HTTPTransportError

/// Why an ``HTTPTransport`` could not return a response.
public struct HTTPTransportError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What kind of failure happened; it decides whether a non-idempotent request may be repeated.
  public enum Kind: Sendable, Equatable {
    /// No connection could be made (refused, unreachable, name not resolved, connect timeout): the request was
    /// never sent, so repeating it is always safe.
    case notConnected
    /// No complete response within the allowed time; the server may have processed the request.
    case timedOut
    /// Any other failure (connection reset, TLS error, malformed response); the server may have processed it.
    case failed
    /// The server's TLS certificate was refused (not signed by a trusted CA, wrong host name, expired). The request
    /// was never sent, and repeating it cannot help: the trust settings (`cacert`) must change.
    case certificateRejected
  }

  public var kind: Kind
  /// What went wrong, in words, e.g. "connection refused (127.0.0.1:5000)".
  public var detail: String

  public init(_ kind: Kind, detail: String) {
    self.kind = kind
    self.detail = detail
  }

  public var description: String { detail }
}
