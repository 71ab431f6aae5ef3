import Yams

/// The keys of one mapping of the environment file, each declared once: its name, whether it is required, how its
/// value is read and which field it goes in (its default is the field's own). The allowed keys, the "unknown key"
/// and "missing required key" errors all come from the declarations, so adding a key is one line, and no key can
/// fall into another's field.
struct KeyTable<Spec> {
  /// One key: reads its value into the spec, and says whether the value was valid (the reader has said why not).
  struct Key {
    let name: String
    let required: Bool
    let read: (_ node: Node, _ path: String, _ spec: inout Spec, _ reader: inout YAMLReader) -> Bool
  }

  let keys: [Key]

  init(_ keys: [Key]) {
    self.keys = keys
  }

  /// Every key's name, in declaration order: what the errors list as expected.
  var names: [String] { keys.map(\.name) }

  /// Whether every required key is among those `read`.
  func hasRequired(_ read: Set<String>) -> Bool {
    keys.allSatisfy { !$0.required || read.contains($0.name) }
  }

  /// Reads `node` into `spec`, each key by its declaration, in file order.
  /// - Parameter nested: whether messages name a key under `path` (`generations.128a.cluster.workers`); false for the
  ///   top level, whose keys are named alone (`live`).
  /// - Returns: the keys read, or nil when `node` is not a mapping or a value was invalid.
  func read(
    _ node: Node, at path: String, into spec: inout Spec, reader: inout YAMLReader, nested: Bool = true
  ) -> Set<String>? {
    let required = keys.filter(\.required).map(\.name)
    guard let entries = reader.mapping(node, at: path, allowed: names, required: required) else { return nil }
    var valid = true
    var read = Set<String>()
    for entry in entries {
      // `mapping` reports and leaves out keys that are not declared.
      guard let key = keys.first(where: { $0.name == entry.key }) else { continue }
      if key.read(entry.value, nested ? "\(path).\(entry.key)" : entry.key, &spec, &reader) {
        read.insert(key.name)
      } else {
        valid = false
      }
    }
    return valid ? read : nil
  }
}

extension KeyTable.Key {
  /// A key whose node is kept for reading later, once the keys it depends on are read (`live` needs `generations`).
  static func node(_ name: String, required: Bool = false, _ field: WritableKeyPath<Spec, Node?>) -> Self {
    custom(name, required: required) { node, _, spec, _ in
      spec[keyPath: field] = node
      return true
    }
  }

  /// A key read by `read`, which returns false when the value was invalid.
  static func custom(
    _ name: String, required: Bool = false,
    _ read: @escaping (_ node: Node, _ path: String, _ spec: inout Spec, _ reader: inout YAMLReader) -> Bool
  ) -> Self {
    Self(name: name, required: required, read: read)
  }

  /// A key whose value `value` reads (reporting what is wrong), stored by `store`.
  private static func reading<Read>(
    _ name: String, required: Bool,
    _ value: @escaping (_ node: Node, _ path: String, _ reader: inout YAMLReader) -> Read?,
    _ store: @escaping (inout Spec, Read) -> Void
  ) -> Self {
    custom(name, required: required) { node, path, spec, reader in
      guard let read = value(node, path, &reader) else { return false }
      store(&spec, read)
      return true
    }
  }

  /// A non-empty string.
  static func string(_ name: String, required: Bool = false, _ field: WritableKeyPath<Spec, String>) -> Self {
    reading(name, required: required, { node, path, reader in reader.nonEmptyString(node, at: path) }) {
      $0[keyPath: field] = $1
    }
  }

  /// A non-empty string that must also pass `isValid`: one that does not is reported as `path: ` + `problem`, and
  /// kept (a later check may read it) though the value counts as invalid.
  static func checkedString(
    _ name: String, required: Bool = false, isValid: @escaping (String) -> Bool,
    problem: @escaping (String) -> String, _ store: @escaping (inout Spec, String) -> Void
  ) -> Self {
    custom(name, required: required) { node, path, spec, reader in
      guard let value = reader.nonEmptyString(node, at: path) else { return false }
      store(&spec, value)
      guard isValid(value) else {
        reader.report("\(path): \(problem(value))", at: node)
        return false
      }
      return true
    }
  }

  /// A non-empty string, absent by default.
  static func string(_ name: String, required: Bool = false, _ field: WritableKeyPath<Spec, String?>) -> Self {
    reading(name, required: required, { node, path, reader in reader.nonEmptyString(node, at: path) }) {
      $0[keyPath: field] = $1
    }
  }

  /// An integer within `range`.
  static func int(
    _ name: String, in range: ClosedRange<Int>, required: Bool = false, _ field: WritableKeyPath<Spec, Int>
  ) -> Self {
    reading(name, required: required, { node, path, reader in reader.int(node, at: path, in: range) }) {
      $0[keyPath: field] = $1
    }
  }

  /// An integer within `range`, absent by default.
  static func int(
    _ name: String, in range: ClosedRange<Int>, required: Bool = false, _ field: WritableKeyPath<Spec, Int?>
  ) -> Self {
    reading(name, required: required, { node, path, reader in reader.int(node, at: path, in: range) }) {
      $0[keyPath: field] = $1
    }
  }

  /// `true` or `false`.
  static func bool(_ name: String, _ field: WritableKeyPath<Spec, Bool>) -> Self {
    reading(name, required: false, { node, path, reader in reader.bool(node, at: path) }) { $0[keyPath: field] = $1 }
  }

  /// A mapping of strings to strings (labels).
  static func stringMap(_ name: String, _ field: WritableKeyPath<Spec, [String: String]>) -> Self {
    reading(name, required: false, { node, path, reader in reader.stringMap(node, at: path) }) {
      $0[keyPath: field] = $1
    }
  }

  /// A mapping of strings to strings, absent by default.
  static func stringMap(_ name: String, _ field: WritableKeyPath<Spec, [String: String]?>) -> Self {
    reading(name, required: false, { node, path, reader in reader.stringMap(node, at: path) }) {
      $0[keyPath: field] = $1
    }
  }

  /// A list of strings.
  static func stringList(_ name: String, _ field: WritableKeyPath<Spec, [String]>) -> Self {
    reading(name, required: false, { node, path, reader in reader.stringList(node, at: path) }) {
      $0[keyPath: field] = $1
    }
  }

  /// A ``DurationText`` (or a number of minutes), in whole minutes rounded up.
  static func minutes(_ name: String, _ field: WritableKeyPath<Spec, Int>) -> Self {
    reading(
      name, required: false, { node, path, reader in EnvironmentFile.readMinutes(node, at: path, reader: &reader) }
    ) {
      $0[keyPath: field] = $1
    }
  }

  /// A duration in whole minutes, absent by default.
  static func minutes(_ name: String, _ field: WritableKeyPath<Spec, Int?>) -> Self {
    reading(
      name, required: false, { node, path, reader in EnvironmentFile.readMinutes(node, at: path, reader: &reader) }
    ) {
      $0[keyPath: field] = $1
    }
  }
}
