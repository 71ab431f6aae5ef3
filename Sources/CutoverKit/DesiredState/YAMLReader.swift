import Yams

/// Reads a composed YAML tree against an expected shape, collecting every problem with its line and column
/// instead of stopping at the first.
struct YAMLReader {
  /// The file name used in diagnostics.
  let file: String
  private(set) var diagnostics: [Diagnostic] = []
  /// When false, `mapping` does not report missing required keys: for checking the shape of a part (`defaults`, a
  /// generation's own settings) that is only complete once merged.
  var checksRequiredKeys = true
  /// Where the files the desired state names (values files, local charts, manifests) are read, to record their
  /// digests; nil to parse without reading them.
  var sourceDirectory: String?
  /// The digests of the files read so far, so each is read once per reading of the file.
  let sources = SourceDigests()
  /// Problems already reported, by position and text without the path prefix, so a value every generation inherits
  /// from `defaults` is reported once, at its own line, however many generations read it.
  private var reported = Set<String>()

  init(file: String) {
    self.file = file
  }

  /// Records a problem at a node's position, unless the same problem was already reported there.
  mutating func report(_ message: String, at node: Node?) {
    let mark = node?.mark
    let line = mark?.line ?? 0
    let column = mark?.column ?? 0
    let problem = message.range(of: ": ").map { String(message[$0.upperBound...]) } ?? message
    guard reported.insert("\(line):\(column):\(problem)").inserted else { return }
    diagnostics.append(Diagnostic(file: file, line: line, column: column, message: message))
  }

  // MARK: - Mappings

  /// The entries of a mapping in file order, reporting keys outside `allowed` and missing `required` keys.
  /// - Returns: nil when the node is not a mapping (a problem is reported).
  mutating func mapping(
    _ node: Node, at path: String, allowed: [String], required: [String] = []
  ) -> [(key: String, keyNode: Node, value: Node)]? {
    guard case .mapping(let mapping) = node else {
      report(
        "\(path): expected a mapping with keys \(allowed.joined(separator: ", ")), found \(kind(of: node))", at: node)
      return nil
    }
    var entries: [(key: String, keyNode: Node, value: Node)] = []
    var seen = Set<String>()
    for (keyNode, value) in mapping {
      guard let key = keyNode.scalar?.string else {
        report("\(path): expected a plain key, found \(kind(of: keyNode))", at: keyNode)
        continue
      }
      guard allowed.contains(key) else {
        let hint = closest(to: key, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
        report("\(path): unknown key '\(key)'\(hint); expected one of \(allowed.joined(separator: ", "))", at: keyNode)
        continue
      }
      seen.insert(key)
      entries.append((key, keyNode, value))
    }
    for key in required where checksRequiredKeys && !seen.contains(key) {
      report("\(path): missing required key '\(key)'", at: node)
    }
    return entries
  }

  /// The entries of a mapping whose keys are free-form names (generation ids, label names).
  mutating func namedMapping(_ node: Node, at path: String) -> [(key: String, keyNode: Node, value: Node)]? {
    if isNull(node) { return [] }
    guard case .mapping(let mapping) = node else {
      report("\(path): expected a mapping, found \(kind(of: node))", at: node)
      return nil
    }
    var entries: [(key: String, keyNode: Node, value: Node)] = []
    for (keyNode, value) in mapping {
      guard let key = keyNode.scalar?.string else {
        report("\(path): expected a plain key, found \(kind(of: keyNode))", at: keyNode)
        continue
      }
      entries.append((key, keyNode, value))
    }
    return entries
  }

  // MARK: - Scalars

  /// A string scalar; numbers and booleans written without quotes are accepted as their text.
  mutating func string(_ node: Node, at path: String) -> String? {
    guard case .scalar(let scalar) = node, !isNull(node) else {
      report("\(path): expected a string, found \(kind(of: node))", at: node)
      return nil
    }
    return scalar.string
  }

  /// A non-empty string scalar.
  mutating func nonEmptyString(_ node: Node, at path: String) -> String? {
    guard let value = string(node, at: path) else { return nil }
    if value.isEmpty {
      report("\(path): expected a non-empty string", at: node)
      return nil
    }
    return value
  }

  /// An integer scalar within a range.
  mutating func int(_ node: Node, at path: String, in range: ClosedRange<Int> = Int.min...Int.max) -> Int? {
    guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any, let value = node.int,
      node.tagName == .int
    else {
      report("\(path): expected an integer, found \(kind(of: node))", at: node)
      return nil
    }
    guard range.contains(value) else {
      report("\(path): expected an integer from \(range.lowerBound) to \(range.upperBound), found \(value)", at: node)
      return nil
    }
    return value
  }

  /// A boolean scalar (`true` or `false`).
  mutating func bool(_ node: Node, at path: String) -> Bool? {
    guard case .scalar = node, node.tagName == .bool, let value = node.bool else {
      report("\(path): expected true or false, found \(kind(of: node))", at: node)
      return nil
    }
    return value
  }

  /// A list of strings.
  mutating func stringList(_ node: Node, at path: String) -> [String]? {
    if isNull(node) { return [] }
    guard case .sequence(let sequence) = node else {
      report("\(path): expected a list of strings, found \(kind(of: node))", at: node)
      return nil
    }
    var values: [String] = []
    for (index, element) in sequence.enumerated() {
      if let value = string(element, at: "\(path)[\(index)]") { values.append(value) }
    }
    return values
  }

  /// A mapping of strings to strings, such as Magnum labels.
  mutating func stringMap(_ node: Node, at path: String) -> [String: String]? {
    guard let entries = namedMapping(node, at: path) else { return nil }
    var values: [String: String] = [:]
    for entry in entries {
      if let value = string(entry.value, at: "\(path).\(entry.key)") { values[entry.key] = value }
    }
    return values
  }

  /// Any YAML value as a `Value`, for free-form settings such as Helm `set:`.
  mutating func value(_ node: Node, at path: String) -> Value? {
    switch node {
    case .scalar(let scalar):
      if isNull(node) { return .null }
      switch node.tagName {
      case .int, .float: return number(node, scalar, at: path)
      case .bool: return node.bool.map(Value.bool) ?? .string(scalar.string)
      default: return .string(scalar.string)
      }
    case .sequence(let sequence):
      var values: [Value] = []
      for (index, element) in sequence.enumerated() {
        if let value = value(element, at: "\(path)[\(index)]") { values.append(value) }
      }
      return .list(values)
    case .mapping:
      guard let entries = namedMapping(node, at: path) else { return nil }
      var map: [String: Value] = [:]
      for entry in entries {
        if let value = value(entry.value, at: "\(path).\(entry.key)") { map[entry.key] = value }
      }
      return .map(map)
    case .alias:
      report("\(path): aliases are not supported", at: node)
      return nil
    }
  }

  /// A YAML number as Helm will get it, a JSON number: an integer, or a double when it has a fraction or more
  /// digits than 64 bits hold (Helm reads every number as a 64-bit float anyway). JSON has no infinity or NaN, so
  /// `.inf` and `.nan` are reported rather than passed on as text.
  private mutating func number(_ node: Node, _ scalar: Node.Scalar, at path: String) -> Value? {
    if node.tagName == .int, let int = node.int { return .int(int) }
    let digits = scalar.string.replacingOccurrences(of: "_", with: "")
    let double = node.tagName == .float ? node.float : Double(digits)
    guard let double, let number = Value.number(double) else {
      let reason =
        node.tagName == .float
        ? "JSON, and so Helm, has no such number; quote it to pass the string"
        : "it is not a number Helm can read; quote it to pass the string"
      report("\(path): \(scalar.string): \(reason)", at: node)
      return nil
    }
    return number
  }

  // MARK: - Helpers

  func isNull(_ node: Node) -> Bool {
    guard case .scalar(let scalar) = node else { return false }
    return node.tagName == .null && (scalar.style == .plain || scalar.style == .any)
  }

  func kind(of node: Node) -> String {
    switch node {
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    case .alias: return "an alias"
    case .scalar(let scalar):
      if isNull(node) { return "nothing" }
      switch node.tagName {
      case .int: return "the integer \(scalar.string)"
      case .bool: return "the boolean \(scalar.string)"
      case .float: return "the number \(scalar.string)"
      default: return "the string '\(scalar.string)'"
      }
    }
  }

  /// The allowed key nearest to a misspelt one, when it is close enough to be a likely typo.
  private func closest(to key: String, in allowed: [String]) -> String? {
    let scored = allowed.map { ($0, editDistance(key, $0)) }.min { $0.1 < $1.1 }
    guard let (candidate, distance) = scored, distance <= max(2, key.count / 3) else { return nil }
    return candidate
  }

  private func editDistance(_ lhs: String, _ rhs: String) -> Int {
    let a = Array(lhs), b = Array(rhs)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
      var current = [i] + Array(repeating: 0, count: b.count)
      for j in 1...b.count {
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      previous = current
    }
    return previous[b.count]
  }
}

extension Node {
  /// The node's tag as YAML's core schema resolves it (`int`, `bool`, `str`, `null`, …), whichever resolver composed
  /// it: a plain scalar with no tag is resolved from its text (``PlainScalarTag``); an explicit tag (`!!str 5`), a
  /// quoted scalar's `str`, and a mapping's or a sequence's tag stand.
  var tagName: Tag.Name {
    if case .scalar(let scalar) = self, scalar.tag.rawValue == Tag.Name.implicit.rawValue {
      return PlainScalarTag.of(scalar.string)
    }
    return Tag.Name(rawValue: tag.rawValue)
  }
}
