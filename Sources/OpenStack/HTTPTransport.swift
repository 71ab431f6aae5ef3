// MARK: - HTTPTransport

/// Sends one HTTP request and returns the complete response, whatever its status.
///
/// Implementations throw ``HTTPTransportError`` when no response arrived (`.notConnected` when the request surely
/// never reached the server, `.timedOut` when `timeout` elapsed, `.failed` otherwise); any other error is treated
/// like `.failed`. ``OpenStackSession`` builds retries, authentication and error reporting on top of this.
public protocol HTTPTransport: Sendable {
  func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse
}
