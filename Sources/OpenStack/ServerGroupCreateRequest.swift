// MARK: - ServerGroupCreateRequest

/// What to create with `POST /os-server-groups`. ``NovaClient`` writes it as `policy` + `rules` at microversion
/// 2.64 and later, else as `policies: [policy]` (rules need 2.64).
public struct ServerGroupCreateRequest: Sendable, Equatable {
  public var name: String
  /// `anti-affinity`, `affinity`, `soft-anti-affinity` (≥ 2.15) or `soft-affinity` (≥ 2.15).
  public var policy: String
  /// E.g. `["max_server_per_host": 2]` with `anti-affinity`; sent only at ≥ 2.64.
  public var rules: [String: Int]?

  public init(name: String, policy: String, rules: [String: Int]? = nil) {
    self.name = name
    self.policy = policy
    self.rules = rules
  }
}
