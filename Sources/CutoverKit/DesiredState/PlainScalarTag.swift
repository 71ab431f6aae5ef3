import Yams

/// The tag YAML 1.1's core schema gives a plain, untagged scalar: the rules of Yams' default resolver (bool, int,
/// float, merge, null, timestamp, value, tried in that order, else str), decided by scanning the text instead of by
/// seven regular expressions. Compiling them started ICU's regular-expression engine in every command (about a
/// millisecond), and each value read was matched against them.
enum PlainScalarTag {
  static func of(_ text: String) -> Tag.Name {
    let bytes = Array(text.utf8)
    if isBool(text) { return .bool }
    if isInt(bytes) { return .int }
    if isFloat(text, bytes) { return .float }
    if text == "<<" { return .merge }
    if isNull(text) { return .null }
    if isTimestamp(bytes) { return .timestamp }
    if text == "=" { return .value }
    return .str
  }

  private static let booleans: Set<String> = [
    "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off",
    "Off", "OFF",
  ]

  private static func isBool(_ text: String) -> Bool { booleans.contains(text) }

  private static func isNull(_ text: String) -> Bool {
    text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
  }

  // MARK: - Numbers

  /// `[-+]?0b[01_]+`, `[-+]?0o?[0-7_]+`, `[-+]?(0|[1-9][0-9_]*)`, `[-+]?0x[0-9a-fA-F_]+`, or sexagesimal
  /// `[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+`.
  private static func isInt(_ bytes: [UInt8]) -> Bool {
    var scanner = Scanner(bytes)
    scanner.skipSign()
    let start = scanner.index
    if scanner.take("0") {
      if scanner.take("b") { return scanner.takeRun(of: isBinary) > 0 && scanner.atEnd }
      if scanner.take("x") { return scanner.takeRun(of: isHex) > 0 && scanner.atEnd }
      if scanner.atEnd { return true }
      _ = scanner.take("o")
      return scanner.takeRun(of: isOctal) > 0 && scanner.atEnd
    }
    scanner.index = start
    guard scanner.take(where: { $0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "9") }) else { return false }
    scanner.takeRun(of: isDigitOrUnderscore)
    if scanner.atEnd { return true }
    return scanner.takeSexagesimalGroups() && scanner.atEnd
  }

  /// `[-+]?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?`, `\.[0-9_]+([eE][-+][0-9]+)?`,
  /// `[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*`, `[-+]?\.(inf|Inf|INF)` or `\.(nan|NaN|NAN)`.
  private static func isFloat(_ text: String, _ bytes: [UInt8]) -> Bool {
    if [".nan", ".NaN", ".NAN"].contains(text) { return true }
    var scanner = Scanner(bytes)
    let signed = scanner.skipSign()
    if [".inf", ".Inf", ".INF"].contains(signed ? text.dropFirst() : text[...]) { return true }
    if scanner.take(".") {
      // `\.[0-9_]+`, unsigned, and its exponent must carry a sign.
      guard !signed, scanner.takeRun(of: isDigitOrUnderscore) > 0 else { return false }
      if scanner.atEnd { return true }
      guard scanner.take(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }), scanner.skipSign() else {
        return false
      }
      return scanner.takeRun(of: isDigit) > 0 && scanner.atEnd
    }
    guard scanner.take(where: isDigit) else { return false }
    scanner.takeRun(of: isDigitOrUnderscore)
    let afterWhole = scanner.index
    // Sexagesimal: groups, then a point and any fraction.
    if scanner.takeSexagesimalGroups() {
      guard scanner.take(".") else { return false }
      scanner.takeRun(of: isDigitOrUnderscore)
      return scanner.atEnd
    }
    scanner.index = afterWhole
    if scanner.take(".") { scanner.takeRun(of: isDigitOrUnderscore) }
    if scanner.take(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
      scanner.skipSign()
      guard scanner.takeRun(of: isDigit) > 0 else { return false }
    }
    return scanner.atEnd
  }

  // MARK: - Timestamps

  /// `YYYY-MM-DD`, or `YYYY-M-D` then `T`, `t` or blanks, `H:MM:SS`, an optional fraction, and an optional zone
  /// (`Z`, `+H`, `-HH:MM`) after optional blanks.
  private static func isTimestamp(_ bytes: [UInt8]) -> Bool {
    var scanner = Scanner(bytes)
    guard scanner.takeDigits(4...4), scanner.take("-") else { return false }
    let afterYear = scanner.index
    if scanner.takeDigits(2...2), scanner.take("-"), scanner.takeDigits(2...2), scanner.atEnd { return true }
    scanner.index = afterYear
    guard scanner.takeDigits(1...2), scanner.take("-"), scanner.takeDigits(1...2) else { return false }
    if !scanner.take(where: { $0 == UInt8(ascii: "T") || $0 == UInt8(ascii: "t") }) {
      guard scanner.takeRun(of: isBlank) > 0 else { return false }
    }
    guard scanner.takeDigits(1...2), scanner.take(":"), scanner.takeDigits(2...2), scanner.take(":"),
      scanner.takeDigits(2...2)
    else { return false }
    if scanner.take(".") { scanner.takeRun(of: isDigit) }
    if scanner.atEnd { return true }
    scanner.takeRun(of: isBlank)
    if scanner.take("Z") { return scanner.atEnd }
    guard scanner.skipSign(), scanner.takeDigits(1...2) else { return false }
    if scanner.atEnd { return true }
    return scanner.take(":") && scanner.takeDigits(2...2) && scanner.atEnd
  }

  // MARK: - Characters

  private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
  private static func isDigitOrUnderscore(_ byte: UInt8) -> Bool { isDigit(byte) || byte == UInt8(ascii: "_") }
  private static func isBinary(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: "0") || byte == UInt8(ascii: "1") || byte == UInt8(ascii: "_")
  }
  private static func isOctal(_ byte: UInt8) -> Bool {
    (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "7")) || byte == UInt8(ascii: "_")
  }
  private static func isHex(_ byte: UInt8) -> Bool {
    isDigitOrUnderscore(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
      || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
  }
  private static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

  /// A position in the text and the steps the rules take from it.
  private struct Scanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func take(where matches: (UInt8) -> Bool) -> Bool {
      guard index < bytes.count, matches(bytes[index]) else { return false }
      index += 1
      return true
    }

    mutating func take(_ character: Unicode.Scalar) -> Bool {
      take { $0 == UInt8(ascii: character) }
    }

    /// Takes a `+` or a `-` if there is one; whether it did.
    @discardableResult
    mutating func skipSign() -> Bool {
      take { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }
    }

    /// Takes the longest run of matching characters; its length.
    @discardableResult
    mutating func takeRun(of matches: (UInt8) -> Bool) -> Int {
      let start = index
      while take(where: matches) {}
      return index - start
    }

    /// Takes a run of digits whose length is in `lengths` and that ends there; false, and nothing taken, otherwise.
    mutating func takeDigits(_ lengths: ClosedRange<Int>) -> Bool {
      let start = index
      let count = takeRun(of: PlainScalarTag.isDigit)
      guard lengths.contains(count) else {
        index = start
        return false
      }
      return true
    }

    /// Takes one or more `:[0-5]?[0-9]` groups; false, and nothing taken, when there is none.
    mutating func takeSexagesimalGroups() -> Bool {
      let start = index
      var groups = 0
      while index < bytes.count, bytes[index] == UInt8(ascii: ":") {
        let group = index
        index += 1
        let digits = takeRun(of: PlainScalarTag.isDigit)
        if digits == 1 || (digits == 2 && bytes[index - 2] <= UInt8(ascii: "5")) {
          groups += 1
        } else {
          index = group
          break
        }
      }
      if groups == 0 { index = start }
      return groups > 0
    }
  }
}
