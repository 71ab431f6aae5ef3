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
    /// Recorded with the object from the desired state, never compared: what identifies an input another way (the
    /// git blob ids of encrypted values files), read by the attribute that names it in `identifiedBy`.
    case recordedOnly
  }

  public var name: String
  public var mode: Mode
  /// Never printed in plans or logs, never stored in plain text: plans and state hold a keyed digest.
  public var sensitive: Bool
  /// Content digests (`sha256:…`) of files that may hold secrets (a values file): shown, but as keyed digests, so
  /// that no plan or state lets a secret in the file be recovered by trying candidates.
  public var keyed: Bool
  /// A `recordedOnly` list attribute that identifies this list's elements where their content cannot be read: an
  /// element that is a git-crypt stand-in equals the recorded element whose recorded identity matches.
  public var identifiedBy: String?

  public init(
    _ name: String, _ mode: Mode, sensitive: Bool = false, keyed: Bool = false, identifiedBy: String? = nil
  ) {
    self.name = name
    self.mode = mode
    self.sensitive = sensitive
    self.keyed = keyed
    self.identifiedBy = identifiedBy
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

  /// The attributes as plans show them and state records them: each sensitive value replaced by its keyed digest,
  /// each content digest of a file that may hold secrets by its keyed form. Values already digested stay as they are
  /// (a saved plan carries digests, and a digest of a digest would never match).
  public func recordable(_ attributes: Attributes, digester: SensitiveDigester) -> Attributes {
    var result = attributes
    for attribute in self.attributes where attribute.sensitive || attribute.keyed {
      guard let value = result[attribute.name], value != .null else { continue }
      result[attribute.name] =
        attribute.sensitive ? digester.digestUnlessDigested(value) : digester.keyedContentDigests(value)
    }
    return result
  }

  /// The attributes with the plain `sha256:` digests an older Cutover recorded of what may hold a secret replaced by
  /// the keyed digests this one records (of the same content), so nothing is sent again for the change of form.
  public func upgradingLegacyDigests(_ attributes: Attributes, digester: SensitiveDigester) -> Attributes {
    var result = attributes
    for attribute in self.attributes where attribute.sensitive || attribute.keyed {
      guard let value = result[attribute.name] else { continue }
      result[attribute.name] =
        attribute.sensitive ? digester.upgrading(legacy: value) ?? value : digester.keyedContentDigests(value)
    }
    return result
  }

  /// Whether an attribute holds digests made with another key than `digester`'s, which cannot be compared here.
  func holdsForeignDigests(_ attributes: Attributes, digester: SensitiveDigester) -> Bool {
    self.attributes.contains { attribute in
      guard attribute.sensitive || attribute.keyed, let value = attributes[attribute.name] else { return false }
      return (value.listValue ?? [value]).contains(where: digester.isForeignDigest)
    }
  }
}
