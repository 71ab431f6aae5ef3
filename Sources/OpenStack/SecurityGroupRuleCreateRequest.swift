// MARK: - SecurityGroupRuleCreateRequest

/// The body of `POST /v2.0/security-group-rules` (inside `{"security_group_rule": …}`); nil fields are left out
/// (no protocol means any, no remote means everywhere).
public struct SecurityGroupRuleCreateRequest: Codable, Sendable, Equatable {
  public var securityGroupID: String
  /// `ingress` or `egress`.
  public var direction: String
  /// `IPv4` (Neutron's default) or `IPv6`.
  public var ethertype: String?
  public var `protocol`: String?
  public var portRangeMin: Int?
  public var portRangeMax: Int?
  public var remoteIPPrefix: String?
  public var remoteGroupID: String?
  public var description: String?

  public init(
    securityGroupID: String, direction: String, ethertype: String? = nil, protocol: String? = nil,
    portRangeMin: Int? = nil, portRangeMax: Int? = nil, remoteIPPrefix: String? = nil, remoteGroupID: String? = nil,
    description: String? = nil
  ) {
    self.securityGroupID = securityGroupID
    self.direction = direction
    self.ethertype = ethertype
    self.protocol = `protocol`
    self.portRangeMin = portRangeMin
    self.portRangeMax = portRangeMax
    self.remoteIPPrefix = remoteIPPrefix
    self.remoteGroupID = remoteGroupID
    self.description = description
  }

  enum CodingKeys: String, CodingKey {
    case securityGroupID = "security_group_id"
    case direction
    case ethertype
    case `protocol`
    case portRangeMin = "port_range_min"
    case portRangeMax = "port_range_max"
    case remoteIPPrefix = "remote_ip_prefix"
    case remoteGroupID = "remote_group_id"
    case description
  }
}
