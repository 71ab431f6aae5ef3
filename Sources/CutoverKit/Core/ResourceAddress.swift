/// The address of one resource: its type and its name, written `type.name`
/// (`cluster.128a`, `web_proxy.hub-paws.wmcloud.org`, `helm_release.128a.paws`).
public struct ResourceAddress: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
  /// The resource type, such as `cluster`.
  public var type: String
  /// The name within the type; may itself contain dots.
  public var name: String

  public init(type: String, name: String) {
    self.type = type
    self.name = name
  }

  /// Parses `type.name`; nil when there is no dot or either part is empty.
  public init?(parsing text: String) {
    // By UTF-8 code unit: a plan reads every recorded address, and a dot is never part of a larger character.
    guard let dot = text.utf8.firstIndex(of: UInt8(ascii: ".")) else { return nil }
    let type = String(text[..<dot])
    let name = String(text[text.utf8.index(after: dot)...])
    guard !type.isEmpty, !name.isEmpty else { return nil }
    self.init(type: type, name: name)
  }

  public var description: String { "\(type).\(name)" }

  /// The name up to its first dot (`0005m` of `helm_release.0005m.prometheus`), or nil when it has none.
  var nameBeforeFirstDot: String? {
    name.utf8.firstIndex(of: UInt8(ascii: ".")).map { String(name[..<$0]) }
  }

  public static func < (lhs: ResourceAddress, rhs: ResourceAddress) -> Bool {
    (lhs.type, lhs.name) < (rhs.type, rhs.name)
  }

  public init(from decoder: Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let address = ResourceAddress(parsing: text) else {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad address \(text)"))
    }
    self = address
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}
