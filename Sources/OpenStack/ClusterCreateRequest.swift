// MARK: - ClusterCreateRequest

/// The body of `POST /clusters`; nil fields are left out so the template's values apply.
public struct ClusterCreateRequest: Codable, Sendable, Equatable {
  public var name: String
  public var clusterTemplateID: String
  public var masterCount: Int
  public var nodeCount: Int
  /// Minutes Magnum (Heat) allows the creation before marking it `CREATE_FAILED`.
  public var createTimeout: Int
  public var keypair: String?
  public var flavorID: String?
  public var masterFlavorID: String?
  public var labels: [String: String]?

  public init(
    name: String, clusterTemplateID: String, masterCount: Int, nodeCount: Int, createTimeout: Int,
    keypair: String? = nil, flavorID: String? = nil, masterFlavorID: String? = nil, labels: [String: String]? = nil
  ) {
    self.name = name
    self.clusterTemplateID = clusterTemplateID
    self.masterCount = masterCount
    self.nodeCount = nodeCount
    self.createTimeout = createTimeout
    self.keypair = keypair
    self.flavorID = flavorID
    self.masterFlavorID = masterFlavorID
    self.labels = labels
  }

  enum CodingKeys: String, CodingKey {
    case name
    case clusterTemplateID = "cluster_template_id"
    case masterCount = "master_count"
    case nodeCount = "node_count"
    case createTimeout = "create_timeout"
    case keypair
    case flavorID = "flavor_id"
    case masterFlavorID = "master_flavor_id"
    case labels
  }
}
