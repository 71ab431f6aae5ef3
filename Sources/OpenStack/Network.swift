// MARK: - Network

/// A Neutron network, read to resolve a name (`VXLAN/IPv6-dualstack`, `wan-transport-eqiad`) to its id.
public struct Network: Codable, Sendable, Equatable {
  public var id: String
  public var name: String
  public var status: String?
  public var subnets: [String]
  /// `router:external`: floating IPs come from such a network.
  public var isExternal: Bool?
  public var shared: Bool?
  public var adminStateUp: Bool?
  public var mtu: Int?
  public var description: String?
  public var projectID: String?

  public init(
    id: String, name: String, status: String? = nil, subnets: [String] = [], isExternal: Bool? = nil,
    shared: Bool? = nil, adminStateUp: Bool? = nil, mtu: Int? = nil, description: String? = nil,
    projectID: String? = nil
  ) {
    self.id = id
    self.name = name
    self.status = status
    self.subnets = subnets
    self.isExternal = isExternal
    self.shared = shared
    self.adminStateUp = adminStateUp
    self.mtu = mtu
    self.description = description
    self.projectID = projectID
  }

  enum CodingKeys: String, CodingKey {
    case id
    case name
    case status
    case subnets
    case isExternal = "router:external"
    case shared
    case adminStateUp = "admin_state_up"
    case mtu
    case description
    case projectID = "project_id"
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    id = try container.decode(String.self, forKey: .id)
    name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
    status = try container.decodeIfPresent(String.self, forKey: .status)
    subnets = try container.decodeIfPresent([String].self, forKey: .subnets) ?? []
    isExternal = try container.decodeIfPresent(Bool.self, forKey: .isExternal)
    shared = try container.decodeIfPresent(Bool.self, forKey: .shared)
    adminStateUp = try container.decodeIfPresent(Bool.self, forKey: .adminStateUp)
    mtu = try container.decodeIfPresent(Int.self, forKey: .mtu)
    description = try container.decodeIfPresent(String.self, forKey: .description)
    projectID = try container.decodeIfPresent(String.self, forKey: .projectID)
  }
}
