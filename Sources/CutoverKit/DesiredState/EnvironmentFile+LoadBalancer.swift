import Foundation
import Yams

/// Reading the optional `load_balancer:` block.
extension EnvironmentFile {
  static let loadBalancerKeys = [
    "name", "network", "vip", "public_ip", "external_network", "hosts", "ports", "keepalived",
    "security_group", "server_groups", "deliver",
  ]
  static let hostKeys = ["name", "address", "priority", "deliver"]
  static let portKeys = ["listen", "to", "port"]
  static let keepalivedKeys = ["interface", "router_id", "secret_file", "secret_env"]
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

  private static func readHosts(_ node: Node, path: String, reader: inout YAMLReader) -> [LoadBalancerSpec.Host]? {
    guard case .sequence(let sequence) = node, !sequence.isEmpty else {
      reader.report("\(path): expected a list of haproxy hosts, found \(reader.kind(of: node))", at: node)
      return nil
    }
    var hosts: [LoadBalancerSpec.Host] = []
    var valid = true
    for (index, element) in sequence.enumerated() {
      let at = "\(path)[\(index)]"
      guard let fields = reader.mapping(element, at: at, allowed: hostKeys, required: ["name", "address"]) else {
        valid = false
        continue
      }
      var host = LoadBalancerSpec.Host(name: "", address: "", priority: 100 - index)
      for field in fields {
        let fieldPath = "\(at).\(field.key)"
        if field.key == "priority" {
          guard let priority = reader.int(field.value, at: fieldPath, in: 1...254) else {
            valid = false
            continue
          }
          host.priority = priority
          continue
        }
        guard let value = reader.nonEmptyString(field.value, at: fieldPath) else {
          valid = false
          continue
        }
        switch field.key {
        case "name":
          if !TextPattern.hostName.matches(value) {
            reader.report("\(fieldPath): '\(value)' is not a host name", at: field.value)
            valid = false
          }
          host.name = value
        case "address":
          if !IPAddressText.isIPv4(value) {
            reader.report("\(fieldPath): '\(value)' is not an IPv4 address", at: field.value)
            valid = false
          }
          host.address = value
        default: host.deliver = value
        }
      }
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
      guard let fields = reader.mapping(element, at: at, allowed: portKeys, required: portKeys) else {
        valid = false
        continue
      }
      var listen: Int?
      var port: Int?
      var target: LoadBalancerSpec.PortMapping.Target?
      for field in fields {
        let fieldPath = "\(at).\(field.key)"
        switch field.key {
        case "listen": listen = reader.int(field.value, at: fieldPath, in: 1...65_535)
        case "port": port = reader.int(field.value, at: fieldPath, in: 1...65_535)
        default:
          guard let text = reader.nonEmptyString(field.value, at: fieldPath) else { continue }
          target = .init(rawValue: text)
          if target == nil {
            reader.report("\(fieldPath): expected control_plane or ingress, found '\(text)'", at: field.value)
          }
        }
      }
      guard let listen, let port, let target else {
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

  private static func readKeepalived(_ node: Node, path: String, reader: inout YAMLReader)
    -> LoadBalancerSpec.Keepalived?
  {
    guard let fields = reader.mapping(node, at: path, allowed: keepalivedKeys) else { return nil }
    var interface = "eth0"
    var routerID = 51
    var secrets: [SecretSource] = []
    var valid = true
    for field in fields {
      let at = "\(path).\(field.key)"
      if field.key == "router_id" {
        if let value = reader.int(field.value, at: at, in: 1...255) { routerID = value } else { valid = false }
        continue
      }
      guard let value = reader.nonEmptyString(field.value, at: at) else {
        valid = false
        continue
      }
      switch field.key {
      case "interface":
        if !TextPattern.interfaceName.matches(value) {
          reader.report("\(at): '\(value)' is not a network interface name such as eth0", at: field.value)
          valid = false
        }
        interface = value
      case "secret_file": secrets.append(.file(value))
      default:
        if !TextPattern.environmentVariable.matches(value) {
          reader.report("\(at): '\(value)' is not an environment variable name", at: field.value)
          valid = false
        }
        secrets.append(.environment(value))
      }
    }
    guard secrets.count == 1 else {
      reader.report(
        "\(path): expected exactly one of secret_file or secret_env (the VRRP password is never written inline)",
        at: node)
      return nil
    }
    return valid ? .init(interface: interface, virtualRouterID: routerID, secret: secrets[0]) : nil
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
      guard
        let fields = reader.mapping(element, at: at, allowed: ["name", "policy"], required: ["name", "policy"])
      else {
        valid = false
        continue
      }
      var group = LoadBalancerSpec.ServerGroupSpec(name: "", policy: "")
      for field in fields {
        guard let value = reader.nonEmptyString(field.value, at: "\(at).\(field.key)") else {
          valid = false
          continue
        }
        if field.key == "name" {
          if !isObjectName(value) {
            reader.report("\(at).name: '\(value)' is not a name (letters, digits, _ . -)", at: field.value)
            valid = false
          }
          group.name = value
        } else if serverGroupPolicies.contains(value) {
          group.policy = value
        } else {
          reader.report(
            "\(at).policy: expected one of \(serverGroupPolicies.joined(separator: ", ")), found '\(value)'",
            at: field.value)
          valid = false
        }
      }
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
