import Foundation

// MARK: - CloudConfigLoader

/// Reads the cloud configuration the way the `openstack` CLI does.
///
/// - `clouds.yaml`: `OS_CLIENT_CONFIG_FILE` first, then `./clouds.yaml`, `~/.config/openstack/clouds.yaml`
///   (`$XDG_CONFIG_HOME/openstack` when set), `/etc/openstack/clouds.yaml` (`.yml` accepted too; the directory is
///   `CUTOVER_OPENSTACK_SYSTEM_DIR` when set); the first file that exists is used.
/// - `secure.yaml`: `OS_CLIENT_SECURE_FILE`, then the same directories; the first found is merged over it, key by
///   key, so secrets can live apart from the rest.
/// - The cloud is the `cloud` argument, else `OS_CLOUD`. With neither, `OS_AUTH_URL` and the other `OS_*`
///   variables form an implicit cloud (`OS_AUTH_TYPE`, `OS_APPLICATION_CREDENTIAL_ID`/`_NAME`/`_SECRET`,
///   `OS_USERNAME`, `OS_USER_ID`, `OS_USER_DOMAIN_NAME`, `OS_PASSWORD`, `OS_PROJECT_NAME`, `OS_PROJECT_ID`,
///   `OS_PROJECT_DOMAIN_NAME`, `OS_REGION_NAME`, `OS_INTERFACE`, `OS_CACERT`, `OS_INSECURE`). The variables are
///   not merged into a cloud chosen by name. As in openstacksdk, that implicit cloud is named ``environmentCloudName``
///   (`envvars`): choosing that name reads the variables even when `OS_CLOUD` is set, unless a `clouds.yaml` entry
///   of that name exists.
/// - `auth_type` `v3applicationcredential` or `password` (`v3password`); when absent it is inferred: an
///   application credential secret means `v3applicationcredential`, otherwise `password`.
/// - Domains default to `Default` (a `*_domain_id` of `default` is accepted as that name); a password's project
///   domain defaults to the user's.
/// - `verify: false` or `insecure: true` disable TLS verification; `cacert` names a PEM file (`~` and relative
///   paths are resolved against the home and current directory).
public enum CloudConfigLoader {
  /// The system-wide directory searched last, as the `openstack` CLI does.
  public static let defaultSystemDirectory = "/etc/openstack"
  /// The environment variable naming a directory searched in place of ``defaultSystemDirectory``, so a run (a test
  /// on a machine whose `/etc/openstack` holds a real `clouds.yaml`) can be kept from the machine's configuration.
  public static let systemDirectoryVariable = "CUTOVER_OPENSTACK_SYSTEM_DIR"
  /// The name of the cloud the `OS_*` variables form, as openstacksdk names it (`--os-cloud envvars`).
  public static let environmentCloudName = "envvars"

  public static func load(
    cloud: String?, environment: [String: String], currentDirectory: String, homeDirectory: String
  ) throws -> CloudConfig {
    let replaced = environment[systemDirectoryVariable].flatMap { $0.isEmpty ? nil : $0 }
    return try load(
      cloud: cloud, environment: environment, currentDirectory: currentDirectory, homeDirectory: homeDirectory,
      systemDirectory: replaced ?? defaultSystemDirectory
    )
  }

  /// The same, with the system-wide directory replaceable (tests must not depend on `/etc`).
  static func load(
    cloud: String?, environment: [String: String], currentDirectory: String, homeDirectory: String,
    systemDirectory: String
  ) throws -> CloudConfig {
    let locations = FileLocations(
      environment: environment, currentDirectory: currentDirectory, homeDirectory: homeDirectory,
      systemDirectory: systemDirectory
    )
    let selected = [cloud, environment["OS_CLOUD"]].compactMap { $0 }.first { !$0.isEmpty }
    guard let selected else {
      if let authURL = environment["OS_AUTH_URL"], !authURL.isEmpty {
        return try configFromEnvironment(environment, locations: locations)
      }
      throw CloudConfigError(
        "no cloud selected: name one (--os-cloud or OS_CLOUD)\(availableCloudsHint(locations)), or set "
          + "OS_AUTH_URL and the other OS_* variables"
      )
    }
    if selected == environmentCloudName, !locations.definesCloud(selected) {
      guard let authURL = environment["OS_AUTH_URL"], !authURL.isEmpty else {
        throw CloudConfigError(
          "cloud \"\(environmentCloudName)\" means the OS_* environment variables, and OS_AUTH_URL is not set")
      }
      return try configFromEnvironment(environment, locations: locations)
    }
    return try namedCloud(selected, locations: locations)
  }

  // MARK: - Named clouds

  private static func namedCloud(_ name: String, locations: FileLocations) throws -> CloudConfig {
    let cloudsFile = locations.firstExisting(locations.cloudsCandidates)
    let secureFile = locations.firstExisting(locations.secureCandidates)
    var document = ConfigValue.mapping([:])
    if let cloudsFile { document = try read(cloudsFile) }
    if let secureFile { document = document.merging(try read(secureFile)) }
    guard let cloud = document["clouds"]?[name], cloud.mappingValues != nil else {
      let searched = locations.cloudsCandidates.joined(separator: ", ")
      guard let cloudsFile else {
        throw CloudConfigError("cloud \"\(name)\" not found: no clouds.yaml exists (searched \(searched))")
      }
      let known = document["clouds"]?.mappingValues?.keys.sorted() ?? []
      let knownText = known.isEmpty ? "it defines no clouds" : "it defines \(known.joined(separator: ", "))"
      throw CloudConfigError(
        "cloud \"\(name)\" not found in \(cloudsFile) (\(knownText)); searched \(searched)"
      )
    }
    let origin = "cloud \"\(name)\" in \(cloudsFile ?? secureFile ?? "clouds.yaml")"
    var auth: [String: String] = [:]
    for (key, value) in cloud["auth"]?.mappingValues ?? [:] {
      if let text = value.string { auth[key] = text }
    }
    var region = cloud["region_name"]?.string
    if region == nil, case .sequence(let regions) = cloud["regions"] ?? .null, let first = regions.first {
      region = first.string ?? first["name"]?.string
    }
    let verify = cloud["verify"]?.bool
    let insecure = cloud["insecure"]?.bool
    var config = try makeConfig(
      name: name,
      origin: origin,
      authType: cloud["auth_type"]?.string,
      auth: auth,
      regionName: region,
      interface: cloud["interface"]?.string ?? cloud["endpoint_type"]?.string,
      cacert: cloud["cacert"]?.string,
      insecure: insecure == true || verify == false,
      locations: locations
    )
    config.simulatedKubernetesURL = cloud["cutover_simulated_kubernetes"]?.string
    return config
  }

  private static func read(_ path: String) throws -> ConfigValue {
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
    else {
      throw CloudConfigError("cannot read \(path)")
    }
    do {
      return try ConfigValue.parse(yaml: text)
    } catch {
      throw CloudConfigError("\(path) is not valid YAML: \(error)")
    }
  }

  private static func availableCloudsHint(_ locations: FileLocations) -> String {
    guard let file = locations.firstExisting(locations.cloudsCandidates),
      let names = (try? read(file))?["clouds"]?.mappingValues?.keys.sorted(), !names.isEmpty
    else { return "" }
    return " from \(file) (\(names.joined(separator: ", ")))"
  }

  // MARK: - OS_* variables

  private static let environmentAuthKeys: [(variable: String, key: String)] = [
    ("OS_AUTH_URL", "auth_url"),
    ("OS_APPLICATION_CREDENTIAL_ID", "application_credential_id"),
    ("OS_APPLICATION_CREDENTIAL_NAME", "application_credential_name"),
    ("OS_APPLICATION_CREDENTIAL_SECRET", "application_credential_secret"),
    ("OS_USERNAME", "username"),
    ("OS_USER_ID", "user_id"),
    ("OS_USER_DOMAIN_NAME", "user_domain_name"),
    ("OS_USER_DOMAIN_ID", "user_domain_id"),
    ("OS_PASSWORD", "password"),
    ("OS_PROJECT_NAME", "project_name"),
    ("OS_TENANT_NAME", "tenant_name"),
    ("OS_PROJECT_ID", "project_id"),
    ("OS_TENANT_ID", "tenant_id"),
    ("OS_PROJECT_DOMAIN_NAME", "project_domain_name"),
    ("OS_PROJECT_DOMAIN_ID", "project_domain_id"),
  ]

  private static func configFromEnvironment(
    _ environment: [String: String], locations: FileLocations
  ) throws -> CloudConfig {
    var auth: [String: String] = [:]
    for (variable, key) in environmentAuthKeys {
      if let value = environment[variable], !value.isEmpty { auth[key] = value }
    }
    let insecure = environment["OS_INSECURE"].flatMap { ConfigValue.scalar($0).bool } ?? false
    return try makeConfig(
      name: nil,
      origin: "the OS_* environment variables",
      authType: environment["OS_AUTH_TYPE"],
      auth: auth,
      regionName: environment["OS_REGION_NAME"],
      interface: environment["OS_INTERFACE"] ?? environment["OS_ENDPOINT_TYPE"],
      cacert: environment["OS_CACERT"],
      insecure: insecure,
      locations: locations
    )
  }

  // MARK: - Building the configuration

  private static func makeConfig(
    name: String?, origin: String, authType: String?, auth: [String: String], regionName: String?,
    interface: String?, cacert: String?, insecure: Bool, locations: FileLocations
  ) throws -> CloudConfig {
    func value(_ key: String) -> String? {
      auth[key].flatMap { $0.isEmpty ? nil : $0 }
    }
    guard let authURL = value("auth_url") else {
      throw CloudConfigError("\(origin) has no auth_url")
    }
    let type =
      (authType?.isEmpty == false ? authType : nil)?.lowercased()
      ?? (value("application_credential_secret") != nil ? "v3applicationcredential" : "password")
    let configAuth: CloudConfig.Auth
    switch type {
    case "v3applicationcredential", "applicationcredential", "application_credential":
      configAuth = try applicationCredential(value, origin: origin)
    case "password", "v3password":
      configAuth = try password(value, origin: origin)
    default:
      throw CloudConfigError(
        "\(origin) uses auth_type \"\(type)\", which is not supported (use v3applicationcredential or password)"
      )
    }
    return CloudConfig(
      name: name,
      authURL: authURL,
      auth: configAuth,
      regionName: regionName.flatMap { $0.isEmpty ? nil : $0 },
      interface: normalizedInterface(interface),
      cacertPath: cacert.flatMap { $0.isEmpty ? nil : locations.resolve(path: $0) },
      insecure: insecure
    )
  }

  private static func applicationCredential(
    _ value: (String) -> String?, origin: String
  ) throws -> CloudConfig.Auth {
    guard let secret = value("application_credential_secret") else {
      throw CloudConfigError("\(origin) has no application_credential_secret")
    }
    let id = value("application_credential_id")
    let name = value("application_credential_name")
    let userName = value("username")
    let userID = value("user_id")
    if id == nil {
      guard name != nil else {
        throw CloudConfigError("\(origin) has neither application_credential_id nor application_credential_name")
      }
      guard userName != nil || userID != nil else {
        throw CloudConfigError(
          "\(origin) names its application credential without its owner (username or user_id)"
        )
      }
    }
    let userDomain = userName == nil ? nil : try domainName(value, prefix: "user", fallback: "Default", origin)
    return .applicationCredential(
      id: id, name: id == nil ? name : nil, secret: secret, userName: userName, userID: userID,
      userDomainName: userDomain
    )
  }

  private static func password(_ value: (String) -> String?, origin: String) throws -> CloudConfig.Auth {
    guard let username = value("username") else {
      throw CloudConfigError("\(origin) has no username")
    }
    guard let password = value("password") else {
      throw CloudConfigError("\(origin) has no password")
    }
    let projectName = value("project_name") ?? value("tenant_name")
    let projectID = value("project_id") ?? value("tenant_id")
    guard projectName != nil || projectID != nil else {
      throw CloudConfigError("\(origin) has neither project_name nor project_id")
    }
    let userDomain = try domainName(value, prefix: "user", fallback: value("domain_name") ?? "Default", origin)
    let projectDomain = try domainName(value, prefix: "project", fallback: userDomain, origin)
    return .password(
      username: username, password: password, userDomainName: userDomain, projectName: projectName,
      projectID: projectID, projectDomainName: projectDomain
    )
  }

  /// `<prefix>_domain_name`, else a `<prefix>_domain_id` of `default`, else `fallback`.
  private static func domainName(
    _ value: (String) -> String?, prefix: String, fallback: String, _ origin: String
  ) throws -> String {
    if let name = value("\(prefix)_domain_name") { return name }
    if let id = value("\(prefix)_domain_id") {
      guard id.lowercased() == "default" else {
        throw CloudConfigError(
          "\(origin) gives \(prefix)_domain_id \"\(id)\"; give \(prefix)_domain_name instead"
        )
      }
      return "Default"
    }
    return fallback
  }

  /// `publicURL`/`internalURL`/`adminURL` (the old spelling) become `public`/`internal`/`admin`.
  static func normalizedInterface(_ interface: String?) -> String {
    guard let interface, !interface.isEmpty else { return "public" }
    let lower = interface.lowercased()
    return lower.hasSuffix("url") ? String(lower.dropLast(3)) : lower
  }
}

// MARK: - FileLocations

/// Where the configuration files may be, in search order.
struct FileLocations {
  let environment: [String: String]
  let currentDirectory: String
  let homeDirectory: String
  let systemDirectory: String

  var userDirectory: String {
    if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return join(xdg, "openstack") }
    return join(homeDirectory, ".config/openstack")
  }

  var cloudsCandidates: [String] { candidates(override: "OS_CLIENT_CONFIG_FILE", baseName: "clouds") }
  var secureCandidates: [String] { candidates(override: "OS_CLIENT_SECURE_FILE", baseName: "secure") }

  private func candidates(override: String, baseName: String) -> [String] {
    var paths: [String] = []
    if let file = environment[override], !file.isEmpty { paths.append(resolve(path: file)) }
    for directory in [currentDirectory, userDirectory, systemDirectory] {
      paths.append(join(directory, "\(baseName).yaml"))
      paths.append(join(directory, "\(baseName).yml"))
    }
    return paths
  }

  func firstExisting(_ paths: [String]) -> String? {
    paths.first { path in
      var isDirectory: ObjCBool = false
      return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
  }

  /// Whether the first `clouds.yaml` found defines a cloud called `name` (an unreadable file defines none).
  func definesCloud(_ name: String) -> Bool {
    guard let file = firstExisting(cloudsCandidates), let data = FileManager.default.contents(atPath: file),
      let text = String(data: data, encoding: .utf8), let document = try? ConfigValue.parse(yaml: text)
    else { return false }
    return document["clouds"]?[name]?.mappingValues != nil
  }

  /// `~/x` against the home directory, a relative path against the current directory.
  func resolve(path: String) -> String {
    if path == "~" { return homeDirectory }
    if path.hasPrefix("~/") { return join(homeDirectory, String(path.dropFirst(2))) }
    if path.hasPrefix("/") { return path }
    return join(currentDirectory, path)
  }

  private func join(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
  }
}
