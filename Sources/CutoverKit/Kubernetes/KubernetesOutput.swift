import Foundation

/// helm's or kubectl's answer that Cutover could not read.
public struct KubernetesOutputError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What was being read (`helm status -o json`).
  public var what: String
  /// What was wrong with it.
  public var problem: String

  public init(what: String, problem: String) {
    self.what = what
    self.problem = problem
  }

  public var description: String { "could not read the output of \(what): \(problem)" }
}

/// Finds the JSON document in what helm or kubectl printed.
///
/// ``ProcessRunner`` hands back standard output and error interleaved, and both tools write warnings to standard
/// error around a perfectly good answer (`WARNING: Kubernetes configuration file is group-readable`, client
/// throttling notices, deprecation notes). The document is the longest run of lines that starts with `{`, `[` or
/// `null` and parses as JSON; lines before and after it are ignored.
enum KubernetesOutput {
  /// At most this many parses are tried, so a huge output of non-JSON cannot make Cutover spin.
  static let attemptLimit = 64

  static func json(in output: String, what: String) throws(KubernetesOutputError) -> Value {
    let trimmed = output.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty else { throw KubernetesOutputError(what: what, problem: "it printed nothing") }
    if let value = try? Value(json: Array(trimmed.utf8)) { return value }
    let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    let starts = lines.indices.filter { lines[$0].hasPrefix("{") || lines[$0].hasPrefix("[") || lines[$0] == "null" }
    let ends = lines.indices.filter { lines[$0].hasSuffix("}") || lines[$0].hasSuffix("]") || lines[$0] == "null" }
    var attempts = 0
    for start in starts {
      for end in ends.reversed() where end >= start {
        attempts += 1
        guard attempts <= attemptLimit else { break }
        let text = lines[start...end].joined(separator: "\n")
        if let value = try? Value(json: Array(text.utf8)) { return value }
      }
    }
    let firstLine = trimmed.split(separator: "\n").first.map(String.init) ?? trimmed
    throw KubernetesOutputError(what: what, problem: "no JSON document in it; it begins \(Value.quoted(firstLine))")
  }
}

extension Value {
  /// The value at a path of map keys, or `nil` where a key is missing or a step is not a map.
  func at(_ path: String...) -> Value? {
    var current: Value? = self
    for key in path { current = current?.mapValue?[key] }
    return current
  }
}
