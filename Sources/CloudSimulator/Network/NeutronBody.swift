import Hummingbird

/// Reads Neutron request bodies: the `{"<resource>": {…}}` envelope, attribute checks and query filters, with
/// Neutron's error messages.
enum NeutronBody {
  // MARK: - Envelopes

  /// The attributes inside the body's envelope; a missing or unknown attribute is a 400 as Neutron words it.
  static func resource(
    _ key: String, in request: Request, allowed: Set<String>, readOnly: Set<String> = []
  ) async throws -> [String: JSONValue] {
    guard let body = try await RequestBodyReader.json(request) else {
      throw ServiceError.neutron(.badRequest, "HTTPBadRequest", "Resource body required")
    }
    guard let attributes = body[key]?.objectValue else {
      throw ServiceError.neutron(.badRequest, "HTTPBadRequest", "Unable to find '\(key)' in request body")
    }
    if let attribute = attributes.keys.sorted().first(where: readOnly.contains) {
      throw ServiceError.neutron(.badRequest, "HTTPBadRequest", "Cannot update read-only attribute \(attribute)")
    }
    let unknown = attributes.keys.filter { !allowed.contains($0) }.sorted()
    guard unknown.isEmpty else {
      throw ServiceError.neutron(
        .badRequest, "HTTPBadRequest", "Unrecognized attribute(s) '\(unknown.joined(separator: ", "))'")
    }
    return attributes
  }

  // MARK: - Attributes

  /// A string attribute (nil when absent or null); another type is a 400.
  static func string(_ attributes: [String: JSONValue], _ name: String) throws -> String? {
    switch attributes[name] {
    case nil, .null?: return nil
    case .string(let value)?: return value
    case let value?:
      throw invalidInput(name, "'\(value.serializedString())' is not a valid string")
    }
  }

  /// An integer attribute (nil when absent or null); numeric strings are accepted, as Neutron converts them.
  static func int(_ attributes: [String: JSONValue], _ name: String) throws -> Int? {
    switch attributes[name] {
    case nil, .null?: return nil
    case .string(let text)?:
      guard let value = Int(text) else { throw invalidInput(name, "'\(text)' is not an integer") }
      return value
    case let value?:
      guard let number = value.intValue else {
        throw invalidInput(name, "'\(value.serializedString())' is not an integer")
      }
      return number
    }
  }

  /// A list-of-strings attribute (nil when absent).
  static func strings(_ attributes: [String: JSONValue], _ name: String) throws -> [String]? {
    guard let value = attributes[name], !value.isNull else { return nil }
    guard let items = value.arrayValue, case let strings = items.compactMap(\.stringValue),
      strings.count == items.count
    else { throw invalidInput(name, "'\(value.serializedString())' is not a list") }
    return strings
  }

  /// `Invalid input for <attribute>. Reason: <reason>.`
  static func invalidInput(_ name: String, _ reason: String) -> ServiceError {
    .neutron(.badRequest, "HTTPBadRequest", "Invalid input for \(name). Reason: \(reason).")
  }

  // MARK: - Queries

  /// The query's `name=value` pairs, in order.
  static func query(_ request: Request) -> [(String, String)] {
    request.uri.queryParameters.map { (String($0.key), String($0.value)) }
  }
}
