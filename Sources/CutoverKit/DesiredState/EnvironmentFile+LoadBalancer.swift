import Foundation
import Yams

/// Reading the optional `load_balancer:` block.
extension EnvironmentFile {
  static let loadBalancerKeys = [
    "name", "network", "vip", "public_ip", "external_network", "hosts", "ports", "keepalived",
    "security_group", "server_groups", "deliver",
  ]
  static let serverGroupPolicies = ["anti-affinity", "affinity", "soft-anti-affinity", "soft-affinity"]

  /// Private address ranges: the default of `security_group.api_from`, which keeps the internet off the Kubernetes
  /// API.
  static let privateRanges = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]

  static func readLoadBalancer(_ node: Node, namePrefix: String?, reader: inout YAMLReader) -> LoadBalancerSpec? {
    let path = "load_balancer"
    guard
      let entries = reader.mapping(
        node, at: path, allowed: loadBalancerKeys, required: ["network", "vip", "hosts", "ports", "keepalived"])
    else { return nil }
    var valid = true
    var strings: [String: String] = [:]
    var hosts: [LoadBalancerSpec.Host]?
    var ports: [LoadBalancerSpec.PortMapping]?
    var keepalived: LoadBalancerSpec.Keepalived?
    var securityGroup: (name: String?, apiFrom: [String]?) = (nil, nil)
    var serverGroups: [LoadBalancerSpec.ServerGroupSpec]?
    var nodesByKey: [String: Node] = [:]

    for entry in entries {
      let at = "\(path).\(entry.key)"
      nodesByKey[entry.key] = entry.value
      switch entry.key {
      case "hosts": hosts = readHosts(entry.value, path: at, reader: &reader)
      case "ports": ports = readPorts(entry.value, path: at, reader: &reader)
      case "keepalived": keepalived = readKeepalived(entry.value, path: at, reader: &reader)
      case "security_group":
        guard let fields = reader.mapping(entry.value, at: at, allowed: ["name", "api_from"]) else {
          valid = false
          continue
        }
        for field in fields {
          if field.key == "name" {
            securityGroup.name = reader.nonEmptyString(field.value, at: "\(at).name")
            if let name = securityGroup.name, !isObjectName(name) {
              reader.report("\(at).name: '\(name)' is not a name (letters, digits, _ . -)", at: field.value)
              valid = false
            }
            if securityGroup.name == nil { valid = false }
          } else if let ranges = reader.stringList(field.value, at: "\(at).api_from") {
            for range in ranges where !IPAddressText.isIPv4CIDR(range) {
              reader.report("\(at).api_from: '\(range)' is not an IPv4 range such as 172.16.0.0/21", at: field.value)
              valid = false
            }
            securityGroup.apiFrom = ranges
          } else {
            valid = false
          }
        }
      case "server_groups": serverGroups = readServerGroups(entry.value, path: at, reader: &reader)
      default:
        guard let value = reader.nonEmptyString(entry.value, at: at) else {
          valid = false
          continue
        }
        if ["vip", "public_ip"].contains(entry.key), !IPAddressText.isIPv4(value) {
          reader.report("\(at): '\(value)' is not an IPv4 address such as 172.16.1.171", at: entry.value)
          valid = false
        }
        if entry.key == "name", !TextPattern.magnumName.matches(value) {
          reader.report("\(at): '\(value)' is not a name (letters, digits, _ . -; a letter first)", at: entry.value)
          valid = false
        }
        strings[entry.key] = value
      }
    }
    if strings["public_ip"] != nil, strings["external_network"] == nil {
      reader.report(
        "\(path).public_ip: needs external_network, the network the floating IP comes from",
        at: nodesByKey["public_ip"])
      valid = false
    }
    if strings["external_network"] != nil, strings["public_ip"] == nil {
      reader.report(
        "\(path).external_network: is used only with public_ip (the floating IP it gives); add public_ip or remove it",
        at: nodesByKey["external_network"])
      valid = false
    }
    if let hosts, let vip = strings["vip"], hosts.contains(where: { $0.address == vip }) {
      reader.report(
        "\(path).vip: \(vip) is also a host's own address; the VIP must be an address of its own",
        at: nodesByKey["vip"])
      valid = false
    }
    guard valid, let hosts, let ports, let keepalived, let network = strings["network"], let vip = strings["vip"]
    else { return nil }
    let name = strings["name"] ?? namePrefix ?? "cutover"
    let prefix = namePrefix ?? name
    return LoadBalancerSpec(
      name: name, network: network, vip: vip, publicIP: strings["public_ip"],
      externalNetwork: strings["external_network"], hosts: hosts, ports: ports, keepalived: keepalived,
      securityGroup: .init(
        name: securityGroup.name ?? "\(name)-loadbalancer", apiFrom: securityGroup.apiFrom ?? privateRanges),
      serverGroups: serverGroups ?? [
        .init(name: "\(prefix)-k8s-control", policy: "anti-affinity"),
        .init(name: "\(prefix)-k8s-haproxy", policy: "anti-affinity"),
        .init(name: "\(prefix)-k8s-worker", policy: "soft-anti-affinity"),
      ],
      deliver: strings["deliver"])
  }

  private static var hostKeys: KeyTable<LoadBalancerSpec.Host> {
    KeyTable([
      .custom("name", required: true) { node, path, host, reader in
        guard let name = reader.nonEmptyString(node, at: path) else { return false }
        host.name = name
        guard TextPattern.hostName.matches(name) else {
          reader.report("\(path): '\(name)' is not a host name", at: node)
          return false
        }
        return true
      },
      .custom("address", required: true) { node, path, host, reader in
        guard let address = reader.nonEmptyString(node, at: path) else { return false }
        host.address = address
        guard IPAddressText.isIPv4(address) else {
          reader.report("\(path): '\(address)' is not an IPv4 address", at: node)
          return false
        }
        return true
      },
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
      .custom("interface") { node, path, reading, reader in
        guard let interface = reader.nonEmptyString(node, at: path) else { return false }
        reading.interface = interface
        guard TextPattern.interfaceName.matches(interface) else {
          reader.report("\(path): '\(interface)' is not a network interface name such as eth0", at: node)
          return false
        }
        return true
      },
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
      .custom("name", required: true) { node, path, group, reader in
        guard let name = reader.nonEmptyString(node, at: path) else { return false }
        group.name = name
        guard isObjectName(name) else {
          reader.report("\(path): '\(name)' is not a name (letters, digits, _ . -)", at: node)
          return false
        }
        return true
      },
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
