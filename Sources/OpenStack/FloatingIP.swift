// MARK: - FloatingIP

/// A Neutron floating IP: a public address on an external network, NAT'd to a port's fixed address when
/// `port_id` is set.
public struct FloatingIP: Decodable, Sendable, Equatable {
  public var id: String
  public var floatingIPAddress: String
  public var floatingNetworkID: String
  public var portID: String?
  public var fixedIPAddress: String?
  public var routerID: String?
  /// `ACTIVE`, `DOWN` or `ERROR`.
  public var status: String?
  public var description: String?
  public var projectID: String?
  public var dnsName: String?
  public var dnsDomain: String?
  public var portDetails: PortDetails?
  public var tags: [String]
  public var revisionNumber: Int?
  public var createdAt: String?
  public var updatedAt: String?

  /// What Neutron tells about the associated port (the `fip-port-details` extension).
  public struct PortDetails: Codable, Sendable, Equatable {
    public var name: String?
    public var networkID: String?
    public var macAddress: String?
    public var adminStateUp: Bool?
    public var status: String?
    public var deviceID: String?
    public var deviceOwner: String?

    public init(
      name: String? = nil, networkID: String? = nil, macAddress: String? = nil, adminStateUp: Bool? = nil,
      status: String? = nil, deviceID: String? = nil, deviceOwner: String? = nil
    ) {
      self.name = name
      self.networkID = networkID
      self.macAddress = macAddress
      self.adminStateUp = adminStateUp
      self.status = status
      self.deviceID = deviceID
      self.deviceOwner = deviceOwner
    }

    enum CodingKeys: String, CodingKey {
      case name
      case networkID = "network_id"
      case macAddress = "mac_address"
      case adminStateUp = "admin_state_up"
      case status
      case deviceID = "device_id"
      case deviceOwner = "device_owner"
    }
  }

  public init(
    id: String, floatingIPAddress: String, floatingNetworkID: String, portID: String? = nil,
    fixedIPAddress: String? = nil, routerID: String? = nil, status: String? = nil, description: String? = nil,
    projectID: String? = nil, dnsName: String? = nil, dnsDomain: String? = nil, portDetails: PortDetails? = nil,
    tags: [String] = [], revisionNumber: Int? = nil, createdAt: String? = nil, updatedAt: String? = nil
  ) {
    self.id = id
    self.floatingIPAddress = floatingIPAddress
    self.floatingNetworkID = floatingNetworkID
    self.portID = portID
    self.fixedIPAddress = fixedIPAddress
    self.routerID = routerID
    self.status = status
    self.description = description
    self.projectID = projectID
    self.dnsName = dnsName
    self.dnsDomain = dnsDomain
    self.portDetails = portDetails
    self.tags = tags
    self.revisionNumber = revisionNumber
    self.createdAt = createdAt
    self.updatedAt = updatedAt
  }

  enum CodingKeys: String, CodingKey {
    case id
    case floatingIPAddress = "floating_ip_address"
    case floatingNetworkID = "floating_network_id"
    case portID = "port_id"
    case fixedIPAddress = "fixed_ip_address"
    case routerID = "router_id"
    case status
    case description
    case projectID = "project_id"
    case tenantID = "tenant_id"
    case dnsName = "dns_name"
    case dnsDomain = "dns_domain"
    case portDetails = "port_details"
    case tags
    case revisionNumber = "revision_number"
    case createdAt = "created_at"
    case updatedAt = "updated_at"
  }

  // MARK: - Coding

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    id = try container.decode(String.self, forKey: .id)
    floatingIPAddress = try container.decode(String.self, forKey: .floatingIPAddress)
    floatingNetworkID = try container.decode(String.self, forKey: .floatingNetworkID)
    portID = try container.decodeIfPresent(String.self, forKey: .portID)
    fixedIPAddress = try container.decodeIfPresent(String.self, forKey: .fixedIPAddress)
    routerID = try container.decodeIfPresent(String.self, forKey: .routerID)
    status = try container.decodeIfPresent(String.self, forKey: .status)
    description = try container.decodeIfPresent(String.self, forKey: .description)
    projectID =
      try container.decodeIfPresent(String.self, forKey: .projectID)
      ?? container.decodeIfPresent(String.self, forKey: .tenantID)
    dnsName = try container.decodeIfPresent(String.self, forKey: .dnsName)
    dnsDomain = try container.decodeIfPresent(String.self, forKey: .dnsDomain)
    portDetails = try container.decodeIfPresent(PortDetails.self, forKey: .portDetails)
    tags = try container.decodeIfPresent([String].self, forKey: .tags) ?? []
    revisionNumber = try container.decodeIfPresent(Int.self, forKey: .revisionNumber)
    createdAt = try container.decodeIfPresent(String.self, forKey: .createdAt)
    updatedAt = try container.decodeIfPresent(String.self, forKey: .updatedAt)
  }
}
