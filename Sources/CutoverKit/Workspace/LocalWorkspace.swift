import Foundation

/// The files an environment keeps on the operator's machine beside its state: one kubeconfig per generation under
/// `kube/`, the `kube.config` link to the live one, and the load balancer's rendered configs under `rendered/`.
/// Everything here is private to its owner (directories 0700, files 0600): kubeconfigs hold client keys, keepalived
/// configs the VRRP password.
///
/// State records these files by their path inside the directory (`kube/127d.config`), never by a path relative to
/// wherever a command ran, so `cutover plan --state /srv/cutover/state` from another directory finds them.
public struct LocalWorkspace: Sendable, Equatable {
  /// `state/<env>`, absolute; nil when the command has no environment directory, and local resources cannot be
  /// applied.
  public let directory: String?
  /// Environment variables secrets are read from.
  public var environment: [String: String]
  /// Where the desired state's relative chart, values-file and manifest paths resolve (the directory holding
  /// `clusters/`), absolute; nil when the command has none, and releases and manifests cannot be applied.
  public let sourceDirectory: String?

  public init(
    directory: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
    sourceDirectory: String? = nil
  ) {
    self.directory = directory.map(Self.absolute)
    self.environment = environment
    self.sourceDirectory = sourceDirectory.map(Self.absolute)
  }

  /// `path` made absolute against the working directory, and standardized.
  static func absolute(_ path: String) -> String {
    let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    return (absolute as NSString).standardizingPath
  }

  /// The directory relative chart, values-file and manifest paths resolve in.
  public func sources() throws -> String {
    guard let sourceDirectory else {
      throw ResourceActionError("no source directory for this environment's charts, values files and manifests")
    }
    return sourceDirectory
  }

  /// The file a recorded id names: the id is a path inside the directory (an absolute id is taken as it is).
  public func path(ofID id: String) throws -> String {
    if id.hasPrefix("/") { return id }
    guard let directory else {
      throw ResourceActionError("no local directory for this environment's kubeconfigs and rendered files")
    }
    return directory + "/" + id
  }

  /// The id state records for a file of the directory: its path inside it.
  public func id(ofPath path: String) -> String {
    guard let directory, path.hasPrefix(directory + "/") else { return path }
    return String(path.dropFirst(directory.count + 1))
  }

  /// A workspace with no directory: any local resource fails with a clear error.
  public static let none = LocalWorkspace(directory: nil, environment: [:])

  /// The environment directory, made (0700) if needed.
  public func root() throws -> String {
    guard let directory else {
      throw ResourceActionError("no local directory for this environment's kubeconfigs and rendered files")
    }
    try Self.makePrivateDirectory(directory)
    return directory
  }

  /// `kube/<generation>.config`.
  public func kubeconfigPath(generation: String) throws -> String {
    let directory = try root() + "/kube"
    try Self.makePrivateDirectory(directory)
    return directory + "/\(generation).config"
  }

  /// `kube.config`: a symbolic link to the live generation's kubeconfig.
  public func liveKubeconfigLink() throws -> String {
    try root() + "/kube.config"
  }

  /// `rendered/<host>/<file>`.
  public func renderedPath(host: String, file: String) throws -> String {
    let directory = try root() + "/rendered"
    try Self.makePrivateDirectory(directory)
    try Self.makePrivateDirectory(directory + "/\(host)")
    return directory + "/\(host)/\(file)"
  }

  /// Where a path is shown to people: relative to the working directory when it is inside it.
  public static func display(_ path: String) -> String {
    let current = FileManager.default.currentDirectoryPath + "/"
    return path.hasPrefix(current) ? String(path.dropFirst(current.count)) : path
  }

  private static func makePrivateDirectory(_ path: String) throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { throw ResourceActionError("\(path) exists and is not a directory") }
      return
    }
    do {
      try FileManager.default.createDirectory(
        atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    } catch {
      throw ResourceActionError("cannot create \(path): \(error.localizedDescription)")
    }
  }
}
