/// Checks a Keystone v3 `POST /auth/tokens` body against the simulated cloud's one user and one
/// application credential, the way Keystone does.
struct KeystoneAuthenticator {
  /// What a successful authentication grants.
  struct Grant: Equatable {
    var methods: [String]
    var applicationCredentialID: String?
  }

  let configuration: SimulatorConfiguration

  static let defaultDomainID = "default"
  static let defaultDomainName = "Default"

  // MARK: - Authentication

  func authenticate(_ body: JSONValue?) throws -> Grant {
    guard let auth = body?["auth"], auth.objectValue != nil else { throw Self.missing("auth", in: "the body") }
    guard let identity = auth["identity"], identity.objectValue != nil else {
      throw Self.missing("identity", in: "auth")
    }
    guard let methods = identity["methods"]?.arrayValue?.compactMap(\.stringValue), !methods.isEmpty else {
      throw Self.missing("methods", in: "identity")
    }
    let scope = auth["scope"].flatMap { $0.isNull ? nil : $0 }
    if methods.contains("application_credential") {
      guard let credential = identity["application_credential"] else {
        throw Self.missing("application_credential", in: "identity")
      }
      if scope != nil {
        throw ServiceError(.unauthorized, "Application credentials cannot request a scope.")
      }
      try checkApplicationCredential(credential)
      return Grant(methods: ["application_credential"], applicationCredentialID: configuration.applicationCredentialID)
    }
    if methods.contains("password") {
      guard let password = identity["password"] else { throw Self.missing("password", in: "identity") }
      try checkPassword(password)
      try checkProjectScope(scope)
      return Grant(methods: ["password"], applicationCredentialID: nil)
    }
    throw ServiceError(.unauthorized, "Attempted to authenticate with an unsupported method.")
  }

  // MARK: - Methods

  private func checkApplicationCredential(_ credential: JSONValue) throws {
    if let id = credential["id"]?.stringValue {
      guard id == configuration.applicationCredentialID else { throw Self.rejected }
    } else if let name = credential["name"]?.stringValue {
      guard let user = credential["user"], user.objectValue != nil else {
        throw Self.missing("user", in: "application_credential")
      }
      try checkUser(user)
      guard name == configuration.applicationCredentialID else { throw Self.rejected }
    } else {
      throw Self.missing("id", in: "application_credential")
    }
    guard let secret = credential["secret"]?.stringValue else {
      throw Self.missing("secret", in: "application_credential")
    }
    guard secret == configuration.applicationCredentialSecret else { throw Self.rejected }
  }

  private func checkPassword(_ password: JSONValue) throws {
    guard let user = password["user"], user.objectValue != nil else { throw Self.missing("user", in: "password") }
    try checkUser(user)
    guard user["password"]?.stringValue == SimulatorConfiguration.userPassword else { throw Self.rejected }
  }

  /// A user named with its domain, or given by id.
  private func checkUser(_ user: JSONValue) throws {
    if let id = user["id"]?.stringValue {
      guard id == SimulatorConfiguration.userName else { throw Self.rejected }
      return
    }
    guard let name = user["name"]?.stringValue else { throw Self.missing("id or name", in: "user") }
    guard let domain = user["domain"], domain.objectValue != nil else { throw Self.missing("domain", in: "user") }
    guard name == SimulatorConfiguration.userName, Self.isDefaultDomain(domain) else { throw Self.rejected }
  }

  /// Password tokens must be scoped to the cloud's project, by id or by name within its domain.
  private func checkProjectScope(_ scope: JSONValue?) throws {
    guard let scope else {
      throw ServiceError(.unauthorized, "The simulated cloud issues project-scoped tokens only; add a project scope.")
    }
    guard let project = scope["project"], project.objectValue != nil else {
      throw ServiceError(.unauthorized, "The simulated cloud supports project scopes only.")
    }
    let matches: Bool
    if let id = project["id"]?.stringValue {
      matches = id == configuration.project
    } else if let name = project["name"]?.stringValue {
      guard let domain = project["domain"], domain.objectValue != nil else {
        throw Self.missing("domain", in: "project")
      }
      matches = name == configuration.project && Self.isDefaultDomain(domain)
    } else {
      throw Self.missing("id or name", in: "project")
    }
    guard matches else {
      throw ServiceError(.unauthorized, "User \(SimulatorConfiguration.userName) has no access to that project.")
    }
  }

  private static func isDefaultDomain(_ domain: JSONValue) -> Bool {
    if let id = domain["id"]?.stringValue { return id == defaultDomainID }
    return domain["name"]?.stringValue == defaultDomainName
  }

  // MARK: - Errors

  private static var rejected: ServiceError {
    ServiceError(.unauthorized, "The request you have made requires authentication.")
  }

  private static func missing(_ attribute: String, in target: String) -> ServiceError {
    .badRequest(
      "Expecting to find \(attribute) in \(target). The server could not comply with the request since it is "
        + "either malformed or otherwise incorrect. The client is assumed to be in error.")
  }
}
