import Foundation

// MARK: - Response decoding

extension HTTPResponse {
  /// The body decoded as `type`; an ``OpenStackError`` of kind `invalidResponse` naming the call when it is not.
  func decoded<Value: Decodable>(
    _ type: Value.Type, service: String, method: String, path: String
  ) throws -> Value {
    do {
      return try JSONDecoder().decode(type, from: body)
    } catch {
      throw OpenStackError(
        service: service, method: method, path: path, status: status,
        message: DecodingErrorSummary.describe(error), requestID: requestID, kind: .invalidResponse
      )
    }
  }
}

// MARK: - Path components

/// Percent-encoding of one path segment (an id, a name, a domain).
enum PathSegment {
  private static let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~:@"))

  static func encode(_ segment: String) -> String {
    segment.addingPercentEncoding(withAllowedCharacters: allowed) ?? segment
  }
}

// MARK: - JSON bodies

enum JSONBody {
  /// Encodes a request body with sorted keys (stable, readable in logs and tests).
  static func encode(_ value: some Encodable) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(value)
  }
}
