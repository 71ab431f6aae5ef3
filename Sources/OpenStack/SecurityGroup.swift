// MARK: - SecurityGroup

/// A Neutron security group with the rules Neutron reports inside it (a new group comes with two egress rules,
/// one per ethertype).
public struct SecurityGroup: Decodable, Sendable, Equatable {
  public var id: String
  public var name: String
  public var description: String?
  public var projectID: String?
  public var rules: [SecurityGroupRule]
  public var stateful: Bool?
  public var tags: [String]
  public var revisionNumber: Int?
  public var createdAt: String?
  public var updatedAt: String?

  public init(
    id: String, name: String, description: String? = nil, projectID: String? = nil, rules: [SecurityGroupRule] = [],
    stateful: Bool? = nil, tags: [String] = [], revisionNumber: Int? = nil, createdAt: String? = nil,
    updatedAt: String? = nil
  ) {
    self.id = id
    self.name = name
    self.description = description
    self.projectID = projectID
    self.rules = rules
    self.stateful = stateful
    self.tags = tags
    self.revisionNumber = revisionNumber
    self.createdAt = createdAt
    self.updatedAt = updatedAt
  }

  enum CodingKeys: String, CodingKey {
    case id
    case name
    case description
    case projectID = "project_id"
    case tenantID = "tenant_id"
    case rules = "security_group_rules"
    case stateful
    case tags
    case revisionNumber = "revision_number"
    case createdAt = "created_at"
    case updatedAt = "updated_at"
  }

  // MARK: - Coding

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    id = try container.decode(String.self, forKey: .id)
    name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
    description = try container.decodeIfPresent(String.self, forKey: .description)
    projectID =
      try container.decodeIfPresent(String.self, forKey: .projectID)
      ?? container.decodeIfPresent(String.self, forKey: .tenantID)
    rules = try container.decodeIfPresent([SecurityGroupRule].self, forKey: .rules) ?? []
    stateful = try container.decodeIfPresent(Bool.self, forKey: .stateful)
    tags = try container.decodeIfPresent([String].self, forKey: .tags) ?? []
    revisionNumber = try container.decodeIfPresent(Int.self, forKey: .revisionNumber)
    createdAt = try container.decodeIfPresent(String.self, forKey: .createdAt)
    updatedAt = try container.decodeIfPresent(String.self, forKey: .updatedAt)
  }
}
