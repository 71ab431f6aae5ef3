// MARK: - Subnet

/// A Neutron subnet, read to resolve a name (`vxlan-dualstack-ipv4`, `cloud-flat-codfw1dev`) to its id, network and
/// address range. Fields a deployment may leave out read as nil.
public struct Subnet: Decodable, Sendable, Equatable {
  public var id: String
  public var name: String
  public var networkID: String
  /// The address range, e.g. `172.16.0.0/21` or `2a02:ec80:a000::/56`.
  public var cidr: String
  /// 4 or 6.
  public var ipVersion: Int
  public var gatewayIP: String?
  public var enableDHCP: Bool?
  public var description: String?
  public var projectID: String?

  public init(
    id: String, name: String, networkID: String, cidr: String, ipVersion: Int, gatewayIP: String? = nil,
    enableDHCP: Bool? = nil, description: String? = nil, projectID: String? = nil
  ) {
    self.id = id
    self.name = name
    self.networkID = networkID
    self.cidr = cidr
    self.ipVersion = ipVersion
    self.gatewayIP = gatewayIP
    self.enableDHCP = enableDHCP
    self.description = description
    self.projectID = projectID
  }

  enum CodingKeys: String, CodingKey {
    case id
    case name
    case networkID = "network_id"
    case cidr
    case ipVersion = "ip_version"
    case gatewayIP = "gateway_ip"
    case enableDHCP = "enable_dhcp"
    case description
    case projectID = "project_id"
    case tenantID = "tenant_id"
  }

  // MARK: - Coding

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    id = try container.decode(String.self, forKey: .id)
    name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
    networkID = try container.decode(String.self, forKey: .networkID)
    cidr = try container.decode(String.self, forKey: .cidr)
    ipVersion = try container.decode(Int.self, forKey: .ipVersion)
    gatewayIP = try container.decodeIfPresent(String.self, forKey: .gatewayIP)
    enableDHCP = try container.decodeIfPresent(Bool.self, forKey: .enableDHCP)
    description = try container.decodeIfPresent(String.self, forKey: .description)
    projectID =
      try container.decodeIfPresent(String.self, forKey: .projectID)
      ?? container.decodeIfPresent(String.self, forKey: .tenantID)
  }
}
