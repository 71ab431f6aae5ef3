// MARK: - LenientLabels

/// Decodes Magnum `labels`: string values as they are, and numbers or booleans (which some Magnum versions send)
/// as their text, so `{"auto_scaling_enabled": true}` reads as `"true"`.
struct LenientLabels: Decodable {
  var values: [String: String]

  init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: AnyKey.self)
    var values: [String: String] = [:]
    for key in container.allKeys {
      if try container.decodeNil(forKey: key) { continue }
      if let text = try? container.decode(String.self, forKey: key) {
        values[key.stringValue] = text
      } else if let flag = try? container.decode(Bool.self, forKey: key) {
        values[key.stringValue] = flag ? "true" : "false"
      } else if let integer = try? container.decode(Int.self, forKey: key) {
        values[key.stringValue] = String(integer)
      } else if let number = try? container.decode(Double.self, forKey: key) {
        values[key.stringValue] = String(number)
      } else {
        throw DecodingError.typeMismatch(
          String.self,
          .init(codingPath: container.codingPath + [key], debugDescription: "a label must be a string")
        )
      }
    }
    self.values = values
  }

  /// Any string key.
  struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }
}

// MARK: - KeyedDecodingContainer

extension KeyedDecodingContainer {
  /// Labels at `key`, leniently; nil when missing or null.
  func decodeLabelsIfPresent(forKey key: Key) throws -> [String: String]? {
    try decodeIfPresent(LenientLabels.self, forKey: key)?.values
  }
}
