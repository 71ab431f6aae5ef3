import Foundation

/// `keepalived.<host>`: the `keepalived.conf` of one load-balancer host: one VRRP instance holding the VIP, this
/// host's priority, unicast to the other hosts (OpenStack networks drop multicast VRRP), and the VRRP password read
/// from `secret_file` or `secret_env` when the file is rendered. Plans and state hold only the password's digest,
/// so a changed password shows as `(sensitive)`; the rendered file (0600) is the one place it is written.
public struct KeepalivedResource: RenderedConfigResource, NamedResourceType {
  public init() {}

  public static let typeName = "keepalived"

  /// The names of this type's attributes, as state and plans record them.
  public enum Attribute {
    public static let host = "host"
    public static let interface = "interface"
    public static let routerId = "router_id"
    public static let priority = "priority"
    public static let vip = "vip"
    public static let address = "address"
    public static let peers = "peers"
    public static let secretSource = "secret_source"
    public static let secret = "secret"
    public static let deliver = "deliver"
    public static let onDisk = "on_disk"
    public static let path = "path"
    public static let renderedSha256 = "rendered_sha256"
  }

  public let schema = ResourceSchema([
    AttributeSchema(Attribute.host, .forcesReplacement),
    AttributeSchema(Attribute.interface, .updatable),
    AttributeSchema(Attribute.routerId, .updatable),
    AttributeSchema(Attribute.priority, .updatable),
    AttributeSchema(Attribute.vip, .updatable),
    AttributeSchema(Attribute.address, .updatable),
    AttributeSchema(Attribute.peers, .updatable),
    AttributeSchema(Attribute.secretSource, .updatable),
    AttributeSchema(Attribute.secret, .updatable, sensitive: true),
    AttributeSchema(Attribute.deliver, .updatable),
    AttributeSchema(Attribute.onDisk, .updatable),
    AttributeSchema(Attribute.path, .computed(changesOnUpdate: false)),
    AttributeSchema(Attribute.renderedSha256, .computed(changesOnUpdate: true)),
  ])

  public func expand(_ state: DesiredState) -> [DesiredResource] {
    guard let balancer = state.loadBalancer else { return [] }
    let keepalived = balancer.keepalived
    // Read now so a changed password is planned; when it cannot be read (a CI preview), the plan shows the secret
    // as changing and the apply stops for this host before writing anything.
    let secret = try? keepalived.secret.read()
    return balancer.hosts.map { host in
      var attributes: [String: AttributeExpression] = [
        Attribute.host: .value(.string(host.name)),
        Attribute.interface: .value(.string(keepalived.interface)),
        Attribute.routerId: .value(.int(keepalived.virtualRouterID)),
        Attribute.priority: .value(.int(host.priority)),
        Attribute.vip: .value(.string(balancer.vip)),
        Attribute.address: .value(.string(host.address)),
        Attribute.peers: .value(.list(balancer.hosts.filter { $0.name != host.name }.map { .string($0.address) })),
        Attribute.secretSource: .value(.string(keepalived.secret.description)),
        Attribute.onDisk: .value(.string(RenderedConfig.asRendered)),
      ]
      if let secret { attributes[Attribute.secret] = .value(.string(secret)) }
      if let deliver = host.deliver ?? balancer.deliver { attributes[Attribute.deliver] = .value(.string(deliver)) }
      // Neutron drops traffic to the VIP on a port whose allowed address pairs lack it: the pairs come first.
      return DesiredResource(
        address: ResourceAddress(type: name, name: host.name), attributes: attributes,
        dependsOn: [VIPPortResource.address(balancer.name)])
    }
  }

  public func warnings(_ state: DesiredState) -> [String] {
    guard let source = state.loadBalancer?.keepalived.secret else { return [] }
    do {
      _ = try source.read()
      return []
    } catch {
      return [
        "the VRRP password is unavailable (\(error.localizedDescription)): keepalived shows as changing, and an"
          + " apply stops for each keepalived host before writing anything"
      ]
    }
  }

  /// The password, read from its source (a saved plan holds only its digest), beside the sensitive attributes.
  public func secrets(in attributes: Attributes, local: LocalWorkspace) -> [String] {
    var secrets = RunSecrets.sensitiveTexts(of: attributes, schema: schema)
    if let described = attributes[Attribute.secretSource]?.stringValue, let source = Self.source(described: described),
      let secret = try? source.read(environment: local.environment)
    {
      secrets.append(secret)
    }
    return secrets
  }

  // MARK: - Rendering

  /// The digest of the text with the password masked, as `renderRedacted` gives it.
  func digest(_ text: String) -> String {
    FileDigest.sha256(Data(Self.maskingPassword(in: text).utf8))
  }

  func render(_ attributes: Attributes, host: String, context: ActionContext) async throws -> AppliedResource {
    guard let described = attributes[Attribute.secretSource]?.stringValue,
      let source = Self.source(described: described)
    else { throw ResourceActionError("no VRRP secret source is named") }
    let secret: String
    do {
      secret = try source.read(environment: context.local.environment)
    } catch {
      throw ResourceActionError(
        "the VRRP password is unavailable: \(error.localizedDescription); nothing was written")
    }
    // A saved plan holds the password's digest; a fresh plan holds the password. Either way it must be the one read.
    if let planned = attributes[Attribute.secret]?.stringValue,
      planned != secret, planned != context.digester.digest(.string(secret)).stringValue
    {
      throw ResourceActionError(
        "the VRRP password in \(described) changed since the plan; plan again")
    }
    let config = KeepalivedConfig(
      host: host, interface: attributes[Attribute.interface]?.stringValue ?? "eth0",
      virtualRouterID: attributes[Attribute.routerId]?.intValue ?? 51,
      priority: attributes[Attribute.priority]?.intValue ?? 100,
      vip: attributes[Attribute.vip]?.stringValue ?? "", sourceAddress: attributes[Attribute.address]?.stringValue,
      peers: attributes[Attribute.peers]?.stringList ?? [], authSecret: secret)
    let text = config.render()
    let id = try await RenderedConfig.apply(
      kind: name, host: host, address: attributes[Attribute.address]?.stringValue, file: "keepalived.conf", text: text,
      secret: secret, deliver: attributes[Attribute.deliver]?.stringValue,
      check: { try await DaemonConfigCheck().check(config) },
      context: context)
    try await context.recordRemoteID(id)
    var result = attributes
    result[Attribute.secret] = .string(secret)
    result[Attribute.onDisk] = .string(RenderedConfig.asRendered)
    result[Attribute.path] = .string(LocalWorkspace.display(try context.local.path(ofID: id)))
    result[Attribute.renderedSha256] = .string(FileDigest.sha256(Data(config.renderRedacted().utf8)))
    return AppliedResource(remoteID: id, attributes: result)
  }

  /// The text with the `auth_pass` value replaced as `renderRedacted` does.
  static func maskingPassword(in text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      let trimmed = line.drop { $0 == " " || $0 == "\t" }
      guard trimmed.hasPrefix("auth_pass ") else { return String(line) }
      return line.prefix(line.count - trimmed.count) + "auth_pass " + KeepalivedConfig.redactedSecret
    }.joined(separator: "\n")
  }

  /// The source a `secret_source` attribute describes (`file PATH`, `environment variable NAME`).
  static func source(described: String) -> SecretSource? {
    if described.hasPrefix("file ") { return .file(String(described.dropFirst("file ".count))) }
    if described.hasPrefix("environment variable ") {
      return .environment(String(described.dropFirst("environment variable ".count)))
    }
    return nil
  }
}
