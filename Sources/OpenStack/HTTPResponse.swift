import Foundation

// MARK: - HTTPResponse

/// One HTTP response as returned by an ``HTTPTransport``; header names are lower-cased.
public struct HTTPResponse: Sendable, Equatable {
  public var status: Int
  /// Header values by lower-cased name; repeated headers are joined with ", ".
  public var headers: [String: String]
  public var body: Data

  public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
    self.status = status
    var lowerCased: [String: String] = [:]
    for (name, value) in headers {
      let key = name.lowercased()
      lowerCased[key] = lowerCased[key].map { "\($0), \(value)" } ?? value
    }
    self.headers = lowerCased
    self.body = body
  }

  /// The value of the header with this name (case-insensitive), if any.
  public func header(_ name: String) -> String? {
    headers[name.lowercased()]
  }

  /// Whether the status is in the 2xx range.
  public var isSuccess: Bool { (200..<300).contains(status) }

  /// The OpenStack request id of this response, when the service sent one.
  public var requestID: String? {
    header("x-openstack-request-id") ?? header("x-compute-request-id") ?? header("x-request-id")
  }
}

// MARK: - Descriptions without secrets

extension HTTPResponse: CustomStringConvertible, CustomDebugStringConvertible {
  /// Status, headers with credential values masked (a token response carries the token in `X-Subject-Token`),
  /// and the body size.
  public var description: String {
    let headerText = headers.sorted { $0.key < $1.key }.map { name, value in
      "\(name): \(SecretHeaders.isSecret(name) ? "<redacted>" : value)"
    }.joined(separator: ", ")
    return "\(status) [\(headerText)] body: \(body.count) bytes"
  }

  public var debugDescription: String { description }
}
