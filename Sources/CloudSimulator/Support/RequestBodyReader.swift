import Foundation
import Hummingbird

/// Reads a request body as JSON.
enum RequestBodyReader {
  /// Bodies larger than this are refused (413).
  static let maximumSize = 1 << 20

  /// The body parsed as JSON, or nil when it is empty or not JSON.
  static func json(_ request: Request) async throws -> JSONValue? {
    var body = try await request.body.collect(upTo: maximumSize)
    guard let bytes = body.readBytes(length: body.readableBytes), !bytes.isEmpty else { return nil }
    return JSONValue.parse(Data(bytes))
  }
}
