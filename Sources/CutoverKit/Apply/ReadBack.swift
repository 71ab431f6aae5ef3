/// Compares what an action sent with what reading the object back found, input by input.
enum ReadBack {
  /// One input the cloud holds otherwise than it was sent.
  struct Difference: Sendable, Equatable {
    var attribute: String
    /// Nil for a sensitive attribute: only that it differs may be said.
    var sent: Value?
    var observed: Value?
    var sensitive: Bool

    var description: String {
      if sensitive { return "\(attribute) (sensitive) is not the value sent" }
      return "\(attribute) is \(Self.text(observed)), not the \(Self.text(sent)) sent"
    }

    private static func text(_ value: Value?) -> String {
      value.map(\.description) ?? "null"
    }
  }

  /// The inputs that differ: attributes the object is compared on by a plan (updatable ones and those that force a
  /// replacement), each as recorded (sensitive ones by digest). Create-only inputs (a timeout) are not read back, and
  /// computed ones are the cloud's to set. An absent value and `null` are the same.
  static func differences(sent: Attributes, observed: Attributes, schema: ResourceSchema) -> [Difference] {
    schema.attributes.compactMap { attribute -> Difference? in
      switch attribute.mode {
      case .createOnly, .computed, .recordedOnly: return nil
      case .updatable, .forcesReplacement: break
      }
      let wanted = sent[attribute.name].flatMap { $0 == .null ? nil : $0 }
      let found = observed[attribute.name].flatMap { $0 == .null ? nil : $0 }
      guard wanted != found else { return nil }
      return attribute.sensitive
        ? Difference(attribute: attribute.name, sent: nil, observed: nil, sensitive: true)
        : Difference(attribute: attribute.name, sent: wanted, observed: found, sensitive: false)
    }
  }
}

/// A create or update the cloud answered, but whose object, read back, does not hold what was sent. The action
/// fails (it is never reported complete) and the object is recorded as read, so the next plan shows the difference.
public struct ReadBackMismatch: Error, CustomStringConvertible, Sendable {
  public var address: ResourceAddress
  /// `create` or `update`.
  public var verb: String
  /// One line per input that differs, with both values (sensitive ones named only).
  public var details: [String]
  /// The object as read back.
  public var observed: RecordedResource

  init(address: ResourceAddress, verb: String, differences: [ReadBack.Difference], observed: RecordedResource) {
    self.address = address
    self.verb = verb
    self.details = differences.map(\.description)
    self.observed = observed
  }

  public var description: String {
    "the \(verb) was answered, but reading \(address) back finds "
      + details.joined(separator: "; ") + "; the state records what the cloud holds"
  }
}
