import Foundation

/// `haproxy.<host>`: the `haproxy.cfg` of one load-balancer host, with a frontend per `ports:` entry and, behind it,
/// the live generation's control-plane nodes (6443) or its workers' ingress NodePort (80, 443). Switching `live:`
/// changes the backends, so the file is rendered, checked and delivered again in place. Its backends count as
/// routes for the guards: a generation haproxy still sends traffic to is never deleted.
public struct HAProxyResource: RenderedConfigResource, NamedResourceType {
  public init() {}

  public static let typeName = "haproxy"
  public var switchRole: SwitchRole { .routesTraffic }

  /// The names of this type's attributes, as state and plans record them.
  public enum Attribute {
    public static let host = "host"
    public static let address = "address"
    public static let frontends = "frontends"
    public static let controlPlane = "control_plane"
    public static let ingress = "ingress"
    public static let deliver = "deliver"
    public static let onDisk = "on_disk"
    public static let path = "path"
    public static let renderedSha256 = "rendered_sha256"
  }

  public let schema = ResourceSchema([
    AttributeSchema(Attribute.host, .forcesReplacement),
    AttributeSchema(Attribute.address, .updatable),
    AttributeSchema(Attribute.frontends, .updatable),
    AttributeSchema(Attribute.controlPlane, .updatable),
    AttributeSchema(Attribute.ingress, .updatable),
    AttributeSchema(Attribute.deliver, .updatable),
    AttributeSchema(Attribute.onDisk, .updatable),
    AttributeSchema(Attribute.path, .computed(changesOnUpdate: false)),
    AttributeSchema(Attribute.renderedSha256, .computed(changesOnUpdate: true)),
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
        Attribute.host: .value(.string(host.name)),
        Attribute.address: .value(.string(host.address)),
        Attribute.frontends: .value(frontends),
        Attribute.controlPlane: .reference(Reference(cluster, ClusterResource.Attribute.masterAddresses)),
        Attribute.ingress: .reference(Reference(cluster, ClusterResource.Attribute.nodeAddresses)),
        Attribute.onDisk: .value(.string(RenderedConfig.asRendered)),
      ]
      if let deliver = host.deliver ?? balancer.deliver { attributes[Attribute.deliver] = .value(.string(deliver)) }
      return DesiredResource(address: ResourceAddress(type: name, name: host.name), attributes: attributes)
    }
  }

  public func routedHosts(_ attributes: Attributes) -> [String] {
    (attributes[Attribute.controlPlane]?.stringList ?? []) + (attributes[Attribute.ingress]?.stringList ?? [])
  }

  // MARK: - Rendering

  /// The configuration the attributes describe.
  static func config(_ attributes: Attributes, host: String) -> HAProxyConfig {
    let frontends = (attributes[Attribute.frontends]?.listValue ?? []).compactMap { entry -> HAProxyConfig.Frontend? in
      guard let map = entry.mapValue, let listen = map["listen"]?.intValue, let target = map["to"]?.stringValue,
        let port = map["port"]?.intValue
      else { return nil }
      let servers =
        attributes[target == Attribute.controlPlane ? Attribute.controlPlane : Attribute.ingress]?.stringList ?? []
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
      kind: name, host: host, address: attributes[Attribute.address]?.stringValue, file: "haproxy.cfg", text: text,
      deliver: attributes[Attribute.deliver]?.stringValue, check: { try await DaemonConfigCheck().check(config) },
      context: context)
    try await context.recordRemoteID(id)
    var result = attributes
    result[Attribute.onDisk] = .string(RenderedConfig.asRendered)
    result[Attribute.path] = .string(LocalWorkspace.display(try context.local.path(ofID: id)))
    result[Attribute.renderedSha256] = .string(FileDigest.sha256(Data(text.utf8)))
    return AppliedResource(remoteID: id, attributes: result)
  }
}
