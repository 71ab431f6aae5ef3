// MARK: - PortCreateRequest

/// The body of `POST /v2.0/ports` (inside `{"port": …}`); nil fields are left out so Neutron's defaults apply
/// (an address from the network's subnet, the project's `default` security group).
public struct PortCreateRequest: Codable, Sendable, Equatable {
  public var networkID: String
  public var name: String?
  public var fixedIPs: [FixedIP]?
  public var securityGroups: [String]?
  public var allowedAddressPairs: [NetworkPort.AddressPair]?
  public var description: String?

  /// A wanted address: a subnet (Neutron picks the address), an address, or both.
  public struct FixedIP: Codable, Sendable, Equatable {
    public var subnetID: String?
    public var ipAddress: String?

    public init(subnetID: String? = nil, ipAddress: String? = nil) {
      self.subnetID = subnetID
      self.ipAddress = ipAddress
    }

    enum CodingKeys: String, CodingKey {
      case subnetID = "subnet_id"
      case ipAddress = "ip_address"
    }
  }

  public init(
    networkID: String, name: String? = nil, fixedIPs: [FixedIP]? = nil, securityGroups: [String]? = nil,
    allowedAddressPairs: [NetworkPort.AddressPair]? = nil, description: String? = nil
  ) {
    self.networkID = networkID
    self.name = name
    self.fixedIPs = fixedIPs
    self.securityGroups = securityGroups
    self.allowedAddressPairs = allowedAddressPairs
    self.description = description
  }

  enum CodingKeys: String, CodingKey {
    case networkID = "network_id"
    case name
    case fixedIPs = "fixed_ips"
    case securityGroups = "security_groups"
    case allowedAddressPairs = "allowed_address_pairs"
    case description
  }
}
