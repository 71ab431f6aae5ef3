/// The optional `load_balancer:` block: the haproxy + keepalived tier PAWS ran in front of its clusters before the
/// web proxies, with the Neutron and Nova objects it needs. Every name has a default derived from `name_prefix`.
public struct LoadBalancerSpec: Sendable, Equatable, Codable {
  /// Names the VIP port and floating IP (`vip_port.<name>`); defaults to `name_prefix`.
  public var name: String
  /// The Neutron network (name or id) the VIP port is made on; Neutron finds the subnet from the address.
  public var network: String
  /// The address keepalived holds and haproxy listens on.
  public var vip: String
  /// The public address NAT'd to the VIP, with the external network it comes from; nil for no floating IP.
  public var publicIP: String?
  public var externalNetwork: String?
  /// The haproxy hosts, in file order.
  public var hosts: [Host]
  /// What haproxy listens on and where it sends it.
  public var ports: [PortMapping]
  public var keepalived: Keepalived
  public var securityGroup: SecurityGroupSpec
  public var serverGroups: [ServerGroupSpec]
  /// A shell command run after a host's rendered file changed (copy + reload); nil renders only.
  public var deliver: String?

  public init(
    name: String, network: String, vip: String, publicIP: String? = nil,
    externalNetwork: String? = nil, hosts: [Host], ports: [PortMapping], keepalived: Keepalived,
    securityGroup: SecurityGroupSpec, serverGroups: [ServerGroupSpec], deliver: String? = nil
  ) {
    self.name = name
    self.network = network
    self.vip = vip
    self.publicIP = publicIP
    self.externalNetwork = externalNetwork
    self.hosts = hosts
    self.ports = ports
    self.keepalived = keepalived
    self.securityGroup = securityGroup
    self.serverGroups = serverGroups
    self.deliver = deliver
  }

  /// One haproxy host: a VM made by hand, found in Neutron by its address.
  public struct Host: Sendable, Equatable, Codable {
    public var name: String
    /// The host's fixed address: its Neutron port is the one holding it, and keepalived's unicast peers use it.
    public var address: String
    /// VRRP priority; the highest holds the VIP.
    public var priority: Int
    /// Overrides the block's `deliver:` for this host.
    public var deliver: String?

    public init(name: String, address: String, priority: Int, deliver: String? = nil) {
      self.name = name
      self.address = address
      self.priority = priority
      self.deliver = deliver
    }
  }

  /// `{listen: 6443, to: control_plane, port: 6443}`: haproxy listens on `listen` and sends to `port` on the live
  /// generation's control-plane nodes or ingress workers.
  public struct PortMapping: Sendable, Equatable, Codable {
    public enum Target: String, Sendable, Codable, CaseIterable {
      case controlPlane = "control_plane"
      case ingress
    }

    public var listen: Int
    public var target: Target
    public var port: Int

    public init(listen: Int, target: Target, port: Int) {
      self.listen = listen
      self.target = target
      self.port = port
    }
  }

  /// The VRRP settings shared by every host.
  public struct Keepalived: Sendable, Equatable, Codable {
    public var interface: String
    public var virtualRouterID: Int
    public var secret: SecretSource

    public init(interface: String = "eth0", virtualRouterID: Int = 51, secret: SecretSource) {
      self.interface = interface
      self.virtualRouterID = virtualRouterID
      self.secret = secret
    }
  }

  /// `security_group:`: the group kept on the haproxy hosts. Its rules are derived from `ports`: ingress listen
  /// ports open to everyone, control-plane listen ports only to `apiFrom`, VRRP between the hosts.
  public struct SecurityGroupSpec: Sendable, Equatable, Codable {
    public var name: String
    public var apiFrom: [String]

    public init(name: String, apiFrom: [String]) {
      self.name = name
      self.apiFrom = apiFrom
    }
  }

  /// A Nova server group the haproxy hosts and cluster nodes are booted into.
  public struct ServerGroupSpec: Sendable, Equatable, Codable {
    public var name: String
    public var policy: String

    public init(name: String, policy: String) {
      self.name = name
      self.policy = policy
    }
  }

  /// The security group's ingress rules, in a stable order.
  public var securityGroupRules: [SecurityRule] {
    var rules: [SecurityRule] = []
    for mapping in ports {
      switch mapping.target {
      case .ingress:
        rules.append(SecurityRule(protocol: "tcp", port: mapping.listen, remoteIPPrefix: "0.0.0.0/0"))
      case .controlPlane:
        rules += securityGroup.apiFrom.map { SecurityRule(protocol: "tcp", port: mapping.listen, remoteIPPrefix: $0) }
      }
    }
    rules += hosts.map { SecurityRule(protocol: "vrrp", port: nil, remoteIPPrefix: "\($0.address)/32") }
    return Array(Set(rules)).sorted()
  }
}

/// One ingress rule of a security group, as Cutover manages it (IPv4, ingress).
public struct SecurityRule: Sendable, Hashable, Codable, Comparable {
  public var `protocol`: String
  public var port: Int?
  public var remoteIPPrefix: String

  public init(protocol: String, port: Int?, remoteIPPrefix: String) {
    self.protocol = `protocol`
    self.port = port
    self.remoteIPPrefix = remoteIPPrefix
  }

  public static func < (lhs: SecurityRule, rhs: SecurityRule) -> Bool {
    (lhs.protocol, lhs.port ?? -1, lhs.remoteIPPrefix) < (rhs.protocol, rhs.port ?? -1, rhs.remoteIPPrefix)
  }

  /// As an attribute value: `{protocol, port, remote_ip_prefix}`.
  public var value: Value {
    var map: [String: Value] = ["protocol": .string(`protocol`), "remote_ip_prefix": .string(remoteIPPrefix)]
    if let port { map["port"] = .int(port) }
    return .map(map)
  }

  public init?(_ value: Value) {
    guard let map = value.mapValue, let proto = map["protocol"]?.stringValue,
      let prefix = map["remote_ip_prefix"]?.stringValue
    else { return nil }
    self.init(protocol: proto, port: map["port"]?.intValue, remoteIPPrefix: prefix)
  }
}
