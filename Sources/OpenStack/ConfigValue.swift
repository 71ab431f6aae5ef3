import Yams

// MARK: - ConfigValue

/// A `clouds.yaml` / `secure.yaml` document as plain values; scalars keep their exact text (a secret such as
/// `0123` stays a string rather than becoming a number).
indirect enum ConfigValue: Equatable {
  case scalar(String)
  case mapping([String: ConfigValue])
  case sequence([ConfigValue])
  case null

  /// Parses YAML (JSON is YAML too); an empty document is ``null``.
  static func parse(yaml: String) throws -> ConfigValue {
    guard let node = try Yams.compose(yaml: yaml) else { return .null }
    return ConfigValue(node: node)
  }

  init(node: Node) {
    switch node {
    case .scalar(let scalar):
      self = node.null != nil && scalar.style == .plain ? .null : .scalar(scalar.string)
    case .mapping(let mapping):
      var values: [String: ConfigValue] = [:]
      for (key, value) in mapping {
        if let name = key.string { values[name] = ConfigValue(node: value) }
      }
      self = .mapping(values)
    case .sequence(let sequence):
      self = .sequence(sequence.map(ConfigValue.init(node:)))
    case .alias:
      self = .null
    }
  }

  // MARK: - Access

  subscript(key: String) -> ConfigValue? {
    guard case .mapping(let values) = self else { return nil }
    return values[key]
  }

  var mappingValues: [String: ConfigValue]? {
    if case .mapping(let values) = self { return values }
    return nil
  }

  /// The scalar's text; nil for a mapping, a sequence or null.
  var string: String? {
    if case .scalar(let text) = self { return text }
    return nil
  }

  /// The scalar read as a YAML boolean (`true`/`false`, `yes`/`no`, `on`/`off`, `1`/`0`).
  var bool: Bool? {
    guard let text = string?.lowercased() else { return nil }
    switch text {
    case "true", "yes", "on", "1": return true
    case "false", "no", "off", "0": return false
    default: return nil
    }
  }

  // MARK: - Merging

  /// This value with `overlay` laid over it: mappings merge key by key, anything else is replaced.
  func merging(_ overlay: ConfigValue) -> ConfigValue {
    guard case .mapping(let base) = self, case .mapping(let top) = overlay else { return overlay }
    return .mapping(base.merging(top) { baseValue, topValue in baseValue.merging(topValue) })
  }
}
