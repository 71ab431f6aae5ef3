/// The attributes a Magnum cluster template accepts, their types and defaults, and the validation Magnum's
/// API layer applies on create and on JSON-patch updates.
enum ClusterTemplateSchema {
  /// How an attribute's value is typed.
  enum Kind {
    case text
    case flag
    case integer
    case labels
  }

  /// One accepted attribute.
  struct Field {
    var kind: Kind
    var defaultValue: JSONValue
  }

  static let fields: [String: Field] = [
    "image_id": Field(kind: .text, defaultValue: .null),
    "coe": Field(kind: .text, defaultValue: .null),
    "keypair_id": Field(kind: .text, defaultValue: .null),
    "flavor_id": Field(kind: .text, defaultValue: "m1.small"),
    "master_flavor_id": Field(kind: .text, defaultValue: .null),
    "external_network_id": Field(kind: .text, defaultValue: .null),
    "fixed_network": Field(kind: .text, defaultValue: .null),
    "fixed_subnet": Field(kind: .text, defaultValue: .null),
    "network_driver": Field(kind: .text, defaultValue: "flannel"),
    "volume_driver": Field(kind: .text, defaultValue: .null),
    "driver": Field(kind: .text, defaultValue: .null),
    "docker_storage_driver": Field(kind: .text, defaultValue: "overlay2"),
    "dns_nameserver": Field(kind: .text, defaultValue: "8.8.8.8"),
    "http_proxy": Field(kind: .text, defaultValue: .null),
    "https_proxy": Field(kind: .text, defaultValue: .null),
    "no_proxy": Field(kind: .text, defaultValue: .null),
    "server_type": Field(kind: .text, defaultValue: "vm"),
    "insecure_registry": Field(kind: .text, defaultValue: .null),
    "tags": Field(kind: .text, defaultValue: .null),
    "floating_ip_enabled": Field(kind: .flag, defaultValue: true),
    "master_lb_enabled": Field(kind: .flag, defaultValue: false),
    "tls_disabled": Field(kind: .flag, defaultValue: false),
    "public": Field(kind: .flag, defaultValue: false),
    "registry_enabled": Field(kind: .flag, defaultValue: false),
    "hidden": Field(kind: .flag, defaultValue: false),
    "docker_volume_size": Field(kind: .integer, defaultValue: .null),
    "apiserver_port": Field(kind: .integer, defaultValue: .null),
    "labels": Field(kind: .labels, defaultValue: [:]),
  ]

  /// Attributes a template cannot be created (or left) without.
  static let mandatory: Set<String> = ["image_id", "coe"]
  /// Container orchestration engines Magnum knows.
  static let engines: Set<String> = ["kubernetes", "swarm", "swarm-mode", "mesos", "dcos"]

  // MARK: - Create

  /// The template's name and stored attributes from a `POST /clustertemplates` body.
  static func attributes(fromCreateBody body: JSONValue?) throws -> (name: String?, attributes: [String: JSONValue]) {
    guard let object = body?.objectValue else {
      throw ServiceError.badRequest("The request body must be a JSON object describing the cluster template.")
    }
    var name: String?
    var attributes = fields.mapValues(\.defaultValue)
    for (key, value) in object {
      if key == "name" {
        name = try validName(value)
      } else if let field = fields[key] {
        attributes[key] = try coerce(value, as: field.kind, attribute: key)
      } else if key == "cluster_distro" || key == "uuid" {
        continue
      } else {
        throw ServiceError.badRequest("Unknown attribute for argument cluster_template: \(key)")
      }
    }
    try checkMandatory(attributes)
    return (name, attributes)
  }

  // MARK: - Patch

  /// Applies a JSON-patch list (`add`, `replace`, `remove` on `/attribute` or `/labels/key`).
  static func applying(patch body: JSONValue?, name: String, attributes: [String: JSONValue]) throws
    -> (name: String, attributes: [String: JSONValue])
  {
    guard let operations = body?.arrayValue else {
      throw ServiceError.badRequest("The request body must be a JSON-patch list of operations.")
    }
    var name = name
    var attributes = attributes
    for operation in operations {
      guard let op = operation["op"]?.stringValue, ["add", "replace", "remove"].contains(op),
        let path = operation["path"]?.stringValue, path.hasPrefix("/")
      else {
        throw ServiceError.badRequest("Each patch operation needs an op (add, replace, remove) and a path.")
      }
      let segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map(String.init)
      let value = operation["value"]
      if op != "remove", value == nil {
        throw ServiceError.badRequest("'value' is a mandatory attribute of a patch \(op) operation.")
      }
      switch (segments.first ?? "", segments.count) {
      case ("name", 1):
        guard op != "remove" else {
          throw ServiceError.badRequest("'/name' is a mandatory attribute and can not be removed")
        }
        name = try validName(value ?? .null)
      case ("labels", 2):
        var labels = attributes["labels"]?.objectValue ?? [:]
        if op == "remove" {
          guard labels.removeValue(forKey: segments[1]) != nil else {
            throw ServiceError.badRequest("Can't remove non-existent label \(segments[1]).")
          }
        } else {
          labels[segments[1]] = .string(try labelText(value ?? .null, key: segments[1]))
        }
        attributes["labels"] = .object(labels)
      case (let key, 1) where fields[key] != nil:
        if op == "remove" {
          guard !mandatory.contains(key) else {
            throw ServiceError.badRequest("'\(path)' is a mandatory attribute and can not be removed")
          }
          attributes[key] = fields[key]?.defaultValue
        } else if let field = fields[key] {
          attributes[key] = try coerce(value ?? .null, as: field.kind, attribute: key)
        }
      default:
        throw ServiceError.badRequest("Adding a new attribute (\(path)) to the root of the resource is not allowed.")
      }
    }
    try checkMandatory(attributes)
    return (name, attributes)
  }

  // MARK: - Values

  private static func checkMandatory(_ attributes: [String: JSONValue]) throws {
    for key in mandatory.sorted() where attributes[key] == nil || attributes[key] == .null {
      throw invalid(key, nil, "Mandatory field missing.")
    }
    if let coe = attributes["coe"]?.stringValue, !engines.contains(coe) {
      throw invalid("coe", .string(coe), "Value should be one of: \(engines.sorted().joined(separator: ", ")).")
    }
  }

  private static func validName(_ value: JSONValue) throws -> String {
    guard let name = value.stringValue, !name.isEmpty, name.count <= 255 else {
      throw invalid("name", value, "Value should be a string of 1 to 255 characters.")
    }
    return name
  }

  /// Converts a value to the field's type the way WSME does (`"True"` is a valid boolean, `"3"` an integer).
  private static func coerce(_ value: JSONValue, as kind: Kind, attribute: String) throws -> JSONValue {
    if value == .null { return kind == .labels ? [:] : .null }
    switch kind {
    case .text:
      guard case .string = value else { throw invalid(attribute, value, "Wrong type. Expected 'str'.") }
      return value
    case .flag:
      if case .bool = value { return value }
      switch value.stringValue?.lowercased() {
      case "true", "1", "yes", "on": return true
      case "false", "0", "no", "off": return false
      default: throw invalid(attribute, value, "Wrong type. Expected 'bool'.")
      }
    case .integer:
      if let number = value.intValue { return .int(number) }
      if let text = value.stringValue, let number = Int(text) { return .int(number) }
      throw invalid(attribute, value, "Wrong type. Expected 'int'.")
    case .labels:
      guard let object = value.objectValue else { throw invalid(attribute, value, "Wrong type. Expected 'dict'.") }
      return .object(
        try object.reduce(into: [:]) { labels, entry in
          labels[entry.key] = .string(try labelText(entry.value, key: entry.key))
        })
    }
  }

  /// Label values are strings; numbers and booleans are accepted and stored as their text.
  static func labelText(_ value: JSONValue, key: String) throws -> String {
    switch value {
    case .string(let text): return text
    case .int(let number): return String(number)
    case .double(let number): return String(number)
    case .bool(let flag): return flag ? "true" : "false"
    default: throw invalid("labels", value, "Label \(key) must be a string.")
    }
  }

  static func invalid(_ attribute: String, _ value: JSONValue?, _ reason: String) -> ServiceError {
    let shown = value.map { $0.stringValue ?? $0.serializedString() } ?? ""
    return .badRequest("Invalid input for field/attribute \(attribute). Value: '\(shown)'. \(reason)")
  }
}
