import Foundation

/// Where a secret comes from: a file or an environment variable, never the environment file itself. Plans and state
/// hold only its digest; the value is read when it is needed and written only into the 0600 file that uses it.
public enum SecretSource: Sendable, Equatable, Codable, CustomStringConvertible {
  case file(String)
  case environment(String)

  /// Reads the secret, without its trailing newline.
  /// - Throws: `SecretUnavailable` naming the source, never the value.
  public func read(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
    switch self {
    case .environment(let name):
      guard let value = environment[name], !value.isEmpty else {
        throw SecretUnavailable(message: "environment variable \(name) is not set")
      }
      return value
    case .file(let path):
      guard let data = FileManager.default.contents(atPath: path) else {
        let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
        throw SecretUnavailable(message: "secret file \(path) \(reason)")
      }
      guard let text = String(data: data, encoding: .utf8) else {
        throw SecretUnavailable(message: "secret file \(path) is not UTF-8 text")
      }
      // One line ending, LF or CRLF, as an editor leaves it. "\r\n" is a single Character, so compare scalars.
      var scalars = Substring(text).unicodeScalars
      if scalars.last == "\n" { scalars.removeLast() }
      if scalars.last == "\r" { scalars.removeLast() }
      let value = String(scalars)
      guard !value.isEmpty else { throw SecretUnavailable(message: "secret file \(path) is empty") }
      return value
    }
  }

  public var description: String {
    switch self {
    case .file(let path): "file \(path)"
    case .environment(let name): "environment variable \(name)"
    }
  }
}

/// A secret that could not be read; the message names where it was looked for.
public struct SecretUnavailable: Error, Sendable, CustomStringConvertible, LocalizedError {
  public var message: String
  public var description: String { message }
  public var errorDescription: String? { message }
}
