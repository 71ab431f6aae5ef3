/// Neutron's checks of a new security group rule: direction, ethertype, protocol (a name or 0–255), port range
/// (TCP-like: 1–65535 with min ≤ max; ICMP: type 0–255 and code 0–255; other protocols: none) and remote.
enum SecurityGroupRuleSchema {
  /// The protocol names Neutron accepts.
  static let protocolNames: Set<String> = [
    "ah", "any", "dccp", "egp", "esp", "gre", "hopopt", "icmp", "igmp", "ipip", "ipv6-encap", "ipv6-frag",
    "ipv6-icmp", "icmpv6", "ipv6-nonxt", "ipv6-opts", "ipv6-route", "ospf", "pgm", "rsvp", "sctp", "tcp", "udp",
    "udplite", "vrrp",
  ]
  /// Protocols with port ranges (by name and number).
  private static let portProtocols: Set<String> = [
    "tcp", "udp", "sctp", "dccp", "udplite", "6", "17", "132", "33", "136",
  ]
  /// Protocols whose range is an ICMP type and code.
  private static let icmpProtocols: Set<String> = ["icmp", "ipv6-icmp", "icmpv6", "1", "58"]

  /// The validated fields of a rule.
  struct Rule: Sendable {
    var direction: String
    var ethertype: String
    var `protocol`: String?
    var portRangeMin: Int?
    var portRangeMax: Int?
    var remoteIPPrefix: String?
    var remoteGroupID: String?
  }

  static func validate(_ attributes: [String: JSONValue]) throws -> Rule {
    let direction = try NeutronBody.string(attributes, "direction")
    guard let direction, ["ingress", "egress"].contains(direction) else {
      throw NeutronBody.invalidInput(
        "direction", "'\(direction ?? "None")' is not in ['ingress', 'egress']")
    }
    let ethertype = try NeutronBody.string(attributes, "ethertype") ?? "IPv4"
    guard ["IPv4", "IPv6"].contains(ethertype) else {
      throw ServiceError.neutron(
        .badRequest, "SecurityGroupRuleInvalidEtherType",
        "Security group rule for ethertype '\(ethertype)' not supported. Allowed values are ['IPv4', 'IPv6'].")
    }
    let protocolName = try protocolValue(attributes["protocol"])
    let minimum = try NeutronBody.int(attributes, "port_range_min")
    let maximum = try NeutronBody.int(attributes, "port_range_max")
    try validatePorts(protocol: protocolName, minimum: minimum, maximum: maximum)
    let prefix = try NeutronBody.string(attributes, "remote_ip_prefix")
    let group = try NeutronBody.string(attributes, "remote_group_id")
    if prefix != nil, group != nil {
      throw ServiceError.neutron(
        .badRequest, "SecurityGroupRemoteGroupAndRemoteIpPrefix",
        "Only remote_ip_prefix or remote_group_id may be provided.")
    }
    if let prefix, !NeutronAddresses.isPrefix(prefix, ethertype: ethertype) {
      throw ServiceError.neutron(
        .badRequest, "SecurityGroupRuleParameterConflict",
        "Conflicting value ethertype \(ethertype) for CIDR \(prefix)")
    }
    return Rule(
      direction: direction, ethertype: ethertype, protocol: protocolName, portRangeMin: minimum,
      portRangeMax: maximum, remoteIPPrefix: prefix, remoteGroupID: group)
  }

  /// The protocol as text: nil, a known name (lowercased) or a number 0–255.
  private static func protocolValue(_ value: JSONValue?) throws -> String? {
    let text: String
    switch value {
    case nil, .null?: return nil
    case .string(let name)?: text = name.lowercased()
    case let other?:
      guard let number = other.intValue else { throw invalidProtocol(other.serializedString()) }
      text = String(number)
    }
    if protocolNames.contains(text) { return text == "any" ? nil : text }
    guard let number = Int(text), (0...255).contains(number) else { throw invalidProtocol(text) }
    return text
  }

  private static func invalidProtocol(_ text: String) -> ServiceError {
    .neutron(
      .badRequest, "SecurityGroupRuleInvalidProtocol",
      "Security group rule protocol \(text) not supported. Only protocol values \(protocolNames.sorted()) and "
        + "integer representations [0 to 255] are supported.")
  }

  private static func validatePorts(protocol name: String?, minimum: Int?, maximum: Int?) throws {
    guard minimum != nil || maximum != nil else { return }
    guard let name else {
      throw ServiceError.neutron(
        .badRequest, "SecurityGroupProtocolRequiredWithPorts", "Must also specify protocol if port range is given.")
    }
    if portProtocols.contains(name) {
      for port in [minimum, maximum].compactMap(\.self) where !(1...65535).contains(port) {
        throw ServiceError.neutron(.badRequest, "SecurityGroupInvalidPortValue", "Invalid value for port \(port).")
      }
      guard let minimum, let maximum, minimum <= maximum else {
        throw ServiceError.neutron(
          .badRequest, "SecurityGroupInvalidPortRange",
          "For TCP/UDP protocols, port_range_min must be <= port_range_max")
      }
    } else if icmpProtocols.contains(name) {
      if minimum == nil, let maximum {
        throw ServiceError.neutron(
          .badRequest, "SecurityGroupMissingIcmpType",
          "ICMP code (port-range-max) \(maximum) is provided but ICMP type (port-range-min) is missing.")
      }
      for (field, value) in [("type", minimum), ("code", maximum)] {
        if let value, !(0...255).contains(value) {
          throw ServiceError.neutron(
            .badRequest, "SecurityGroupInvalidIcmpValue",
            "Invalid value for ICMP \(field) (port-range-\(field == "type" ? "min" : "max")) \(value). It must be "
              + "0 to 255.")
        }
      }
    } else {
      throw ServiceError.neutron(
        .badRequest, "SecurityGroupInvalidProtocolForPort",
        "Invalid protocol \(name) for port range, only supported for TCP, UDP, UDPLITE, SCTP and DCCP.")
    }
  }
}
