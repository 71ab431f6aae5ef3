import Foundation
import NIOHTTP1

@testable import CloudSimulator

/// A response as it came off the wire.
struct WireResponse: Sendable {
  var status: Int
  var headers: HTTPHeaders
  var body: Data

  var text: String { String(decoding: body, as: UTF8.self) }

  /// The body as JSON (`.null` when it is not JSON).
  var json: JSONValue { JSONValue.parse(body) ?? .null }

  func header(_ name: String) -> String? {
    headers.first(name: name)
  }
}
