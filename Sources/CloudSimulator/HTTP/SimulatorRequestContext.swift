import Hummingbird

/// Per-request state the service gateway fills in before a route runs.
struct SimulatorRequestContext: RequestContext {
  var coreContext: CoreRequestContextStorage
  /// `req-<uuid>`, sent back as `x-openstack-request-id` and inside Magnum error bodies.
  var requestID = ""
  /// The caller's token, once the gateway has validated it (Magnum and web-proxy routes).
  var token: TokenRecord?
  /// The negotiated Magnum microversion (Magnum routes).
  var microversion = Microversion.minimum
  /// The negotiated Nova microversion (Nova routes).
  var computeMicroversion = ComputeMicroversion.minimum

  init(source: Source) {
    self.coreContext = .init(source: source)
  }

  /// The validated token; routes behind the gateway's authentication always have one.
  func requireToken() throws -> TokenRecord {
    guard let token else { throw ServiceError.unauthenticated }
    return token
  }
}
