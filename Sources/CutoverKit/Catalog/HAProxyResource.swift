import Foundation

/// `haproxy.<host>`: the `haproxy.cfg` of one load-balancer host, with a frontend per `ports:` entry and, behind it,
/// the live generation's control-plane nodes (6443) or its workers' ingress NodePort (80, 443). Switching `live:`
/// changes the backends, so the file is rendered, checked and delivered again in place. Its backends count as
/// routes for the guards: a generation haproxy still sends traffic to is never deleted.
public struct HAProxyResource: RenderedConfigResource, NamedResourceType {
  public init() {}

  public static let typeName = "haproxy"
  public var switchRole: SwitchRole { .routesTraffic }

  public let schema = ResourceSchema([
    AttributeSchema("host", .forcesReplacement),
    AttributeSchema("address", .updatable),
    AttributeSchema("frontends", .updatable),
    AttributeSchema("control_plane", .updatable),
    AttributeSchema("ingress", .updatable),
    AttributeSchema("deliver", .updatable),
    AttributeSchema("on_disk", .updatable),
    AttributeSchema("path", .computed(changesOnUpdate: false)),
    AttributeSchema("rendered_sha256", .computed(changesOnUpdate: true)),
  ])

  public func expand(_ state: DesiredState) -> [DesiredResource] {
    guard let balancer = state.loadBalancer, let live = state.live else { return [] }
    let cluster = ClusterResource.address(live)
    let frontends = Value.list(
      balancer.ports.map {
        .map(["listen": .int($0.listen), "to": .string($0.target.rawValue), "port": .int($0.port)])
      })
    return balancer.hosts.map { host in
      var attributes: [String: AttributeExpression] = [
        "host": .value(.string(host.name)),
        "address": .value(.string(host.address)),
        "frontends": .value(frontends),
        "control_plane": .reference(Reference(cluster, "master_addresses")),
        "ingress": .reference(Reference(cluster, "node_addresses")),
        "on_disk": .value(.string(RenderedConfig.asRendered)),
      ]
      if let deliver = host.deliver ?? balancer.deliver { attributes["deliver"] = .value(.string(deliver)) }
      return DesiredResource(address: ResourceAddress(type: name, name: host.name), attributes: attributes)
    }
  }

  public func routedHosts(_ attributes: Attributes) -> [String] {
    (attributes["control_plane"]?.stringList ?? []) + (attributes["ingress"]?.stringList ?? [])
  }

  // MARK: - Rendering

  /// The configuration the attributes describe.
  static func config(_ attributes: Attributes, host: String) -> HAProxyConfig {
    let frontends = (attributes["frontends"]?.listValue ?? []).compactMap { entry -> HAProxyConfig.Frontend? in
      guard let map = entry.mapValue, let listen = map["listen"]?.intValue, let target = map["to"]?.stringValue,
        let port = map["port"]?.intValue
      else { return nil }
      let servers = attributes[target == "control_plane" ? "control_plane" : "ingress"]?.stringList ?? []
      return HAProxyConfig.Frontend(listen: listen, target: target, port: port, servers: servers)
    }
    return HAProxyConfig(host: host, frontends: frontends)
  }

  func digest(_ text: String) -> String {
    FileDigest.sha256(Data(text.utf8))
  }

  func render(_ attributes: Attributes, host: String, context: ActionContext) async throws -> AppliedResource {
    let config = Self.config(attributes, host: host)
    guard config.frontends.allSatisfy({ !$0.servers.isEmpty }) else {
      throw ResourceActionError(
        "refusing to render a frontend with no backends: the live cluster reports no addresses")
    }
    let text = config.render()
    let id = try await RenderedConfig.apply(
      kind: name, host: host, address: attributes["address"]?.stringValue, file: "haproxy.cfg", text: text,
      deliver: attributes["deliver"]?.stringValue, check: { try await DaemonConfigCheck().check(config) },
      context: context)
    try await context.recordRemoteID(id)
    var result = attributes
    result["on_disk"] = .string(RenderedConfig.asRendered)
    result["path"] = .string(LocalWorkspace.display(try context.local.path(ofID: id)))
    result["rendered_sha256"] = .string(FileDigest.sha256(Data(text.utf8)))
    return AppliedResource(remoteID: id, attributes: result)
  }
}
