import Foundation

/// Nova's JSON-schema checks of `POST /os-server-groups`, per microversion, with Nova's 400 messages.
enum ServerGroupSchema {
  /// The validated group.
  struct Group: Sendable {
    var name: String
    var policy: String
    var rules: [String: Int]
  }

  static func validate(_ body: JSONValue?, version: ComputeMicroversion) throws -> Group {
    guard let body else { throw ServiceError.badRequest("The request body is invalid or missing.") }
    guard let group = body["server_group"]?.objectValue else {
      throw ServiceError.badRequest(
        "Invalid input for field/attribute server_group. 'server_group' is a required property")
    }
    guard let name = group["name"]?.stringValue, (1...255).contains(name.count),
      name.trimmingCharacters(in: .whitespaces) == name
    else {
      throw ServiceError.badRequest(
        "Invalid input for field/attribute name. Value: \(group["name"]?.serializedString() ?? "None"). "
          + "'name' is a required property or is not a valid name")
    }
    let allowed =
      version >= ComputeMicroversion.softPolicies
      ? ["anti-affinity", "affinity", "soft-anti-affinity", "soft-affinity"] : ["anti-affinity", "affinity"]
    let singlePolicy = version >= ComputeMicroversion.singlePolicy
    let known: Set<String> = singlePolicy ? ["name", "policy", "rules"] : ["name", "policies"]
    if let extra = group.keys.sorted().first(where: { !known.contains($0) }) {
      throw ServiceError.badRequest(
        "Invalid input for field/attribute server_group. Value: \(JSONValue.object(group).serializedString()). "
          + "Additional properties are not allowed ('\(extra)' was unexpected)")
    }
    let policy: String
    if singlePolicy {
      guard let value = group["policy"]?.stringValue else {
        throw ServiceError.badRequest(
          "Invalid input for field/attribute server_group. 'policy' is a required property")
      }
      policy = value
    } else {
      guard let values = group["policies"]?.arrayValue, values.count == 1, let value = values[0].stringValue else {
        throw ServiceError.badRequest(
          "Invalid input for field/attribute policies. Value: \(group["policies"]?.serializedString() ?? "None"). "
            + "'policies' must be a list of exactly one policy")
      }
      policy = value
    }
    guard allowed.contains(policy) else {
      throw ServiceError.badRequest(
        "Invalid input for field/attribute \(singlePolicy ? "policy" : "0"). Value: \(policy). '\(policy)' is not "
          + "one of \(allowed)")
    }
    let rules = try self.rules(group["rules"], policy: policy)
    return Group(name: name, policy: policy, rules: rules)
  }

  /// `{"max_server_per_host": N}` (N ≥ 1), only with `anti-affinity`.
  private static func rules(_ value: JSONValue?, policy: String) throws -> [String: Int] {
    guard let value, !value.isNull else { return [:] }
    guard let object = value.objectValue else {
      throw ServiceError.badRequest("Invalid input for field/attribute rules. Value: \(value.serializedString()).")
    }
    if object.isEmpty { return [:] }
    guard policy == "anti-affinity" else { throw ServiceError.badRequest("Only anti-affinity policy supports rules.") }
    var rules: [String: Int] = [:]
    for (key, entry) in object {
      guard key == "max_server_per_host" else {
        throw ServiceError.badRequest(
          "Invalid input for field/attribute rules. Additional properties are not allowed ('\(key)' was unexpected)")
      }
      guard let number = entry.intValue ?? entry.stringValue.flatMap({ Int($0) }), number >= 1 else {
        throw ServiceError.badRequest(
          "Invalid input for field/attribute max_server_per_host. Value: \(entry.serializedString()).")
      }
      rules[key] = number
    }
    return rules
  }
}
