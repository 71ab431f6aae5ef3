import Foundation

/// A JSON-shaped attribute value: what desired state, recorded state and plans hold for each attribute.
public enum Value: Sendable, Hashable {
  case null
  case bool(Bool)
  case int(Int)
  /// A number that is not an `Int`: it has a fraction, or more digits than 64 bits hold. Always finite (JSON has no
  /// infinity or NaN); build it with ``number(_:)``, which keeps a whole number that fits an `int`.
  case double(Double)
  case string(String)
  case list([Value])
  case map([String: Value])

  /// The string inside, if this is a string.
  public var stringValue: String? {
    if case .string(let string) = self { return string }
    return nil
  }

  /// The integer inside, if this is an integer.
  public var intValue: Int? {
    if case .int(let int) = self { return int }
    return nil
  }

  /// A number as Cutover holds it: `.int` when it is whole and fits 64 bits, `.double` otherwise; nil when it is not
  /// finite. `2.0` and `2` are then one value, as they are to Helm, which reads every JSON number as a 64-bit float,
  /// and a value read back from JSON (where they are written alike) equals the one written.
  public static func number(_ double: Double) -> Value? {
    guard double.isFinite else { return nil }
    if double == double.rounded(), let int = Int(exactly: double) { return .int(int) }
    return .double(double)
  }

  /// The boolean inside, if this is a boolean.
  public var boolValue: Bool? {
    if case .bool(let bool) = self { return bool }
    return nil
  }

  /// The elements, if this is a list.
  public var listValue: [Value]? {
    if case .list(let list) = self { return list }
    return nil
  }

  /// The entries, if this is a map.
  public var mapValue: [String: Value]? {
    if case .map(let map) = self { return map }
    return nil
  }

  /// A list of strings, if this is a list holding only strings.
  public var stringList: [String]? {
    listValue?.compactMap(\.stringValue)
  }

  /// A map of strings, if this is a map holding only strings.
  public var stringMap: [String: String]? {
    mapValue?.compactMapValues(\.stringValue)
  }
}

// MARK: - Literals

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
  ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
  public init(stringLiteral value: String) { self = .string(value) }
  public init(integerLiteral value: Int) { self = .int(value) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(arrayLiteral elements: Value...) { self = .list(elements) }
  public init(dictionaryLiteral elements: (String, Value)...) {
    self = .map(Dictionary(elements, uniquingKeysWith: { _, last in last }))
  }
  public init(nilLiteral: ()) { self = .null }
}

// MARK: - Codable as plain JSON

extension Value: Codable {
  public init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let bool = try? container.decode(Bool.self) {
      self = .bool(bool)
    } else if let int = try? container.decode(Int.self) {
      self = .int(int)
    } else if let string = try? container.decode(String.self) {
      self = .string(string)
    } else if let list = try? container.decode([Value].self) {
      self = .list(list)
    } else if let map = try? container.decode([String: Value].self) {
      self = .map(map)
    } else if let double = try? container.decode(Double.self), let number = Value.number(double) {
      self = number
    } else {
      throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value")
    }
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let bool): try container.encode(bool)
    case .int(let int): try container.encode(int)
    case .double(let double): try container.encode(double)
    case .string(let string): try container.encode(string)
    case .list(let list): try container.encode(list)
    case .map(let map): try container.encode(map)
    }
  }
}

// MARK: - Rendering

extension Value: CustomStringConvertible {
  /// A compact, deterministic rendering used in plans: strings quoted, maps with sorted keys.
  public var description: String {
    switch self {
    case .null: return "null"
    case .bool(let bool): return bool ? "true" : "false"
    case .int(let int): return String(int)
    case .double(let double): return Value.numberText(double)
    case .string(let string): return Value.quoted(string)
    case .list(let list): return "[" + list.map(\.description).joined(separator: ", ") + "]"
    case .map(let map):
      let entries = map.keys.sorted().map { "\($0) = \(map[$0]!.description)" }
      return "{" + entries.joined(separator: ", ") + "}"
    }
  }

  /// A double as JSON writes it: the shortest text that reads back as the same double (`0.5`, `1e-07`,
  /// `1.2345678901234568e+23`). Swift's own `description` is that, and is valid JSON for every finite value.
  static func numberText(_ double: Double) -> String {
    double.isFinite ? double.description : "null"
  }

  static func quoted(_ string: String) -> String {
    var escaped = "\""
    for character in string {
      switch character {
      case "\"": escaped += "\\\""
      case "\\": escaped += "\\\\"
      case "\n": escaped += "\\n"
      case "\t": escaped += "\\t"
      default: escaped.append(character)
      }
    }
    return escaped + "\""
  }
}

/// Attribute values of one resource, keyed by attribute name.
public typealias Attributes = [String: Value]
