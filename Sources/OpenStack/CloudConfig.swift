// MARK: - CloudConfig

/// Everything needed to talk to one OpenStack cloud: where Keystone is, how to authenticate, which region and
/// interface to pick from the catalog, and how to verify TLS. Printing it never shows a secret.
public struct CloudConfig: Sendable, Equatable {
  /// How to obtain a Keystone v3 token.
  public enum Auth: Sendable, Equatable {
    /// `v3applicationcredential`: `id` alone, or `name` with the owning user (`userName` + `userDomainName`, or
    /// `userID`). The token is scoped by the credential itself; the request carries no scope.
    case applicationCredential(
      id: String?, name: String?, secret: String, userName: String?, userID: String?, userDomainName: String?
    )
    /// `password`: a user in a domain, scoped to a project (by id, or by name in its domain).
    case password(
      username: String, password: String, userDomainName: String, projectName: String?, projectID: String?,
      projectDomainName: String
    )
    /// A token and an object-store URL issued elsewhere (python-swiftclient's `OS_AUTH_TOKEN` and `OS_STORAGE_URL`):
    /// Keystone is never asked, and only the object store is reachable (`authURL` is the storage URL).
    case storageToken(token: String, storageURL: String)
  }

  /// The cloud's name in `clouds.yaml`; nil for a cloud made of `OS_*` variables.
  public var name: String?
  /// Keystone's URL, normally ending in `/v3` (a URL without a version gets `/v3` appended when used).
  public var authURL: String
  public var auth: Auth
  /// Matched against an endpoint's `region` or `region_id`; nil accepts any region.
  public var regionName: String?
  /// The catalog interface: `public`, `internal` or `admin`.
  public var interface: String
  /// A PEM file of extra trusted CA certificates.
  public var cacertPath: String?
  /// Disables TLS certificate verification.
  public var insecure: Bool
  /// The Kubernetes API of a cloud simulator (`cutover_simulated_kubernetes:` in the `clouds.yaml` entry that
  /// `cutover simulator serve --clouds-yaml` writes): where helm's and kubectl's work is played instead of run.
  public var simulatedKubernetesURL: String?

  /// The object store at `storageURL`, reached with a token issued elsewhere (`OS_STORAGE_URL`, `OS_AUTH_TOKEN`).
  public static func storage(url storageURL: String, token: String, cacertPath: String? = nil, insecure: Bool = false)
    -> CloudConfig
  {
    CloudConfig(
      name: nil, authURL: storageURL, auth: .storageToken(token: token, storageURL: storageURL), cacertPath: cacertPath,
      insecure: insecure)
  }

  public init(
    name: String? = nil,
    authURL: String,
    auth: Auth,
    regionName: String? = nil,
    interface: String = "public",
    cacertPath: String? = nil,
    insecure: Bool = false
  ) {
    self.name = name
    self.authURL = authURL
    self.auth = auth
    self.regionName = regionName
    self.interface = interface
    self.cacertPath = cacertPath
    self.insecure = insecure
  }

  /// What an operator must be told before this configuration is used: today, that TLS verification is off.
  /// Printing them is the caller's job (``AsyncHTTPClientTransport`` also logs a warning when it is made insecure).
  public var warnings: [String] {
    guard insecure else { return [] }
    let subject = name.map { "cloud \"\($0)\"" } ?? "the cloud of the OS_* variables"
    return [
      "TLS certificate verification is disabled for \(subject) (insecure: true, verify: false or OS_INSECURE): "
        + "\(authURL) and the services of its catalog are not authenticated, so credentials and tokens could reach "
        + "an impostor; name the CA in cacert instead"
    ]
  }

  /// The values that must never appear in an error, a log line or a description.
  var secrets: [String] {
    switch auth {
    case .applicationCredential(_, _, let secret, _, _, _): [secret]
    case .password(_, let password, _, _, _, _): [password]
    case .storageToken(let token, _): [token]
    }
  }
}

extension CloudConfig.Auth {
  /// Whether the token was issued elsewhere, so a refused one cannot be renewed.
  var isIssuedElsewhere: Bool {
    if case .storageToken = self { return true }
    return false
  }
}

// MARK: - Descriptions without secrets

extension CloudConfig.Auth: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
  public var description: String {
    switch self {
    case .applicationCredential(let id, let name, _, let userName, let userID, let userDomainName):
      let fields = [
        id.map { "id: \($0)" }, name.map { "name: \($0)" }, userName.map { "user: \($0)" },
        userID.map { "user id: \($0)" }, userDomainName.map { "user domain: \($0)" }, "secret: <redacted>",
      ]
      return "application credential (\(fields.compactMap { $0 }.joined(separator: ", ")))"
    case .password(let username, _, let userDomainName, let projectName, let projectID, let projectDomainName):
      let project =
        projectID.map { "project id: \($0)" }
        ?? projectName.map { "project: \($0) in \(projectDomainName)" } ?? "no project"
      return "password (user: \(username) in \(userDomainName), \(project), password: <redacted>)"
    case .storageToken(_, let storageURL):
      return "storage token (storage URL: \(storageURL), token: <redacted>)"
    }
  }

  public var debugDescription: String { description }

  public var customMirror: Mirror { Mirror(self, children: ["auth": description]) }
}

extension CloudConfig: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
  public var description: String {
    var parts = ["auth_url: \(authURL)", "auth: \(auth)", "interface: \(interface)"]
    if let name { parts.insert("cloud: \(name)", at: 0) }
    if let regionName { parts.append("region: \(regionName)") }
    if let cacertPath { parts.append("cacert: \(cacertPath)") }
    if insecure { parts.append("insecure") }
    return "CloudConfig(\(parts.joined(separator: ", ")))"
  }

  public var debugDescription: String { description }

  public var customMirror: Mirror { Mirror(self, children: ["config": description]) }
}
