import Foundation
import Testing

@testable import OpenStack

// MARK: - CloudConfigLoader

@Suite("Reading clouds.yaml and OS_* variables")
struct CloudConfigLoaderTests {
  static func cloudsFile(cloud: String, authURL: String, extra: String = "") -> String {
    """
    clouds:
      \(cloud):
        auth:
          auth_url: \(authURL)
          application_credential_id: "0f1e2d3c4b5a"
          application_credential_secret: "0451-secret"
        auth_type: v3applicationcredential
        region_name: eqiad1-r
        interface: public
    \(extra)
    """
  }

  private func load(
    _ tree: TemporaryTree, cloud: String? = nil, environment: [String: String] = [:]
  ) throws -> CloudConfig {
    try CloudConfigLoader.load(
      cloud: cloud, environment: environment, currentDirectory: tree.currentDirectory,
      homeDirectory: tree.homeDirectory, systemDirectory: tree.systemDirectory
    )
  }

  // MARK: - Search order

  @Test("./clouds.yaml wins over the user's and the system's")
  func currentDirectoryFirst() throws {
    try TemporaryTree.with { tree in
      try tree.write(tree.currentDirectory + "/clouds.yaml", Self.cloudsFile(cloud: "paws", authURL: "https://cwd/v3"))
      try tree.write(
        tree.userConfigDirectory + "/clouds.yaml", Self.cloudsFile(cloud: "paws", authURL: "https://home/v3"))
      try tree.write(tree.systemDirectory + "/clouds.yaml", Self.cloudsFile(cloud: "paws", authURL: "https://etc/v3"))
      #expect(try load(tree, cloud: "paws").authURL == "https://cwd/v3")
    }
  }

  @Test("~/.config/openstack comes before /etc/openstack")
  func userBeforeSystem() throws {
    try TemporaryTree.with { tree in
      try tree.write(
        tree.userConfigDirectory + "/clouds.yaml", Self.cloudsFile(cloud: "paws", authURL: "https://home/v3"))
      try tree.write(tree.systemDirectory + "/clouds.yaml", Self.cloudsFile(cloud: "paws", authURL: "https://etc/v3"))
      #expect(try load(tree, cloud: "paws").authURL == "https://home/v3")
    }
  }

  @Test("/etc/openstack is the last resort")
  func systemLast() throws {
    try TemporaryTree.with { tree in
      try tree.write(tree.systemDirectory + "/clouds.yaml", Self.cloudsFile(cloud: "paws", authURL: "https://etc/v3"))
      #expect(try load(tree, cloud: "paws").authURL == "https://etc/v3")
    }
  }

  @Test("CUTOVER_OPENSTACK_SYSTEM_DIR replaces /etc/openstack for the public entry point, as the executable calls it")
  func systemDirectoryFromTheEnvironment() throws {
    try TemporaryTree.with { tree in
      try tree.write(tree.systemDirectory + "/clouds.yaml", Self.cloudsFile(cloud: "paws", authURL: "https://etc/v3"))
      let config = try CloudConfigLoader.load(
        cloud: "paws", environment: [CloudConfigLoader.systemDirectoryVariable: tree.systemDirectory],
        currentDirectory: tree.currentDirectory, homeDirectory: tree.homeDirectory)
      #expect(config.authURL == "https://etc/v3")
      let empty = tree.root + "/no-system-config"
      let error = #expect(throws: CloudConfigError.self) {
        try CloudConfigLoader.load(
          cloud: "paws", environment: [CloudConfigLoader.systemDirectoryVariable: empty],
          currentDirectory: tree.currentDirectory, homeDirectory: tree.homeDirectory)
      }
      #expect(error?.message.contains(empty + "/clouds.yaml") == true, "\(String(describing: error))")
      #expect(error?.message.contains("/etc/openstack") == false, "\(String(describing: error))")
    }
  }

  @Test("OS_CLIENT_CONFIG_FILE is read before every other place")
  func explicitFileFirst() throws {
    try TemporaryTree.with { tree in
      try tree.write(tree.currentDirectory + "/clouds.yaml", Self.cloudsFile(cloud: "paws", authURL: "https://cwd/v3"))
      let explicit = try tree.write(
        tree.root + "/elsewhere/mine.yaml", Self.cloudsFile(cloud: "paws", authURL: "https://env/v3"))
      let config = try load(tree, cloud: "paws", environment: ["OS_CLIENT_CONFIG_FILE": explicit])
      #expect(config.authURL == "https://env/v3")
    }
  }

  @Test("secure.yaml from another directory is merged over clouds.yaml")
  func secureMerge() throws {
    try TemporaryTree.with { tree in
      try tree.write(
        tree.currentDirectory + "/clouds.yaml",
        """
        clouds:
          paws:
            auth:
              auth_url: https://keystone.example.test:25000/v3
              username: paws-deployer
              project_name: paws
              user_domain_name: Default
            region_name: eqiad1-r
        """
      )
      try tree.write(
        tree.userConfigDirectory + "/secure.yaml",
        """
        clouds:
          paws:
            auth:
              password: "0123-from-secure"
        """
      )
      let config = try load(tree, cloud: "paws")
      #expect(
        config.auth
          == .password(
            username: "paws-deployer", password: "0123-from-secure", userDomainName: "Default", projectName: "paws",
            projectID: nil, projectDomainName: "Default"
          )
      )
      #expect(config.regionName == "eqiad1-r")
    }
  }

  // MARK: - Choosing the cloud

  @Test("OS_CLOUD picks the cloud when no name is given, and a given name beats it")
  func osCloud() throws {
    try TemporaryTree.with { tree in
      try tree.write(
        tree.currentDirectory + "/clouds.yaml",
        Self.cloudsFile(cloud: "eqiad1", authURL: "https://eqiad/v3")
          + Self.cloudsFile(cloud: "codfw1dev", authURL: "https://codfw/v3").replacingOccurrences(
            of: "clouds:\n", with: "")
      )
      #expect(try load(tree, environment: ["OS_CLOUD": "codfw1dev"]).authURL == "https://codfw/v3")
      #expect(try load(tree, cloud: "eqiad1", environment: ["OS_CLOUD": "codfw1dev"]).authURL == "https://eqiad/v3")
      #expect(try load(tree, cloud: "eqiad1").name == "eqiad1")
    }
  }

  @Test("a missing cloud is a clear error naming the files searched and the clouds known")
  func missingCloud() throws {
    try TemporaryTree.with { tree in
      try tree.write(tree.currentDirectory + "/clouds.yaml", Self.cloudsFile(cloud: "paws", authURL: "https://x/v3"))
      let error = try #require(throws: CloudConfigError.self) { try load(tree, cloud: "tools") }
      #expect(error.message.contains("cloud \"tools\" not found"))
      #expect(error.message.contains(tree.currentDirectory + "/clouds.yaml"))
      #expect(error.message.contains(tree.userConfigDirectory + "/clouds.yaml"))
      #expect(error.message.contains(tree.systemDirectory + "/clouds.yaml"))
      #expect(error.message.contains("it defines paws"))
      #expect(!error.message.contains("0451-secret"))
    }
  }

  @Test("with no clouds.yaml at all the error says so and lists the places searched")
  func noFiles() throws {
    try TemporaryTree.with { tree in
      let error = try #require(throws: CloudConfigError.self) { try load(tree, cloud: "paws") }
      #expect(error.message.contains("no clouds.yaml exists"))
      #expect(error.message.contains(tree.systemDirectory + "/clouds.yaml"))
    }
  }

  @Test("with no cloud named and no OS_AUTH_URL the error explains both ways")
  func nothingSelected() throws {
    try TemporaryTree.with { tree in
      try tree.write(tree.currentDirectory + "/clouds.yaml", Self.cloudsFile(cloud: "paws", authURL: "https://x/v3"))
      let error = try #require(throws: CloudConfigError.self) { try load(tree) }
      #expect(error.message.contains("OS_CLOUD"))
      #expect(error.message.contains("OS_AUTH_URL"))
      #expect(error.message.contains("paws"))
    }
  }

  // MARK: - OS_* variables

  @Test("OS_* variables form an implicit application-credential cloud")
  func environmentApplicationCredential() throws {
    try TemporaryTree.with { tree in
      let config = try load(
        tree,
        environment: [
          "OS_AUTH_URL": "https://keystone.example.test:25000/v3", "OS_AUTH_TYPE": "v3applicationcredential",
          "OS_APPLICATION_CREDENTIAL_ID": "0f1e", "OS_APPLICATION_CREDENTIAL_SECRET": "0451-secret",
          "OS_REGION_NAME": "eqiad1-r", "OS_INTERFACE": "internal", "OS_CACERT": "ca.pem", "OS_INSECURE": "false",
        ]
      )
      #expect(config.name == nil)
      #expect(
        config.auth
          == .applicationCredential(
            id: "0f1e", name: nil, secret: "0451-secret", userName: nil, userID: nil, userDomainName: nil
          )
      )
      #expect(config.regionName == "eqiad1-r")
      #expect(config.interface == "internal")
      #expect(config.cacertPath == tree.currentDirectory + "/ca.pem")
      #expect(config.insecure == false)
    }
  }

  @Test("OS_* variables form an implicit password cloud, domains defaulting to Default")
  func environmentPassword() throws {
    try TemporaryTree.with { tree in
      let config = try load(
        tree,
        environment: [
          "OS_AUTH_URL": "https://keystone.example.test:25000/v3", "OS_USERNAME": "paws-deployer",
          "OS_PASSWORD": "0451-secret", "OS_PROJECT_NAME": "paws", "OS_INSECURE": "true",
        ]
      )
      #expect(
        config.auth
          == .password(
            username: "paws-deployer", password: "0451-secret", userDomainName: "Default", projectName: "paws",
            projectID: nil, projectDomainName: "Default"
          )
      )
      #expect(config.insecure)
      #expect(config.interface == "public")
    }
  }

  @Test("the cloud named envvars is the OS_* variables, over OS_CLOUD, unless clouds.yaml defines one so named")
  func envvarsCloud() throws {
    try TemporaryTree.with { tree in
      try tree.write(tree.currentDirectory + "/clouds.yaml", Self.cloudsFile(cloud: "paws", authURL: "https://x/v3"))
      let variables = [
        "OS_CLOUD": "paws", "OS_AUTH_URL": "https://keystone.example.test:25000/v3",
        "OS_APPLICATION_CREDENTIAL_ID": "0f1e", "OS_APPLICATION_CREDENTIAL_SECRET": "0451-secret",
      ]
      let config = try load(tree, cloud: "envvars", environment: variables)
      #expect(config.name == nil)
      #expect(config.authURL == "https://keystone.example.test:25000/v3")

      let unset = try #require(throws: CloudConfigError.self) {
        try load(tree, cloud: "envvars", environment: ["OS_CLOUD": "paws"])
      }
      #expect(unset.message.contains("OS_AUTH_URL is not set"))

      try tree.write(
        tree.currentDirectory + "/clouds.yaml", Self.cloudsFile(cloud: "envvars", authURL: "https://file/v3"))
      #expect(try load(tree, cloud: "envvars", environment: variables).authURL == "https://file/v3")
    }
  }

  // MARK: - Settings

  @Test("application credential by name with its user, cacert with ~, verify false, regions list")
  func applicationCredentialByName() throws {
    try TemporaryTree.with { tree in
      try tree.write(
        tree.currentDirectory + "/clouds.yaml",
        """
        clouds:
          paws:
            auth_type: v3applicationcredential
            auth:
              auth_url: https://keystone.example.test:25000
              application_credential_name: cutover
              application_credential_secret: 0451
              username: paws-deployer
              user_domain_id: default
            regions:
              - eqiad1-r
            interface: publicURL
            cacert: ~/certs/wmcs-ca.pem
            verify: false
        """
      )
      let config = try load(tree, cloud: "paws")
      #expect(
        config.auth
          == .applicationCredential(
            id: nil, name: "cutover", secret: "0451", userName: "paws-deployer", userID: nil, userDomainName: "Default"
          )
      )
      #expect(config.regionName == "eqiad1-r")
      #expect(config.interface == "public")
      #expect(config.cacertPath == tree.homeDirectory + "/certs/wmcs-ca.pem")
      #expect(config.insecure)
    }
  }

  @Test("password auth with project id and an explicit project domain; insecure: true")
  func passwordWithProjectID() throws {
    try TemporaryTree.with { tree in
      try tree.write(
        tree.currentDirectory + "/clouds.yml",
        """
        clouds:
          paws:
            auth_type: password
            auth:
              auth_url: https://keystone.example.test:25000/v3
              username: paws-deployer
              password: "0451"
              user_domain_name: Users
              project_id: paws
              project_domain_name: Projects
            insecure: true
        """
      )
      let config = try load(tree, cloud: "paws")
      #expect(
        config.auth
          == .password(
            username: "paws-deployer", password: "0451", userDomainName: "Users", projectName: nil, projectID: "paws",
            projectDomainName: "Projects"
          )
      )
      #expect(config.insecure)
      #expect(config.regionName == nil)
    }
  }

  @Test("auth_type is inferred from the presence of an application credential secret")
  func inferredAuthType() throws {
    try TemporaryTree.with { tree in
      try tree.write(
        tree.currentDirectory + "/clouds.yaml",
        Self.cloudsFile(cloud: "paws", authURL: "https://x/v3").replacingOccurrences(
          of: "    auth_type: v3applicationcredential\n", with: "")
      )
      guard case .applicationCredential = try load(tree, cloud: "paws").auth else {
        Issue.record("expected an application credential")
        return
      }
    }
  }

  @Test("missing settings and unsupported auth types are named, secrets are not")
  func invalidClouds() throws {
    try TemporaryTree.with { tree in
      try tree.write(
        tree.currentDirectory + "/clouds.yaml",
        """
        clouds:
          nosecret:
            auth_type: v3applicationcredential
            auth: {auth_url: "https://x/v3", application_credential_id: abc}
          noproject:
            auth_type: password
            auth: {auth_url: "https://x/v3", username: u, password: "0451-secret"}
          token:
            auth_type: token
            auth: {auth_url: "https://x/v3", token: "0451-secret"}
          nourl:
            auth: {application_credential_id: abc, application_credential_secret: "0451-secret"}
        """
      )
      let cases = [
        ("nosecret", "application_credential_secret"), ("noproject", "project_name"),
        ("token", "auth_type \"token\""), ("nourl", "auth_url"),
      ]
      for (cloud, expected) in cases {
        let error = try #require(throws: CloudConfigError.self) { try load(tree, cloud: cloud) }
        #expect(error.message.contains(expected), "\(error.message)")
        #expect(!error.message.contains("0451-secret"))
      }
    }
  }

  @Test("a malformed clouds.yaml names the file")
  func malformedYAML() throws {
    try TemporaryTree.with { tree in
      try tree.write(tree.currentDirectory + "/clouds.yaml", "clouds:\n  paws: [unclosed\n")
      let error = try #require(throws: CloudConfigError.self) { try load(tree, cloud: "paws") }
      #expect(error.message.contains(tree.currentDirectory + "/clouds.yaml"))
    }
  }

  @Test("printing a configuration never shows its secret")
  func descriptionsHideSecrets() throws {
    for config in [FakeCloud.applicationCredentialConfig, FakeCloud.passwordConfig] {
      let secret = try #require(config.secrets.first)
      var dumped = ""
      dump(config, to: &dumped)
      for text in [String(describing: config), String(reflecting: config), "\(config.auth)", dumped] {
        #expect(!text.contains(secret), "\(text)")
        #expect(text.contains("<redacted>"))
      }
    }
  }
}
