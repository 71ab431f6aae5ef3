import Foundation

// MARK: - Envelope

/// `{"<key>": value}`: the one-key envelope Neutron and Nova wrap bodies in.
struct Envelope<Value: Decodable>: Decodable {
  var value: Value

  struct Key: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  static var keyInfo: CodingUserInfoKey { CodingUserInfoKey(rawValue: "envelope-key")! }

  init(from decoder: any Decoder) throws {
    let key = decoder.userInfo[Self.keyInfo] as? String ?? ""
    let container = try decoder.container(keyedBy: Key.self)
    value = try container.decode(Value.self, forKey: Key(stringValue: key))
  }
}

extension HTTPResponse {
  /// The value inside the body's `{"<key>": …}` envelope.
  func decoded<Value: Decodable>(
    _ type: Envelope<Value>.Type, key: String, method: String, path: String, service: String = "neutron"
  ) throws -> Value {
    let decoder = JSONDecoder()
    decoder.userInfo[Envelope<Value>.keyInfo] = key
    do {
      return try decoder.decode(type, from: body).value
    } catch {
      throw OpenStackError(
        service: service, method: method, path: path, status: status,
        message: DecodingErrorSummary.describe(error), requestID: requestID, kind: .invalidResponse
      )
    }
  }
}
