// MARK: - Cluster

/// A Magnum cluster. `GET /clusters/{id}` fills every field; the `GET /clusters` summary leaves the detail fields
/// (addresses, `status_reason`, flavors, labels, `coe_version`…) nil. Label values that are not strings read as
/// their text.
public struct Cluster: Codable, Sendable, Equatable {
  public var uuid: String
  public var name: String
  /// `CREATE_IN_PROGRESS`, `CREATE_COMPLETE`, `CREATE_FAILED`, `UPDATE_IN_PROGRESS`, `DELETE_IN_PROGRESS`…
  public var status: String
  public var statusReason: String?
  public var clusterTemplateID: String
  public var masterCount: Int?
  public var nodeCount: Int?
  public var keypair: String?
  public var flavorID: String?
  public var masterFlavorID: String?
  public var labels: [String: String]?
  /// Minutes.
  public var createTimeout: Int?
  public var apiAddress: String?
  public var masterAddresses: [String]?
  public var nodeAddresses: [String]?
  public var coeVersion: String?
  public var stackID: String?
  public var createdAt: String?
  public var updatedAt: String?

  public init(
    uuid: String, name: String, status: String, statusReason: String? = nil, clusterTemplateID: String,
    masterCount: Int? = nil, nodeCount: Int? = nil, keypair: String? = nil, flavorID: String? = nil,
    masterFlavorID: String? = nil, labels: [String: String]? = nil, createTimeout: Int? = nil,
    apiAddress: String? = nil, masterAddresses: [String]? = nil, nodeAddresses: [String]? = nil,
    coeVersion: String? = nil, stackID: String? = nil, createdAt: String? = nil, updatedAt: String? = nil
  ) {
    self.uuid = uuid
    self.name = name
    self.status = status
    self.statusReason = statusReason
    self.clusterTemplateID = clusterTemplateID
    self.masterCount = masterCount
    self.nodeCount = nodeCount
    self.keypair = keypair
    self.flavorID = flavorID
    self.masterFlavorID = masterFlavorID
    self.labels = labels
    self.createTimeout = createTimeout
    self.apiAddress = apiAddress
    self.masterAddresses = masterAddresses
    self.nodeAddresses = nodeAddresses
    self.coeVersion = coeVersion
    self.stackID = stackID
    self.createdAt = createdAt
    self.updatedAt = updatedAt
  }

  enum CodingKeys: String, CodingKey {
    case uuid
    case name
    case status
    case statusReason = "status_reason"
    case clusterTemplateID = "cluster_template_id"
    case masterCount = "master_count"
    case nodeCount = "node_count"
    case keypair
    case flavorID = "flavor_id"
    case masterFlavorID = "master_flavor_id"
    case labels
    case createTimeout = "create_timeout"
    case apiAddress = "api_address"
    case masterAddresses = "master_addresses"
    case nodeAddresses = "node_addresses"
    case coeVersion = "coe_version"
    case stackID = "stack_id"
    case createdAt = "created_at"
    case updatedAt = "updated_at"
  }

  // MARK: - Decoding

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    uuid = try container.decode(String.self, forKey: .uuid)
    name = try container.decode(String.self, forKey: .name)
    status = try container.decode(String.self, forKey: .status)
    statusReason = try container.decodeIfPresent(String.self, forKey: .statusReason)
    clusterTemplateID = try container.decode(String.self, forKey: .clusterTemplateID)
    masterCount = try container.decodeIfPresent(Int.self, forKey: .masterCount)
    nodeCount = try container.decodeIfPresent(Int.self, forKey: .nodeCount)
    keypair = try container.decodeIfPresent(String.self, forKey: .keypair)
    flavorID = try container.decodeIfPresent(String.self, forKey: .flavorID)
    masterFlavorID = try container.decodeIfPresent(String.self, forKey: .masterFlavorID)
    labels = try container.decodeLabelsIfPresent(forKey: .labels)
    createTimeout = try container.decodeIfPresent(Int.self, forKey: .createTimeout)
    apiAddress = try container.decodeIfPresent(String.self, forKey: .apiAddress)
    masterAddresses = try container.decodeIfPresent([String].self, forKey: .masterAddresses)
    nodeAddresses = try container.decodeIfPresent([String].self, forKey: .nodeAddresses)
    coeVersion = try container.decodeIfPresent(String.self, forKey: .coeVersion)
    stackID = try container.decodeIfPresent(String.self, forKey: .stackID)
    createdAt = try container.decodeIfPresent(String.self, forKey: .createdAt)
    updatedAt = try container.decodeIfPresent(String.self, forKey: .updatedAt)
  }
}
