// MARK: - ProxyRoute

/// A web-proxy route: a public domain and the backends (`http://ip:port`) it forwards to.
public struct ProxyRoute: Codable, Sendable, Equatable {
  public var domain: String
  public var backends: [String]

  public init(domain: String, backends: [String]) {
    self.domain = domain
    self.backends = backends
  }
}
