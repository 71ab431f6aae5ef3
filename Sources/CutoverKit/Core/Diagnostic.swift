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

  /// `file:line:column: message`, the shape compilers and editors understand.
  public var description: String {
    line > 0 ? "\(file):\(line):\(column): \(message)" : "\(file): \(message)"
  }
}
