/// How the planner treats one attribute of a resource type.
public struct AttributeSchema: Sendable, Hashable {
  /// What a difference in this attribute means.
  public enum Mode: Sendable, Hashable {
    /// A difference is applied to the existing object (a resize, a new list of backends).
    case updatable
    /// A difference needs a new object: create the new one, then delete the old one.
    case forcesReplacement
    /// Sent when the object is created and never compared afterwards (a create timeout).
    case createOnly
    /// Set by the cloud. `changesOnUpdate` says whether an in-place update can change it (node addresses after a
    /// resize), which makes it unknown until the update is applied.
    case computed(changesOnUpdate: Bool)
  }

  public var name: String
  public var mode: Mode
  /// Never printed in plans or logs, never stored in plain text.
  public var sensitive: Bool

  public init(_ name: String, _ mode: Mode, sensitive: Bool = false) {
    self.name = name
    self.mode = mode
    self.sensitive = sensitive
  }

  /// True for attributes the user sets (everything but computed ones).
  public var isInput: Bool {
    if case .computed = mode { return false }
    return true
  }
}

/// The attributes of one resource type.
public struct ResourceSchema: Sendable {
  public var attributes: [AttributeSchema]
  private let byName: [String: AttributeSchema]

  public init(_ attributes: [AttributeSchema]) {
    self.attributes = attributes
    self.byName = Dictionary(attributes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
  }

  public subscript(name: String) -> AttributeSchema? { byName[name] }

  /// Names of attributes that are never shown.
  public var sensitiveNames: Set<String> { Set(attributes.filter(\.sensitive).map(\.name)) }
}
