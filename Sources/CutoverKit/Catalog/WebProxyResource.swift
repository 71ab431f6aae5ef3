import OpenStack

/// `web_proxy.<domain>`: a Cloud VPS web-proxy route sending a domain to every worker of the live generation.
/// Switching `live:` replaces the backends in place (the cutover call); the route, and its DNS record, stay.
public struct WebProxyResource: NamedResourceType {
  public init() {}

  public static let typeName = "web_proxy"
  public var switchRole: SwitchRole { .routesTraffic }

  /// The names of this type's attributes, as state and plans record them.
  public enum Attribute {
    public static let domain = "domain"
    public static let backends = "backends"
  }

  public let schema = ResourceSchema([
    AttributeSchema(Attribute.domain, .forcesReplacement),
    AttributeSchema(Attribute.backends, .updatable),
  ])

  public func expand(_ state: DesiredState) -> [DesiredResource] {
    guard let proxies = state.webProxies, let live = state.live else { return [] }
    let cluster = ClusterResource.address(live)
    // Traffic moves only once what serves it is deployed on the live generation.
    let releases = (state.generation(live)?.releases ?? []).map {
      HelmReleaseResource.address(generation: live, name: $0.name)
    }
    return proxies.domains.map { domain in
      DesiredResource(
        address: ResourceAddress(type: name, name: domain),
        attributes: [
          Attribute.domain: .value(.string(domain)),
          Attribute.backends: .reference(
            Reference(cluster, ClusterResource.Attribute.nodeAddresses, format: "http://{}:\(proxies.port)")),
        ], dependsOn: releases)
    }
  }

  public func generation(of address: ResourceAddress) -> String? { nil }

  public var nameAttribute: String { Attribute.domain }

  /// Deleting a route makes the proxy service delete its DNS record too.
  public var onlyDestroyDeletes: Bool { true }

  /// A route is its domain: a "new" one would be the same route, and deleting the old one would delete both.
  public var isReplaceable: Bool { false }
  public var deletionRisk: String { "deleting it deletes the route and its DNS record" }
  public var replacementRefusal: String { "its identity is its address; deleting the old one would delete the new one" }

  public func routedHosts(_ attributes: Attributes) -> [String] {
    (attributes[Attribute.backends]?.stringList ?? []).compactMap(URLHost.of)
  }

  // MARK: - Actions

  public func create(_ attributes: Attributes, address: ResourceAddress, context: ActionContext) async throws
    -> AppliedResource
  {
    let domain = attributes[Attribute.domain]?.stringValue ?? address.name
    let backends = try Self.backends(attributes, domain: domain)
    // PUT appends to a route that already exists (one made by hand in Horizon, say), so replace it instead.
    if try await context.cloud.webProxy.route(domain: domain) != nil {
      try await context.cloud.webProxy.replaceBackends(domain: domain, backends: backends)
    } else {
      try await context.cloud.webProxy.createRoute(domain: domain, backends: backends)
    }
    try await context.recordRemoteID(domain)
    return AppliedResource(remoteID: domain, attributes: attributes)
  }

  public func update(_ attributes: Attributes, prior: RecordedResource, context: ActionContext) async throws
    -> AppliedResource
  {
    let domain = prior.remoteID ?? attributes[Attribute.domain]?.stringValue ?? prior.address.name
    try await context.cloud.webProxy.replaceBackends(
      domain: domain, backends: try Self.backends(attributes, domain: domain))
    return AppliedResource(remoteID: domain, attributes: prior.attributes.merging(attributes) { $1 })
  }

  public func delete(_ prior: RecordedResource, context: ActionContext) async throws {
    try await context.cloud.webProxy.deleteRoute(domain: prior.remoteID ?? prior.address.name)
  }

  public func read(_ prior: RecordedResource, context: ActionContext) async throws -> AppliedResource? {
    try await current(domain: prior.remoteID ?? prior.address.name, context: context)
  }

  public func find(_ attributes: Attributes, context: ActionContext) async throws -> AppliedResource? {
    // A route is addressed by its domain: whatever exists is the object an interrupted create made.
    guard let domain = attributes[Attribute.domain]?.stringValue else { return nil }
    return try await current(domain: domain, context: context)
  }

  public func adopt(remoteID: String, context: ActionContext) async throws -> AppliedResource? {
    try await current(domain: remoteID, context: context)
  }

  public func inventory(context: ActionContext) async throws -> [String: String] {
    Dictionary(try await context.routes().map { ($0.domain, $0.domain) }, uniquingKeysWith: { a, _ in a })
  }

  private func current(domain: String, context: ActionContext) async throws -> AppliedResource? {
    guard let route = try await context.route(domain: domain) else { return nil }
    return AppliedResource(
      remoteID: domain,
      attributes: [
        Attribute.domain: .string(route.domain), Attribute.backends: .list(route.backends.map(Value.string)),
      ])
  }

  /// The backends to send; never none, which would leave the domain answering nothing.
  private static func backends(_ attributes: Attributes, domain: String) throws -> [String] {
    let backends = attributes[Attribute.backends]?.stringList ?? []
    guard !backends.isEmpty else {
      throw ResourceActionError(
        "refusing to point \(domain) at no backends: the live cluster reports no worker addresses")
    }
    return backends
  }
}
