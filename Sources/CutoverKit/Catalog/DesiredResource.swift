/// One resource the desired state asks for, before the values other resources compute are known.
public struct DesiredResource: Sendable, Codable, Equatable {
  public var address: ResourceAddress
  /// Input attributes: literal values, or references to what another resource computes.
  public var attributes: [String: AttributeExpression]
  /// Resources that must exist first (every referenced resource, plus any declared ordering).
  public var dependencies: [ResourceAddress]

  public init(
    address: ResourceAddress, attributes: [String: AttributeExpression], dependsOn extra: [ResourceAddress] = []
  ) {
    self.address = address
    self.attributes = attributes
    let referenced = attributes.values.compactMap(\.reference?.address)
    self.dependencies = Array(Set(referenced + extra)).sorted()
  }
}

/// The value of a desired attribute: known now, or taken from another resource once it exists.
public enum AttributeExpression: Sendable, Codable, Equatable {
  case value(Value)
  case reference(Reference)

  public var reference: Reference? {
    if case .reference(let reference) = self { return reference }
    return nil
  }
}

/// An attribute computed by another resource, optionally formatted: `format` replaces `{}` with the value, or with
/// each element when the value is a list (node addresses → `http://{}:30001` backends).
public struct Reference: Sendable, Codable, Equatable {
  public var address: ResourceAddress
  public var attribute: String
  public var format: String?

  public init(_ address: ResourceAddress, _ attribute: String, format: String? = nil) {
    self.address = address
    self.attribute = attribute
    self.format = format
  }

  /// The value this reference has in `target`'s record, formatted; nil unless the object is ready and has the
  /// attribute. The planner and the executor (for what the plan could only call "known after apply") both resolve
  /// through here.
  public func resolved(in target: RecordedResource?) -> Value? {
    guard let target, target.status == .ready, let value = target.attributes[attribute] else { return nil }
    return formatted(value)
  }

  /// Applies the format to a resolved value.
  public func formatted(_ value: Value) -> Value {
    guard let format else { return value }
    func apply(_ element: Value) -> Value {
      let text = element.stringValue ?? element.description
      return .string(format.replacingOccurrences(of: "{}", with: text))
    }
    if case .list(let elements) = value { return .list(elements.map(apply)) }
    return apply(value)
  }
}
