import Foundation

// MARK: - HTTPRequest

/// One HTTP request as handed to an ``HTTPTransport``: the seam that lets tests replace the network.
public struct HTTPRequest: Sendable {
  public var method: String
  public var url: String
  public var headers: [(String, String)]
  public var body: Data?

  public init(method: String, url: String, headers: [(String, String)] = [], body: Data? = nil) {
    self.method = method
    self.url = url
    self.headers = headers
    self.body = body
  }

  /// The value of the first header with this name (case-insensitive), if any.
  public func header(_ name: String) -> String? {
    headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
  }
}

// MARK: - Descriptions without secrets

extension HTTPRequest: CustomStringConvertible, CustomDebugStringConvertible {
  /// Method, URL, header names with credential values masked, and the body size (never its content: it may
  /// hold a password or an application credential secret).
  public var description: String {
    let headerText = headers.map { name, value in
      "\(name): \(SecretHeaders.isSecret(name) ? "<redacted>" : value)"
    }.joined(separator: ", ")
    return "\(method) \(url) [\(headerText)] body: \(body.map { "\($0.count) bytes" } ?? "none")"
  }

  public var debugDescription: String { description }
}

// MARK: - SecretHeaders

/// Names of headers whose values are credentials and must never be printed.
enum SecretHeaders {
  static let names: Set<String> = ["x-auth-token", "x-subject-token", "authorization", "proxy-authorization"]

  static func isSecret(_ name: String) -> Bool { names.contains(name.lowercased()) }
}
