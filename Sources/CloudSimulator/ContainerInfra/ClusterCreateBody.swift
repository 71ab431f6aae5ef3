import Foundation

/// A validated `POST /clusters` body.
struct ClusterCreateBody: Sendable {
  var name: String
  var clusterTemplateIdentifier: String
  var masterCount: Int
  var nodeCount: Int
  var createTimeout: Int
  var keypair: String?
  var flavorID: String?
  var masterFlavorID: String?
  var dockerVolumeSize: Int?
  var discoveryURL: String?
  /// nil (or empty) means "take the template's labels", as Magnum does.
  var labels: [String: String]?

  static let acceptedAttributes: Set<String> = [
    "name", "cluster_template_id", "master_count", "node_count", "create_timeout", "keypair", "flavor_id",
    "master_flavor_id", "labels", "discovery_url", "docker_volume_size", "fixed_network", "fixed_subnet",
    "floating_ip_enabled", "master_lb_enabled", "merge_labels",
  ]

  // MARK: - Parsing

  init(body: JSONValue?) throws {
    guard let object = body?.objectValue else {
      throw ServiceError.badRequest("The request body must be a JSON object describing the cluster.")
    }
    if let unknown = object.keys.sorted().first(where: { !Self.acceptedAttributes.contains($0) }) {
      throw ServiceError.badRequest("Unknown attribute for argument cluster: \(unknown)")
    }
    let fields = object.filter { !$0.value.isNull }
    if let value = fields["name"] {
      guard let name = value.stringValue, Self.isValidName(name), name.count <= 242 else {
        throw ClusterTemplateSchema.invalid(
          "name", value,
          "Cluster name must start with a letter and contain only letters, digits, '_', '.' and '-' (at most 242).")
      }
      self.name = name
    } else {
      self.name = "cluster-" + Identifiers.randomHex(bytes: 4)
    }
    guard let template = fields["cluster_template_id"] else {
      throw ClusterTemplateSchema.invalid("cluster_template_id", nil, "Mandatory field missing.")
    }
    guard let templateIdentifier = template.stringValue, !templateIdentifier.isEmpty else {
      throw ClusterTemplateSchema.invalid("cluster_template_id", template, "Wrong type. Expected 'str'.")
    }
    self.clusterTemplateIdentifier = templateIdentifier
    self.masterCount = try Self.integer(fields, "master_count", default: 1, minimum: 1)
    self.nodeCount = try Self.integer(fields, "node_count", default: 1, minimum: 0)
    self.createTimeout = try Self.integer(fields, "create_timeout", default: 60, minimum: 0)
    self.dockerVolumeSize = try fields["docker_volume_size"].map { _ in
      try Self.integer(fields, "docker_volume_size", default: 0, minimum: 1)
    }
    self.keypair = try Self.text(fields, "keypair")
    self.flavorID = try Self.text(fields, "flavor_id")
    self.masterFlavorID = try Self.text(fields, "master_flavor_id")
    self.discoveryURL = try Self.text(fields, "discovery_url")
    if let value = fields["labels"] {
      guard let object = value.objectValue else {
        throw ClusterTemplateSchema.invalid("labels", value, "Wrong type. Expected 'dict'.")
      }
      var labels: [String: String] = [:]
      for (key, label) in object {
        labels[key] = try ClusterTemplateSchema.labelText(label, key: key)
      }
      self.labels = labels
    }
  }

  // MARK: - Fields

  /// Magnum's cluster name rule: `^[a-zA-Z][a-zA-Z0-9_.-]*$`.
  static func isValidName(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, first.isASCIILetter else { return false }
    return name.unicodeScalars.dropFirst().allSatisfy { scalar in
      scalar.isASCIILetter || ("0"..."9").contains(scalar) || "_.-".unicodeScalars.contains(scalar)
    }
  }

  private static func integer(_ fields: [String: JSONValue], _ key: String, default fallback: Int, minimum: Int)
    throws -> Int
  {
    guard let value = fields[key] else { return fallback }
    guard let number = value.intValue else {
      throw ClusterTemplateSchema.invalid(key, value, "Wrong type. Expected 'int'.")
    }
    guard number >= minimum else {
      throw ClusterTemplateSchema.invalid(key, value, "Value should be greater or equal to \(minimum)")
    }
    return number
  }

  private static func text(_ fields: [String: JSONValue], _ key: String) throws -> String? {
    guard let value = fields[key] else { return nil }
    guard let text = value.stringValue else {
      throw ClusterTemplateSchema.invalid(key, value, "Wrong type. Expected 'str'.")
    }
    return text
  }
}

// MARK: - Character classes

extension Unicode.Scalar {
  fileprivate var isASCIILetter: Bool {
    ("a"..."z").contains(self) || ("A"..."Z").contains(self)
  }
}
