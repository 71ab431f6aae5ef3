import Foundation

/// `keepalived.<host>`: the `keepalived.conf` of one load-balancer host: one VRRP instance holding the VIP, this
/// host's priority, unicast to the other hosts (OpenStack networks drop multicast VRRP), and the VRRP password read
/// from `secret_file` or `secret_env` when the file is rendered. Plans and state hold only the password's digest,
/// so a changed password shows as `(sensitive)`; the rendered file (0600) is the one place it is written.
public struct KeepalivedResource: RenderedConfigResource, NamedResourceType {
  public init() {}

  public static let typeName = "keepalived"

  public let schema = ResourceSchema([
    AttributeSchema("host", .forcesReplacement),
    AttributeSchema("interface", .updatable),
    AttributeSchema("router_id", .updatable),
    AttributeSchema("priority", .updatable),
    AttributeSchema("vip", .updatable),
    AttributeSchema("address", .updatable),
    AttributeSchema("peers", .updatable),
    AttributeSchema("secret_source", .updatable),
    AttributeSchema("secret", .updatable, sensitive: true),
    AttributeSchema("deliver", .updatable),
    AttributeSchema("on_disk", .updatable),
    AttributeSchema("path", .computed(changesOnUpdate: false)),
    AttributeSchema("rendered_sha256", .computed(changesOnUpdate: true)),
  ])

  public func expand(_ state: DesiredState) -> [DesiredResource] {
    guard let balancer = state.loadBalancer else { return [] }
    let keepalived = balancer.keepalived
    // Read now so a changed password is planned; when it cannot be read (a CI preview), the plan shows the secret
    // as changing and the apply stops for this host before writing anything.
    let secret = try? keepalived.secret.read()
    return balancer.hosts.map { host in
      var attributes: [String: AttributeExpression] = [
        "host": .value(.string(host.name)),
        "interface": .value(.string(keepalived.interface)),
        "router_id": .value(.int(keepalived.virtualRouterID)),
        "priority": .value(.int(host.priority)),
        "vip": .value(.string(balancer.vip)),
        "address": .value(.string(host.address)),
        "peers": .value(.list(balancer.hosts.filter { $0.name != host.name }.map { .string($0.address) })),
        "secret_source": .value(.string(keepalived.secret.description)),
        "on_disk": .value(.string(RenderedConfig.asRendered)),
      ]
      if let secret { attributes["secret"] = .value(.string(secret)) }
      if let deliver = host.deliver ?? balancer.deliver { attributes["deliver"] = .value(.string(deliver)) }
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
    if let described = attributes["secret_source"]?.stringValue, let source = Self.source(described: described),
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
    guard let described = attributes["secret_source"]?.stringValue, let source = Self.source(described: described)
    else { throw ResourceActionError("no VRRP secret source is named") }
    let secret: String
    do {
      secret = try source.read(environment: context.local.environment)
    } catch {
      throw ResourceActionError(
        "the VRRP password is unavailable: \(error.localizedDescription); nothing was written")
    }
    // A saved plan holds the password's digest; a fresh plan holds the password. Either way it must be the one read.
    if let planned = attributes["secret"]?.stringValue,
      planned != secret, planned != context.digester.digest(.string(secret)).stringValue
    {
      throw ResourceActionError(
        "the VRRP password in \(described) changed since the plan; plan again")
    }
    let config = KeepalivedConfig(
      host: host, interface: attributes["interface"]?.stringValue ?? "eth0",
      virtualRouterID: attributes["router_id"]?.intValue ?? 51, priority: attributes["priority"]?.intValue ?? 100,
      vip: attributes["vip"]?.stringValue ?? "", sourceAddress: attributes["address"]?.stringValue,
      peers: attributes["peers"]?.stringList ?? [], authSecret: secret)
    let text = config.render()
    let id = try await RenderedConfig.apply(
      kind: name, host: host, address: attributes["address"]?.stringValue, file: "keepalived.conf", text: text,
      secret: secret, deliver: attributes["deliver"]?.stringValue,
      check: { try await DaemonConfigCheck().check(config) },
      context: context)
    try await context.recordRemoteID(id)
    var result = attributes
    result["secret"] = .string(secret)
    result["on_disk"] = .string(RenderedConfig.asRendered)
    result["path"] = .string(LocalWorkspace.display(try context.local.path(ofID: id)))
    result["rendered_sha256"] = .string(FileDigest.sha256(Data(config.renderRedacted().utf8)))
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
