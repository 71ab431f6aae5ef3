/// A problem in one of the user's files, located by file, line and column.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
  /// The file as the user named it, such as `clusters/eqiad1.yaml`.
  public var file: String
  /// 1-based line, or 0 when the problem concerns the whole file.
  public var line: Int
  /// 1-based column, or 0 when the problem concerns the whole file.
  public var column: Int
  /// What is wrong and what was expected.
  public var message: String

  public init(file: String, line: Int, column: Int, message: String) {
    self.file = file
    self.line = line
    self.column = column
    self.message = message
  }

  /// `file:line:column: message`, the shape compilers and editors understand. Always one line: a newline or other
  /// control character the message quotes from the file (a key written `"128a\n"`) is shown escaped.
  public var description: String {
    let text = Self.escapingControlCharacters(message)
    return line > 0 ? "\(file):\(line):\(column): \(text)" : "\(file): \(text)"
  }

  private static func escapingControlCharacters(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return text }
    var escaped = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\n": escaped.append(contentsOf: "\\n".unicodeScalars)
      case "\r": escaped.append(contentsOf: "\\r".unicodeScalars)
      case "\t": escaped.append(contentsOf: "\\t".unicodeScalars)
      case _ where scalar.properties.generalCategory == .control:
        escaped.append(contentsOf: "\\u{\(String(scalar.value, radix: 16))}".unicodeScalars)
      default: escaped.append(scalar)
      }
    }
    return String(escaped)
  }
}
