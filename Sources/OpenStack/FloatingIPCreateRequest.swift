// MARK: - FloatingIPCreateRequest

/// The body of `POST /v2.0/floatingips` (inside `{"floatingip": …}`): the external network, and optionally the
/// address wanted and the port to NAT it to.
public struct FloatingIPCreateRequest: Codable, Sendable, Equatable {
  public var floatingNetworkID: String
  public var floatingIPAddress: String?
  public var portID: String?
  public var fixedIPAddress: String?
  public var description: String?

  public init(
    floatingNetworkID: String, floatingIPAddress: String? = nil, portID: String? = nil,
    fixedIPAddress: String? = nil, description: String? = nil
  ) {
    self.floatingNetworkID = floatingNetworkID
    self.floatingIPAddress = floatingIPAddress
    self.portID = portID
    self.fixedIPAddress = fixedIPAddress
    self.description = description
  }

  enum CodingKeys: String, CodingKey {
    case floatingNetworkID = "floating_network_id"
    case floatingIPAddress = "floating_ip_address"
    case portID = "port_id"
    case fixedIPAddress = "fixed_ip_address"
    case description
  }
}
