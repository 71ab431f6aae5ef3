// MARK: - ServerGroup

/// A Nova server group. From microversion 2.64 Nova answers `policy` (one string) and `rules`; below it
/// `policies` (a list of one) and `metadata`. ``effectivePolicy`` reads either.
public struct ServerGroup: Codable, Sendable, Equatable {
  public var id: String
  public var name: String
  /// `anti-affinity`, `affinity`, `soft-anti-affinity` or `soft-affinity` (microversion ≥ 2.64).
  public var policy: String?
  /// The same as a list (below 2.64).
  public var policies: [String]?
  /// `max_server_per_host` for `anti-affinity` (microversion ≥ 2.64).
  public var rules: [String: Int]?
  /// Ids of the servers in the group.
  public var members: [String]
  public var projectID: String?
  public var userID: String?

  public init(
    id: String, name: String, policy: String? = nil, policies: [String]? = nil, rules: [String: Int]? = nil,
    members: [String] = [], projectID: String? = nil, userID: String? = nil
  ) {
    self.id = id
    self.name = name
    self.policy = policy
    self.policies = policies
    self.rules = rules
    self.members = members
    self.projectID = projectID
    self.userID = userID
  }

  /// `policy`, else the first of `policies`.
  public var effectivePolicy: String? { policy ?? policies?.first }

  enum CodingKeys: String, CodingKey {
    case id
    case name
    case policy
    case policies
    case rules
    case members
    case projectID = "project_id"
    case userID = "user_id"
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    id = try container.decode(String.self, forKey: .id)
    name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
    policy = try container.decodeIfPresent(String.self, forKey: .policy)
    policies = try container.decodeIfPresent([String].self, forKey: .policies)
    // Rules are integers today; anything else is skipped rather than failing the whole group.
    rules = (try? container.decodeIfPresent([String: Int].self, forKey: .rules)) ?? nil
    members = try container.decodeIfPresent([String].self, forKey: .members) ?? []
    projectID = try container.decodeIfPresent(String.self, forKey: .projectID)
    userID = try container.decodeIfPresent(String.self, forKey: .userID)
  }
}
