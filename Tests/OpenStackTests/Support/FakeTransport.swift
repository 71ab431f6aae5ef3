import Foundation
import Synchronization

@testable import OpenStack

// MARK: - FakeTransport

/// An ``HTTPTransport`` that records every request and answers through a closure: no network.
final class FakeTransport: HTTPTransport {
  typealias Handler = @Sendable (HTTPRequest) async throws -> HTTPResponse

  private let recorded = Mutex<[HTTPRequest]>([])
  private let handler: Handler

  init(_ handler: @escaping Handler) {
    self.handler = handler
  }

  func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
    recorded.withLock { $0.append(request) }
    return try await handler(request)
  }

  /// Every request sent so far, in order.
  var requests: [HTTPRequest] { recorded.withLock { $0 } }

  /// Requests for Keystone tokens.
  var tokenRequests: [HTTPRequest] { requests.filter { $0.url.hasSuffix("/auth/tokens") } }

  /// Requests to anything but Keystone's token endpoint.
  var serviceRequests: [HTTPRequest] { requests.filter { !$0.url.hasSuffix("/auth/tokens") } }
}

// MARK: - Counter

/// A thread-safe counter for scripted answers ("fail twice, then succeed").
final class Counter: Sendable {
  private let value = Mutex(0)

  /// Increments and returns the new value (1 on the first call).
  func next() -> Int {
    value.withLock { count in
      count += 1
      return count
    }
  }

  var current: Int { value.withLock { $0 } }
}

// MARK: - SleepRecorder

/// A `sleep` for ``OpenStackSession`` that returns at once and remembers what it was asked to wait.
final class SleepRecorder: Sendable {
  private let recorded = Mutex<[Duration]>([])

  var sleep: @Sendable (Duration) async throws -> Void {
    { [self] duration in recorded.withLock { $0.append(duration) } }
  }

  var durations: [Duration] { recorded.withLock { $0 } }
}

// MARK: - HTTPResponse helpers

extension HTTPResponse {
  static func json(_ status: Int, _ text: String, headers: [String: String] = [:]) -> HTTPResponse {
    var allHeaders = headers
    allHeaders["Content-Type"] = "application/json"
    return HTTPResponse(status: status, headers: allHeaders, body: Data(text.utf8))
  }

  static func text(_ status: Int, _ text: String, headers: [String: String] = [:]) -> HTTPResponse {
    var allHeaders = headers
    allHeaders["Content-Type"] = "text/html; charset=utf-8"
    return HTTPResponse(status: status, headers: allHeaders, body: Data(text.utf8))
  }
}

// MARK: - HTTPRequest helpers

extension HTTPRequest {
  /// The body parsed as a JSON object.
  var jsonObject: [String: Any]? {
    body.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
  }

  /// The body as UTF-8 text.
  var bodyText: String {
    body.map { String(decoding: $0, as: UTF8.self) } ?? ""
  }

  /// The URL's path, e.g. `/v1/clusters`.
  var path: String { URLComponents(string: url)?.path ?? url }
}
