// MARK: - SecurityGroupRule

/// One rule of a Neutron security group. Rules have no update: a changed rule is a delete and a create.
/// `protocol` reads as text whether Neutron sends a name (`tcp`) or a number.
public struct SecurityGroupRule: Decodable, Sendable, Equatable {
  public var id: String
  public var securityGroupID: String
  /// `ingress` or `egress`.
  public var direction: String
  /// `IPv4` or `IPv6`.
  public var ethertype: String
  /// `tcp`, `udp`, `icmp`, a protocol number, or nil for any.
  public var `protocol`: String?
  public var portRangeMin: Int?
  public var portRangeMax: Int?
  public var remoteIPPrefix: String?
  public var remoteGroupID: String?
  public var description: String?
  public var projectID: String?
  public var revisionNumber: Int?
  public var createdAt: String?
  public var updatedAt: String?

  public init(
    id: String, securityGroupID: String, direction: String, ethertype: String, protocol: String? = nil,
    portRangeMin: Int? = nil, portRangeMax: Int? = nil, remoteIPPrefix: String? = nil, remoteGroupID: String? = nil,
    description: String? = nil, projectID: String? = nil, revisionNumber: Int? = nil, createdAt: String? = nil,
    updatedAt: String? = nil
  ) {
    self.id = id
    self.securityGroupID = securityGroupID
    self.direction = direction
    self.ethertype = ethertype
    self.protocol = `protocol`
    self.portRangeMin = portRangeMin
    self.portRangeMax = portRangeMax
    self.remoteIPPrefix = remoteIPPrefix
    self.remoteGroupID = remoteGroupID
    self.description = description
    self.projectID = projectID
    self.revisionNumber = revisionNumber
    self.createdAt = createdAt
    self.updatedAt = updatedAt
  }

  enum CodingKeys: String, CodingKey {
    case id
    case securityGroupID = "security_group_id"
    case direction
    case ethertype
    case `protocol`
    case portRangeMin = "port_range_min"
    case portRangeMax = "port_range_max"
    case remoteIPPrefix = "remote_ip_prefix"
    case remoteGroupID = "remote_group_id"
    case description
    case projectID = "project_id"
    case tenantID = "tenant_id"
    case revisionNumber = "revision_number"
    case createdAt = "created_at"
    case updatedAt = "updated_at"
  }

  // MARK: - Coding

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    id = try container.decode(String.self, forKey: .id)
    securityGroupID = try container.decode(String.self, forKey: .securityGroupID)
    direction = try container.decode(String.self, forKey: .direction)
    ethertype = try container.decodeIfPresent(String.self, forKey: .ethertype) ?? "IPv4"
    if let number = try? container.decodeIfPresent(Int.self, forKey: .protocol) {
      `protocol` = String(number)
    } else {
      `protocol` = try container.decodeIfPresent(String.self, forKey: .protocol)
    }
    portRangeMin = try container.decodeIfPresent(Int.self, forKey: .portRangeMin)
    portRangeMax = try container.decodeIfPresent(Int.self, forKey: .portRangeMax)
    remoteIPPrefix = try container.decodeIfPresent(String.self, forKey: .remoteIPPrefix)
    remoteGroupID = try container.decodeIfPresent(String.self, forKey: .remoteGroupID)
    description = try container.decodeIfPresent(String.self, forKey: .description)
    projectID =
      try container.decodeIfPresent(String.self, forKey: .projectID)
      ?? container.decodeIfPresent(String.self, forKey: .tenantID)
    revisionNumber = try container.decodeIfPresent(Int.self, forKey: .revisionNumber)
    createdAt = try container.decodeIfPresent(String.self, forKey: .createdAt)
    updatedAt = try container.decodeIfPresent(String.self, forKey: .updatedAt)
  }
}
