import Foundation
import OpenStack
import Synchronization

/// Every secret an apply knows of (the sensitive attributes of its plan, the VRRP password, whatever an action reads
/// while it runs), so that any text an action hands to the journal, the progress output or an error is masked,
/// whichever resource wrote it: a `deliver:` command run for haproxy may print the VRRP password as well as one run
/// for keepalived.
public final class RunSecrets: Sendable {
  /// What a masked secret prints as.
  public static let placeholder = SensitiveValuePolicy.placeholder

  private let texts = Mutex<Set<String>>([])

  public init(_ secrets: [String] = []) {
    insert(secrets)
  }

  /// The secrets of a plan's resources, each type saying which are its own (see ``ResourceType/secrets(in:local:)``).
  public convenience init(plan: Plan, catalog: ResourceCatalog, local: LocalWorkspace) {
    self.init()
    for resource in plan.desired {
      guard let type = catalog[resource.address.type] else { continue }
      let literal = resource.attributes.compactMapValues { expression -> Value? in
        if case .value(let value) = expression { return value }
        return nil
      }
      insert(type.secrets(in: literal, local: local))
    }
  }

  /// Adds secrets to mask from now on; empty ones are ignored.
  public func insert(_ secrets: [String]) {
    let useful = secrets.filter { !$0.isEmpty }
    if !useful.isEmpty { texts.withLock { $0.formUnion(useful) } }
  }

  /// The text with every known secret masked, in every form it may be echoed in (JSON-escaped included).
  public func mask(_ text: String) -> String {
    let secrets = texts.withLock { $0 }
    guard !secrets.isEmpty else { return text }
    return SecretMasking.mask(text, secrets: Array(secrets), with: Self.placeholder)
  }

  /// The texts of a resource's sensitive attributes (those its schema marks `sensitive`).
  public static func sensitiveTexts(of attributes: Attributes, schema: ResourceSchema) -> [String] {
    schema.sensitiveNames.sorted().flatMap { name in attributes[name].map(texts(in:)) ?? [] }
  }

  /// The text of every scalar inside a sensitive attribute's value. A whole string is a secret however short (a
  /// password); inside maps and lists (a release's `set_sensitive`) only texts of four characters or more are, as
  /// hiding every `1` or `true` in a log would mangle it and protect nothing.
  static func texts(in value: Value) -> [String] {
    if case .string(let text) = value { return [text] }
    return nestedTexts(in: value)
  }

  private static func nestedTexts(in value: Value) -> [String] {
    switch value {
    case .string(let text) where text.count >= 4: [text]
    case .int(let number) where String(number).count >= 4: [String(number)]
    case .list(let list): list.flatMap(nestedTexts(in:))
    case .map(let map): map.values.flatMap(nestedTexts(in:))
    default: []
    }
  }
}
