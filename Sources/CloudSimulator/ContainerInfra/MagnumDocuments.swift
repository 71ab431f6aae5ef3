/// Renders Magnum resources the way Magnum's API does (field names and value formats from the API reference
/// samples).
struct MagnumDocuments {
  let baseURL: String
  let configuration: SimulatorConfiguration

  static let coeVersion = "v1.27.8"
  static let containerVersion = "1.12.6"

  // MARK: - Links

  /// `self` under `/magnum/v1/…` and `bookmark` under `/magnum/…`, like Magnum's links.
  func links(_ collection: String, _ uuid: String) -> JSONValue {
    [
      ["href": .string("\(baseURL)/magnum/v1/\(collection)/\(uuid)"), "rel": "self"],
      ["href": .string("\(baseURL)/magnum/\(collection)/\(uuid)"), "rel": "bookmark"],
    ]
  }

  // MARK: - Cluster templates

  /// The template's body; attributes a template stored before the simulator knew them read as their defaults.
  func template(_ record: ClusterTemplateRecord) -> JSONValue {
    var body = ClusterTemplateSchema.fields.mapValues(\.defaultValue).merging(record.attributeValues) { $1 }
    body["uuid"] = .string(record.uuid)
    body["name"] = .string(record.name)
    body["created_at"] = .string(WireTimestamp.magnum(record.createdAt))
    body["updated_at"] = .optional(record.updatedAt.map(WireTimestamp.magnum))
    body["links"] = links("clustertemplates", record.uuid)
    body["project_id"] = .string(configuration.project)
    body["user_id"] = .string(SimulatorConfiguration.userName)
    body["cluster_distro"] = .optional(Self.distro(forImage: body["image_id"]?.stringValue))
    return .object(body)
  }

  /// Magnum reads the distro from the image's `os_distro`; the simulator guesses it from the image name.
  static func distro(forImage image: String?) -> String? {
    guard let image = image?.lowercased() else { return nil }
    for distro in ["fedora-coreos", "fedora-atomic", "coreos", "ubuntu"] where image.contains(distro) {
      return distro
    }
    return "fedora-coreos"
  }

  // MARK: - Clusters

  /// The summary `GET /clusters` lists.
  func clusterSummary(_ cluster: ClusterRecord, at now: Double) -> JSONValue {
    .object(summaryFields(cluster, lifecycle: cluster.lifecycle(at: now)))
  }

  private func summaryFields(_ cluster: ClusterRecord, lifecycle: ClusterLifecycle) -> [String: JSONValue] {
    [
      "uuid": .string(cluster.uuid),
      "name": .string(cluster.name),
      "status": .string(lifecycle.status.rawValue),
      "health_status": .null,
      "cluster_template_id": .string(cluster.clusterTemplateID),
      "stack_id": .string(cluster.stackID),
      "keypair": .optional(cluster.keypair),
      "master_count": .int(cluster.masterCount),
      "node_count": .int(cluster.nodeCount),
      "create_timeout": .int(cluster.createTimeout),
      "flavor_id": .optional(cluster.flavorID),
      "master_flavor_id": .optional(cluster.masterFlavorID),
      "docker_volume_size": cluster.dockerVolumeSize.map(JSONValue.int) ?? .null,
      "labels": .stringMap(cluster.labels),
      "links": links("clusters", cluster.uuid),
    ]
  }

  /// The full body `GET /clusters/{id}` answers. Addresses are reported once the stack is built.
  func cluster(_ cluster: ClusterRecord, template: ClusterTemplateRecord?, at now: Double) -> JSONValue {
    let lifecycle = cluster.lifecycle(at: now)
    let templateAttributes = template?.attributeValues ?? [:]
    var body = summaryFields(cluster, lifecycle: lifecycle)
    let reported = lifecycle.reportsAddresses
    body["status_reason"] = .optional(lifecycle.statusReason)
    body["health_status_reason"] = [:]
    body["created_at"] = .string(WireTimestamp.magnum(cluster.createdAt))
    body["updated_at"] = .optional(lifecycle.updatedAt.map(WireTimestamp.magnum))
    body["api_address"] = .optional(reported ? cluster.masterAddresses.first.map { "https://\($0):6443" } : nil)
    body["master_addresses"] = .strings(reported ? cluster.masterAddresses : [])
    body["node_addresses"] = .strings(reported ? cluster.nodeAddresses : [])
    body["discovery_url"] = .optional(cluster.discoveryURL)
    body["coe_version"] = .optional(reported ? Self.coeVersion : nil)
    body["container_version"] = .optional(reported ? Self.containerVersion : nil)
    body["fixed_network"] = templateAttributes["fixed_network"] ?? .null
    body["fixed_subnet"] = templateAttributes["fixed_subnet"] ?? .null
    body["floating_ip_enabled"] = templateAttributes["floating_ip_enabled"] ?? true
    body["master_lb_enabled"] = templateAttributes["master_lb_enabled"] ?? false
    body["project_id"] = .string(configuration.project)
    body["user_id"] = .string(SimulatorConfiguration.userName)
    body["faults"] = [:]
    let templateLabels = templateAttributes["labels"]?.objectValue?.compactMapValues(\.stringValue) ?? [:]
    let difference = Self.labelDifference(cluster: cluster.labels, template: templateLabels)
    body["labels_added"] = .stringMap(difference.added)
    body["labels_skipped"] = .stringMap(difference.skipped)
    body["labels_overridden"] = .stringMap(difference.overridden)
    return .object(body)
  }

  /// How a cluster's labels differ from its template's, as Magnum reports it: labels only the cluster has, labels
  /// only the template has, and the template's value of each label the cluster changed.
  static func labelDifference(cluster: [String: String], template: [String: String]) -> (
    added: [String: String], skipped: [String: String], overridden: [String: String]
  ) {
    (
      added: cluster.filter { template[$0.key] == nil },
      skipped: template.filter { cluster[$0.key] == nil },
      overridden: template.filter { key, value in cluster[key].map { $0 != value } ?? false }
    )
  }

  // MARK: - Versions

  /// `GET /magnum/`: the API's versions.
  var versions: JSONValue {
    [
      "versions": [
        [
          "status": "CURRENT",
          "min_version": .string(Microversion.minimum.description),
          "max_version": .string(Microversion.maximum.description),
          "id": "v1",
          "links": [["href": .string(baseURL + "/magnum/v1/"), "rel": "self"]],
        ]
      ],
      "name": "OpenStack Magnum API",
      "description": "Magnum is an OpenStack project which aims to provide container management.",
    ]
  }

  /// `GET /magnum/v1`: the v1 root listing its collections.
  var versionOne: JSONValue {
    func collection(_ name: String) -> JSONValue {
      [
        ["href": .string("\(baseURL)/magnum/v1/\(name)/"), "rel": "self"],
        ["href": .string("\(baseURL)/magnum/\(name)/"), "rel": "bookmark"],
      ]
    }
    return [
      "id": "v1",
      "media_types": [["base": "application/json", "type": "application/vnd.openstack.magnum.v1+json"]],
      "links": [
        ["href": .string(baseURL + "/magnum/v1/"), "rel": "self"],
        [
          "href": "http://docs.openstack.org/developer/magnum/dev/api-spec-v1.html", "type": "text/html",
          "rel": "describedby",
        ],
      ],
      "mservices": collection("mservices"),
      "clustertemplates": collection("clustertemplates"),
      "certificates": collection("certificates"),
      "clusters": collection("clusters"),
    ]
  }
}
