// MARK: - NetworkPort

/// A Neutron port: an address (or several) on a network, the security groups guarding it and the extra addresses
/// it may answer for (`allowed_address_pairs`, how a VIP moves between hosts). Fields a deployment may leave out
/// read as nil or empty.
public struct NetworkPort: Decodable, Sendable, Equatable {
  public var id: String
  public var name: String
  public var networkID: String
  public var fixedIPs: [FixedIP]
  public var allowedAddressPairs: [AddressPair]
  public var securityGroups: [String]
  public var macAddress: String?
  /// `ACTIVE`, `DOWN`, `BUILD`…
  public var status: String?
  public var adminStateUp: Bool?
  public var deviceID: String?
  public var deviceOwner: String?
  public var description: String?
  public var projectID: String?
  public var portSecurityEnabled: Bool?
  public var tags: [String]
  public var revisionNumber: Int?
  public var createdAt: String?
  public var updatedAt: String?

  /// One address of the port on one subnet.
  public struct FixedIP: Codable, Sendable, Equatable {
    public var ipAddress: String
    public var subnetID: String?

    public init(ipAddress: String, subnetID: String? = nil) {
      self.ipAddress = ipAddress
      self.subnetID = subnetID
    }

    enum CodingKeys: String, CodingKey {
      case ipAddress = "ip_address"
      case subnetID = "subnet_id"
    }
  }

  /// An address (or CIDR) the port may also send and receive for; the MAC defaults to the port's own.
  public struct AddressPair: Codable, Sendable, Equatable, Hashable {
    public var ipAddress: String
    public var macAddress: String?

    public init(ipAddress: String, macAddress: String? = nil) {
      self.ipAddress = ipAddress
      self.macAddress = macAddress
    }

    enum CodingKeys: String, CodingKey {
      case ipAddress = "ip_address"
      case macAddress = "mac_address"
    }
  }

  public init(
    id: String, name: String, networkID: String, fixedIPs: [FixedIP] = [], allowedAddressPairs: [AddressPair] = [],
    securityGroups: [String] = [], macAddress: String? = nil, status: String? = nil, adminStateUp: Bool? = nil,
    deviceID: String? = nil, deviceOwner: String? = nil, description: String? = nil, projectID: String? = nil,
    portSecurityEnabled: Bool? = nil, tags: [String] = [], revisionNumber: Int? = nil, createdAt: String? = nil,
    updatedAt: String? = nil
  ) {
    self.id = id
    self.name = name
    self.networkID = networkID
    self.fixedIPs = fixedIPs
    self.allowedAddressPairs = allowedAddressPairs
    self.securityGroups = securityGroups
    self.macAddress = macAddress
    self.status = status
    self.adminStateUp = adminStateUp
    self.deviceID = deviceID
    self.deviceOwner = deviceOwner
    self.description = description
    self.projectID = projectID
    self.portSecurityEnabled = portSecurityEnabled
    self.tags = tags
    self.revisionNumber = revisionNumber
    self.createdAt = createdAt
    self.updatedAt = updatedAt
  }

  enum CodingKeys: String, CodingKey {
    case id
    case name
    case networkID = "network_id"
    case fixedIPs = "fixed_ips"
    case allowedAddressPairs = "allowed_address_pairs"
    case securityGroups = "security_groups"
    case macAddress = "mac_address"
    case status
    case adminStateUp = "admin_state_up"
    case deviceID = "device_id"
    case deviceOwner = "device_owner"
    case description
    case projectID = "project_id"
    case tenantID = "tenant_id"
    case portSecurityEnabled = "port_security_enabled"
    case tags
    case revisionNumber = "revision_number"
    case createdAt = "created_at"
    case updatedAt = "updated_at"
  }

  /// The port's addresses, in order.
  public var ipAddresses: [String] { fixedIPs.map(\.ipAddress) }

  // MARK: - Coding

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    id = try container.decode(String.self, forKey: .id)
    name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
    networkID = try container.decode(String.self, forKey: .networkID)
    fixedIPs = try container.decodeIfPresent([FixedIP].self, forKey: .fixedIPs) ?? []
    allowedAddressPairs = try container.decodeIfPresent([AddressPair].self, forKey: .allowedAddressPairs) ?? []
    securityGroups = try container.decodeIfPresent([String].self, forKey: .securityGroups) ?? []
    macAddress = try container.decodeIfPresent(String.self, forKey: .macAddress)
    status = try container.decodeIfPresent(String.self, forKey: .status)
    adminStateUp = try container.decodeIfPresent(Bool.self, forKey: .adminStateUp)
    deviceID = try container.decodeIfPresent(String.self, forKey: .deviceID)
    deviceOwner = try container.decodeIfPresent(String.self, forKey: .deviceOwner)
    description = try container.decodeIfPresent(String.self, forKey: .description)
    projectID =
      try container.decodeIfPresent(String.self, forKey: .projectID)
      ?? container.decodeIfPresent(String.self, forKey: .tenantID)
    portSecurityEnabled = try container.decodeIfPresent(Bool.self, forKey: .portSecurityEnabled)
    tags = try container.decodeIfPresent([String].self, forKey: .tags) ?? []
    revisionNumber = try container.decodeIfPresent(Int.self, forKey: .revisionNumber)
    createdAt = try container.decodeIfPresent(String.self, forKey: .createdAt)
    updatedAt = try container.decodeIfPresent(String.self, forKey: .updatedAt)
  }
}
