import Foundation

extension Value {
  /// Parses JSON text into a `Value`. Used to read attributes back from state, where `JSONDecoder`'s trial decoding
  /// of an untyped value took most of a plan's time over thousands of resources. Numbers read as ``number(_:)``
  /// makes them (`2e3` is the integer 2000, `0.5` a double); duplicate keys keep the last value.
  /// - Throws: `JSONParseError` with the byte offset of the problem.
  public init(json: some Collection<UInt8>) throws {
    let bytes = Array(json)
    var parser = JSONParser(bytes: bytes)
    parser.skipWhitespace()
    self = try parser.parseValue(depth: 0)
    parser.skipWhitespace()
    guard parser.index == bytes.count else {
      throw JSONParseError(offset: parser.index, problem: "trailing characters")
    }
  }

  /// Serializes to compact JSON with sorted keys, the form state stores.
  public var jsonText: String {
    var out = ""
    writeJSON(to: &out)
    return out
  }

  private func writeJSON(to out: inout String) {
    switch self {
    case .null: out += "null"
    case .bool(let bool): out += bool ? "true" : "false"
    case .int(let int): out += String(int)
    case .double(let double): out += Self.numberText(double)
    case .string(let string): Self.writeJSONString(string, to: &out)
    case .list(let list):
      out += "["
      for (index, element) in list.enumerated() {
        if index > 0 { out += "," }
        element.writeJSON(to: &out)
      }
      out += "]"
    case .map(let map):
      out += "{"
      for (index, key) in map.keys.sorted().enumerated() {
        if index > 0 { out += "," }
        Self.writeJSONString(key, to: &out)
        out += ":"
        map[key]!.writeJSON(to: &out)
      }
      out += "}"
    }
  }

  private static func writeJSONString(_ string: String, to out: inout String) {
    out += "\""
    for scalar in string.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
      default: out.unicodeScalars.append(scalar)
      }
    }
    out += "\""
  }
}

/// JSON that could not be parsed, and where.
public struct JSONParseError: Error, CustomStringConvertible {
  public var offset: Int
  public var problem: String

  public var description: String { "invalid JSON at byte \(offset): \(problem)" }
}

/// A recursive-descent JSON parser over UTF-8 bytes.
private struct JSONParser {
  let bytes: [UInt8]
  var index = 0

  init(bytes: [UInt8]) {
    self.bytes = bytes
  }

  mutating func skipWhitespace() {
    while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
  }

  mutating func parseValue(depth: Int) throws -> Value {
    guard depth < 512 else { throw error("nested too deeply") }
    guard index < bytes.count else { throw error("unexpected end") }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try parseObject(depth: depth)
    case UInt8(ascii: "["): return try parseArray(depth: depth)
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"): return try literal("true", .bool(true))
    case UInt8(ascii: "f"): return try literal("false", .bool(false))
    case UInt8(ascii: "n"): return try literal("null", .null)
    default: return try parseNumber()
    }
  }

  private mutating func parseObject(depth: Int) throws -> Value {
    index += 1
    var map: [String: Value] = [:]
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
      index += 1
      return .map(map)
    }
    while true {
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a key") }
      let key = try parseString()
      skipWhitespace()
      try expect(":")
      skipWhitespace()
      map[key] = try parseValue(depth: depth + 1)
      skipWhitespace()
      guard index < bytes.count else { throw error("unexpected end") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        continue
      }
      try expect("}")
      return .map(map)
    }
  }

  private mutating func parseArray(depth: Int) throws -> Value {
    index += 1
    var list: [Value] = []
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
      index += 1
      return .list(list)
    }
    while true {
      skipWhitespace()
      list.append(try parseValue(depth: depth + 1))
      skipWhitespace()
      guard index < bytes.count else { throw error("unexpected end") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        continue
      }
      try expect("]")
      return .list(list)
    }
  }

  private mutating func parseString() throws -> String {
    index += 1
    let start = index
    // Fast path: no escapes.
    while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") { index += 1 }
    guard index < bytes.count else { throw error("unterminated string") }
    if bytes[index] == UInt8(ascii: "\"") {
      defer { index += 1 }
      return String(decoding: bytes[start..<index], as: UTF8.self)
    }
    var scalars = String.UnicodeScalarView()
    scalars.append(contentsOf: String(decoding: bytes[start..<index], as: UTF8.self).unicodeScalars)
    var pending: [UInt8] = []
    func flush() {
      scalars.append(contentsOf: String(decoding: pending, as: UTF8.self).unicodeScalars)
      pending.removeAll(keepingCapacity: true)
    }
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        index += 1
        flush()
        return String(scalars)
      }
      guard byte == UInt8(ascii: "\\") else {
        pending.append(byte)
        index += 1
        continue
      }
      flush()
      index += 1
      guard index < bytes.count else { throw error("unterminated escape") }
      let escape = bytes[index]
      index += 1
      switch escape {
      case UInt8(ascii: "\""): scalars.append("\"")
      case UInt8(ascii: "\\"): scalars.append("\\")
      case UInt8(ascii: "/"): scalars.append("/")
      case UInt8(ascii: "b"): scalars.append("\u{08}")
      case UInt8(ascii: "f"): scalars.append("\u{0C}")
      case UInt8(ascii: "n"): scalars.append("\n")
      case UInt8(ascii: "r"): scalars.append("\r")
      case UInt8(ascii: "t"): scalars.append("\t")
      case UInt8(ascii: "u"):
        var code = try hex4()
        if (0xD800..<0xDC00).contains(code), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
          bytes[index + 1] == UInt8(ascii: "u")
        {
          index += 2
          let low = try hex4()
          guard (0xDC00..<0xE000).contains(low) else { throw error("bad surrogate pair") }
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        }
        scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
      default:
        throw error("bad escape")
      }
    }
    throw error("unterminated string")
  }

  private mutating func hex4() throws -> UInt32 {
    guard index + 4 <= bytes.count,
      let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
    else { throw error("bad \\u escape") }
    index += 4
    return code
  }

  private mutating func parseNumber() throws -> Value {
    let start = index
    while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
    let text = String(decoding: bytes[start..<index], as: UTF8.self)
    if let int = Int(text) { return .int(int) }
    guard !text.isEmpty, let double = Double(text) else { throw error("unexpected character") }
    guard let number = Value.number(double) else { throw error("number out of range") }
    return number
  }

  private mutating func literal(_ word: String, _ value: Value) throws -> Value {
    let utf8 = Array(word.utf8)
    guard index + utf8.count <= bytes.count, Array(bytes[index..<index + utf8.count]) == utf8 else {
      throw error("unexpected character")
    }
    index += utf8.count
    return value
  }

  private mutating func expect(_ character: Unicode.Scalar) throws {
    guard index < bytes.count, bytes[index] == UInt8(ascii: character) else {
      throw error("expected '\(character)'")
    }
    index += 1
  }

  private func error(_ problem: String) -> JSONParseError {
    JSONParseError(offset: index, problem: problem)
  }
}
