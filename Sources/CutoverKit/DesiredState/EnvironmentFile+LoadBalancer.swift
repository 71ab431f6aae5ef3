import Foundation
import Yams

/// Reading the optional `load_balancer:` block.
extension EnvironmentFile {
  static let serverGroupPolicies = ["anti-affinity", "affinity", "soft-anti-affinity", "soft-affinity"]

  /// Private address ranges: the default of `security_group.api_from`, which keeps the internet off the Kubernetes
  /// API.
  static let privateRanges = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]

  /// The `load_balancer:` block as read, with the nodes its cross-key errors point at.
  private struct LoadBalancerReading {
    var name: String?
    var network: String?
    var vip: String?
    var vipNode: Node?
    var publicIP: String?
    var publicIPNode: Node?
    var externalNetwork: String?
    var externalNetworkNode: Node?
    var hosts: [LoadBalancerSpec.Host]?
    var ports: [LoadBalancerSpec.PortMapping]?
    var keepalived: LoadBalancerSpec.Keepalived?
    var securityGroup = SecurityGroupReading()
    var serverGroups: [LoadBalancerSpec.ServerGroupSpec]?
    var deliver: String?
  }

  /// An IPv4 address, as `vip` and `public_ip` take it.
  private static func ipv4(
    _ name: String, required: Bool = false, _ field: WritableKeyPath<LoadBalancerReading, String?>,
    node nodeField: WritableKeyPath<LoadBalancerReading, Node?>
  ) -> KeyTable<LoadBalancerReading>.Key {
    .custom(name, required: required) { node, path, reading, reader in
      guard let address = reader.nonEmptyString(node, at: path) else { return false }
      reading[keyPath: field] = address
      reading[keyPath: nodeField] = node
      guard IPAddressText.isIPv4(address) else {
        reader.report("\(path): '\(address)' is not an IPv4 address such as 172.16.1.171", at: node)
        return false
      }
      return true
    }
  }

  private static var loadBalancerKeys: KeyTable<LoadBalancerReading> {
    KeyTable([
      .checkedString(
        "name", isValid: TextPattern.magnumName.matches,
        problem: { "'\($0)' is not a name (letters, digits, _ . -; a letter first)" }
      ) { $0.name = $1 },
      .string("network", required: true, \.network),
      ipv4("vip", required: true, \.vip, node: \.vipNode),
      ipv4("public_ip", \.publicIP, node: \.publicIPNode),
      .custom("external_network") { node, path, reading, reader in
        guard let network = reader.nonEmptyString(node, at: path) else { return false }
        reading.externalNetwork = network
        reading.externalNetworkNode = node
        return true
      },
      .custom("hosts", required: true) { node, path, reading, reader in
        reading.hosts = readHosts(node, path: path, reader: &reader)
        return true
      },
      .custom("ports", required: true) { node, path, reading, reader in
        reading.ports = readPorts(node, path: path, reader: &reader)
        return true
      },
      .custom("keepalived", required: true) { node, path, reading, reader in
        reading.keepalived = readKeepalived(node, path: path, reader: &reader)
        return true
      },
      .custom("security_group") { node, path, reading, reader in
        securityGroupKeys.read(node, at: path, into: &reading.securityGroup, reader: &reader) != nil
      },
      .custom("server_groups") { node, path, reading, reader in
        reading.serverGroups = readServerGroups(node, path: path, reader: &reader)
        return true
      },
      .string("deliver", \.deliver),
    ])
  }

  static func readLoadBalancer(_ node: Node, namePrefix: String?, reader: inout YAMLReader) -> LoadBalancerSpec? {
    let path = "load_balancer"
    var reading = LoadBalancerReading()
    var valid = loadBalancerKeys.read(node, at: path, into: &reading, reader: &reader) != nil
    guard case .mapping = node else { return nil }
    if reading.publicIP != nil, reading.externalNetwork == nil {
      reader.report(
        "\(path).public_ip: needs external_network, the network the floating IP comes from", at: reading.publicIPNode)
      valid = false
    }
    if reading.externalNetwork != nil, reading.publicIP == nil {
      reader.report(
        "\(path).external_network: is used only with public_ip (the floating IP it gives); add public_ip or remove it",
        at: reading.externalNetworkNode)
      valid = false
    }
    if let hosts = reading.hosts, let vip = reading.vip, hosts.contains(where: { $0.address == vip }) {
      reader.report(
        "\(path).vip: \(vip) is also a host's own address; the VIP must be an address of its own", at: reading.vipNode)
      valid = false
    }
    guard valid, let hosts = reading.hosts, let ports = reading.ports, let keepalived = reading.keepalived,
      let network = reading.network, let vip = reading.vip
    else { return nil }
    let name = reading.name ?? namePrefix ?? "cutover"
    let prefix = namePrefix ?? name
    return LoadBalancerSpec(
      name: name, network: network, vip: vip, publicIP: reading.publicIP, externalNetwork: reading.externalNetwork,
      hosts: hosts, ports: ports, keepalived: keepalived,
      securityGroup: .init(
        name: reading.securityGroup.name ?? "\(name)-loadbalancer",
        apiFrom: reading.securityGroup.apiFrom ?? privateRanges),
      serverGroups: reading.serverGroups ?? [
        .init(name: "\(prefix)-k8s-control", policy: "anti-affinity"),
        .init(name: "\(prefix)-k8s-haproxy", policy: "anti-affinity"),
        .init(name: "\(prefix)-k8s-worker", policy: "soft-anti-affinity"),
      ],
      deliver: reading.deliver)
  }

  /// `security_group: {name, api_from}`, each absent by default.
  private struct SecurityGroupReading {
    var name: String?
    var apiFrom: [String]?
  }

  private static var securityGroupKeys: KeyTable<SecurityGroupReading> {
    KeyTable([
      .checkedString(
        "name", isValid: isObjectName,
        problem: { "'\($0)' is not a name (letters, digits, _ . -)" }
      ) { $0.name = $1 },
      .custom("api_from") { node, path, group, reader in
        guard let ranges = reader.stringList(node, at: path) else { return false }
        group.apiFrom = ranges
        var valid = true
        for range in ranges where !IPAddressText.isIPv4CIDR(range) {
          reader.report("\(path): '\(range)' is not an IPv4 range such as 172.16.0.0/21", at: node)
          valid = false
        }
        return valid
      },
    ])
  }

  private static var hostKeys: KeyTable<LoadBalancerSpec.Host> {
    KeyTable([
      .checkedString(
        "name", required: true, isValid: TextPattern.hostName.matches,
        problem: { "'\($0)' is not a host name" }
      ) { $0.name = $1 },
      .checkedString(
        "address", required: true, isValid: IPAddressText.isIPv4,
        problem: { "'\($0)' is not an IPv4 address" }
      ) { $0.address = $1 },
      .int("priority", in: 1...254, \.priority),
      .string("deliver", \.deliver),
    ])
  }

  private static func readHosts(_ node: Node, path: String, reader: inout YAMLReader) -> [LoadBalancerSpec.Host]? {
    guard case .sequence(let sequence) = node, !sequence.isEmpty else {
      reader.report("\(path): expected a list of haproxy hosts, found \(reader.kind(of: node))", at: node)
      return nil
    }
    var hosts: [LoadBalancerSpec.Host] = []
    var valid = true
    for (index, element) in sequence.enumerated() {
      let at = "\(path)[\(index)]"
      var host = LoadBalancerSpec.Host(name: "", address: "", priority: 100 - index)
      if hostKeys.read(element, at: at, into: &host, reader: &reader) == nil { valid = false }
      guard case .mapping = element else { continue }
      if hosts.contains(where: { $0.name == host.name }) {
        reader.report("\(at).name: host '\(host.name)' is listed twice", at: element)
        valid = false
      }
      if hosts.contains(where: { $0.address == host.address }) {
        reader.report("\(at).address: \(host.address) belongs to two hosts", at: element)
        valid = false
      }
      hosts.append(host)
    }
    return valid ? hosts : nil
  }

  /// A port mapping as read: each part nil until read valid.
  private struct PortReading {
    var listen: Int?
    var target: LoadBalancerSpec.PortMapping.Target?
    var port: Int?
  }

  private static var portKeys: KeyTable<PortReading> {
    KeyTable([
      .int("listen", in: 1...65_535, required: true, \.listen),
      .custom("to", required: true) { node, path, reading, reader in
        guard let text = reader.nonEmptyString(node, at: path) else { return false }
        reading.target = .init(rawValue: text)
        guard reading.target != nil else {
          reader.report("\(path): expected control_plane or ingress, found '\(text)'", at: node)
          return false
        }
        return true
      },
      .int("port", in: 1...65_535, required: true, \.port),
    ])
  }

  private static func readPorts(_ node: Node, path: String, reader: inout YAMLReader)
    -> [LoadBalancerSpec.PortMapping]?
  {
    guard case .sequence(let sequence) = node, !sequence.isEmpty else {
      reader.report(
        "\(path): expected a list such as [{listen: 443, to: ingress, port: 30001}], found \(reader.kind(of: node))",
        at: node)
      return nil
    }
    var ports: [LoadBalancerSpec.PortMapping] = []
    var valid = true
    for (index, element) in sequence.enumerated() {
      let at = "\(path)[\(index)]"
      var reading = PortReading()
      _ = portKeys.read(element, at: at, into: &reading, reader: &reader)
      guard let listen = reading.listen, let port = reading.port, let target = reading.target else {
        valid = false
        continue
      }
      if ports.contains(where: { $0.listen == listen }) {
        reader.report("\(at).listen: port \(listen) is listened on twice", at: element)
        valid = false
      }
      ports.append(.init(listen: listen, target: target, port: port))
    }
    return valid ? ports : nil
  }

  /// The keepalived block as read; exactly one secret is valid.
  private struct KeepalivedReading {
    var interface = "eth0"
    var routerID = 51
    var secrets: [SecretSource] = []
  }

  private static var keepalivedKeys: KeyTable<KeepalivedReading> {
    KeyTable([
      .checkedString(
        "interface", isValid: TextPattern.interfaceName.matches,
        problem: { "'\($0)' is not a network interface name such as eth0" }
      ) { $0.interface = $1 },
      .int("router_id", in: 1...255, \.routerID),
      .custom("secret_file") { node, path, reading, reader in
        guard let file = reader.nonEmptyString(node, at: path) else { return false }
        reading.secrets.append(.file(file))
        return true
      },
      .custom("secret_env") { node, path, reading, reader in
        guard let variable = reader.nonEmptyString(node, at: path) else { return false }
        reading.secrets.append(.environment(variable))
        guard TextPattern.environmentVariable.matches(variable) else {
          reader.report("\(path): '\(variable)' is not an environment variable name", at: node)
          return false
        }
        return true
      },
    ])
  }

  private static func readKeepalived(_ node: Node, path: String, reader: inout YAMLReader)
    -> LoadBalancerSpec.Keepalived?
  {
    var reading = KeepalivedReading()
    let read = keepalivedKeys.read(node, at: path, into: &reading, reader: &reader)
    guard case .mapping = node else { return nil }
    guard reading.secrets.count == 1 else {
      reader.report(
        "\(path): expected exactly one of secret_file or secret_env (the VRRP password is never written inline)",
        at: node)
      return nil
    }
    return read != nil
      ? .init(interface: reading.interface, virtualRouterID: reading.routerID, secret: reading.secrets[0]) : nil
  }

  private static var serverGroupKeys: KeyTable<LoadBalancerSpec.ServerGroupSpec> {
    KeyTable([
      .checkedString(
        "name", required: true, isValid: isObjectName,
        problem: { "'\($0)' is not a name (letters, digits, _ . -)" }
      ) { $0.name = $1 },
      .custom("policy", required: true) { node, path, group, reader in
        guard let policy = reader.nonEmptyString(node, at: path) else { return false }
        guard serverGroupPolicies.contains(policy) else {
          reader.report(
            "\(path): expected one of \(serverGroupPolicies.joined(separator: ", ")), found '\(policy)'", at: node)
          return false
        }
        group.policy = policy
        return true
      },
    ])
  }

  private static func readServerGroups(_ node: Node, path: String, reader: inout YAMLReader)
    -> [LoadBalancerSpec.ServerGroupSpec]?
  {
    guard case .sequence(let sequence) = node else {
      reader.report("\(path): expected a list of {name, policy}, found \(reader.kind(of: node))", at: node)
      return nil
    }
    var groups: [LoadBalancerSpec.ServerGroupSpec] = []
    var valid = true
    for (index, element) in sequence.enumerated() {
      let at = "\(path)[\(index)]"
      var group = LoadBalancerSpec.ServerGroupSpec(name: "", policy: "")
      if serverGroupKeys.read(element, at: at, into: &group, reader: &reader) == nil { valid = false }
      guard case .mapping = element else { continue }
      if groups.contains(where: { $0.name == group.name }) {
        reader.report("\(at).name: server group '\(group.name)' is listed twice", at: element)
        valid = false
      }
      groups.append(group)
    }
    return valid ? groups : nil
  }
}

/// A name that can be part of a resource address and of an OpenStack object's name.
private func isObjectName(_ text: String) -> Bool {
  TextPattern.objectName.matches(text)
}
