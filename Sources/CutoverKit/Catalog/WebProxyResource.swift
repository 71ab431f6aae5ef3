import OpenStack

/// `web_proxy.<domain>`: a Cloud VPS web-proxy route sending a domain to every worker of the live generation.
/// Switching `live:` replaces the backends in place (the cutover call); the route, and its DNS record, stay.
public struct WebProxyResource: ResourceType {
  public init() {}

  public let name = "web_proxy"

  public let schema = ResourceSchema([
    AttributeSchema("domain", .forcesReplacement),
    AttributeSchema("backends", .updatable),
  ])

  public func expand(_ state: DesiredState) -> [DesiredResource] {
    guard let proxies = state.webProxies, let live = state.live else { return [] }
    let cluster = ResourceAddress(type: "cluster", name: live)
    return proxies.domains.map { domain in
      DesiredResource(
        address: ResourceAddress(type: name, name: domain),
        attributes: [
          "domain": .value(.string(domain)),
          "backends": .reference(Reference(cluster, "node_addresses", format: "http://{}:\(proxies.port)")),
        ])
    }
  }

  public func generation(of address: ResourceAddress) -> String? { nil }

  // MARK: - Actions

  public func create(_ attributes: Attributes, address: ResourceAddress, context: ActionContext) async throws
    -> AppliedResource
  {
    let domain = attributes["domain"]?.stringValue ?? address.name
    let backends = attributes["backends"]?.stringList ?? []
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
    let domain = prior.remoteID ?? attributes["domain"]?.stringValue ?? prior.address.name
    try await context.cloud.webProxy.replaceBackends(domain: domain, backends: attributes["backends"]?.stringList ?? [])
    return AppliedResource(remoteID: domain, attributes: prior.attributes.merging(attributes) { $1 })
  }

  public func delete(_ prior: RecordedResource, context: ActionContext) async throws {
    try await context.cloud.webProxy.deleteRoute(domain: prior.remoteID ?? prior.address.name)
  }

  public func read(_ prior: RecordedResource, context: ActionContext) async throws -> AppliedResource? {
    let domain = prior.remoteID ?? prior.address.name
    guard let route = try await context.cloud.webProxy.route(domain: domain) else { return nil }
    return AppliedResource(
      remoteID: domain,
      attributes: ["domain": .string(route.domain), "backends": .list(route.backends.map(Value.string))])
  }

  public func find(_ attributes: Attributes, context: ActionContext) async throws -> AppliedResource? {
    // A route is addressed by its domain: whatever exists is the object an interrupted create made.
    guard let domain = attributes["domain"]?.stringValue,
      let route = try await context.cloud.webProxy.route(domain: domain)
    else { return nil }
    return AppliedResource(
      remoteID: domain,
      attributes: ["domain": .string(route.domain), "backends": .list(route.backends.map(Value.string))])
  }
}
