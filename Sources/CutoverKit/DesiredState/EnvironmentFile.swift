import EnvironmentSettings
import Foundation
import Yams

/// Reads `clusters/<env>.yaml` into a `DesiredState`, reporting every problem with file, line and column.
public enum EnvironmentFile {
  /// Keys of the file's top level.
  static let rootKeys = [
    "environment", "cloud", "project", "name_prefix", "defaults", "generations", "live", "web_proxies",
    "load_balancer", "helm_repositories",
  ]
  static let generationKeys = ["template", "cluster", "releases", "manifests"]
  static let templateKeys = [
    "coe", "image", "keypair", "flavor", "master_flavor", "external_network", "fixed_network", "fixed_subnet",
    "network_driver", "docker_storage_driver", "docker_volume_size", "dns_nameserver", "floating_ip_enabled",
    "master_lb_enabled", "labels",
  ]
  static let clusterKeys = ["masters", "workers", "create_timeout", "flavor", "master_flavor", "keypair", "labels"]
  static let releaseKeys = [
    "name", "chart", "version", "namespace", "values", "set", "timeout", "wait", "dependency_update", "sensitive",
  ]
  static let manifestKeys = ["name", "file"]

  /// Loads and checks the file for an environment, and the files it names.
  /// - Parameters:
  ///   - environment: the environment name, which must match the file's `environment:`.
  ///   - path: the file's path as the user should see it in messages.
  ///   - sourceDirectory: where relative chart, values-file and manifest paths resolve; the directory holding the
  ///     file's directory when nil (`.` for `clusters/eqiad1.yaml`).
  /// - Throws: `CutoverError.invalidDesiredState` with every problem found.
  public static func load(environment: String, path: String, sourceDirectory: String? = nil) throws -> DesiredState {
    guard let data = FileManager.default.contents(atPath: path) else {
      let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file"
      throw CutoverError.invalidDesiredState([
        Diagnostic(
          file: path, line: 0, column: 0, message: "\(reason) (expected the desired state of '\(environment)')")
      ])
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw CutoverError.invalidDesiredState([Diagnostic(file: path, line: 0, column: 0, message: "not UTF-8 text")])
    }
    let base =
      sourceDirectory
      ?? WorkspacePaths(clustersDirectory: (path as NSString).deletingLastPathComponent)
      .sourceDirectory
    return try parse(text, environment: environment, file: path, sourceDirectory: base)
  }

  /// Parses the text of an environment file.
  /// - Parameter sourceDirectory: where to read the values files, local charts and manifests it names, recording
  ///   their digests; nil to leave them unread (and their digests nil).
  public static func parse(
    _ text: String, environment: String, file: String, sourceDirectory: String? = nil
  ) throws -> DesiredState {
    if let violation = YAMLAliasBound.check(text) {
      throw CutoverError.invalidDesiredState([
        Diagnostic(file: file, line: violation.line, column: violation.column, message: violation.message)
      ])
    }
    let root: Node
    do {
      guard let composed = try Yams.compose(yaml: text) else {
        throw CutoverError.invalidDesiredState([
          Diagnostic(file: file, line: 1, column: 1, message: "the file is empty")
        ])
      }
      root = composed
    } catch let error as YamlError {
      throw CutoverError.invalidDesiredState([diagnostic(for: error, file: file)])
    }
    var reader = YAMLReader(file: file)
    reader.sourceDirectory = sourceDirectory.map(LocalWorkspace.absolute)
    let state = read(root, environment: environment, reader: &reader)
    if let state, reader.diagnostics.isEmpty { return state }
    throw CutoverError.invalidDesiredState(reader.diagnostics)
  }

  // MARK: - Reading

  private static func read(_ root: Node, environment: String, reader: inout YAMLReader) -> DesiredState? {
    guard
      let entries = reader.mapping(
        root, at: "top level", allowed: rootKeys, required: ["environment", "project", "name_prefix", "generations"])
    else { return nil }
    let nodes = Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })

    var name: String?
    if let node = nodes["environment"], let value = reader.nonEmptyString(node, at: "environment") {
      if value != environment {
        reader.report("environment: the file says '\(value)' but was loaded as '\(environment)'", at: node)
      }
      name = value
    }
    let cloud = nodes["cloud"].flatMap { reader.nonEmptyString($0, at: "cloud") }
    let project = nodes["project"].flatMap { reader.nonEmptyString($0, at: "project") }
    var namePrefix: String?
    if let node = nodes["name_prefix"], let value = reader.nonEmptyString(node, at: "name_prefix") {
      if !TextPattern.magnumName.matches(value) {
        reader.report(
          "name_prefix: '\(value)' cannot start a Magnum name (letters, digits, _ . -; a letter first)", at: node)
      }
      namePrefix = value
    }

    let defaults = nodes["defaults"]
    if let defaults {
      checkShape(defaults, path: "defaults", reader: &reader)
    }
    var generations: [Generation] = []
    var generationNodes: [String: Node] = [:]
    if let node = nodes["generations"], let entries = reader.namedMapping(node, at: "generations") {
      for entry in entries {
        let path = "generations.\(entry.key)"
        if !TextPattern.generationID.matches(entry.key) {
          reader.report(
            "\(path): a generation id is lower-case letters, digits and '-', such as 128a", at: entry.keyNode)
          continue
        }
        generationNodes[entry.key] = entry.keyNode
        let own =
          reader.isNull(entry.value) ? Node.Mapping([], .implicit, .any, entry.keyNode.mark).asNode : entry.value
        guard case .mapping = own else {
          reader.report(
            "\(path): expected a mapping of template, cluster and releases, found \(reader.kind(of: own))", at: own)
          continue
        }
        checkShape(own, path: path, reader: &reader)
        let merged = defaults.map { DeepMerge.merge(base: $0, override: own) } ?? own
        if let generation = readGeneration(id: entry.key, merged, path: path, reader: &reader) {
          generations.append(generation)
        }
      }
    }

    var live: String?
    if let node = nodes["live"], let value = reader.nonEmptyString(node, at: "live") {
      if generationNodes[value] == nil {
        let known = generationNodes.keys.sorted().joined(separator: ", ")
        reader.report(
          "live: '\(value)' is not a generation in this file (generations: \(known.isEmpty ? "none" : known))", at: node
        )
      }
      live = value
    } else if nodes["live"] == nil, !generationNodes.isEmpty {
      reader.report("top level: missing required key 'live' (the generation the web proxies point at)", at: root)
    }

    var webProxies: WebProxies?
    if let node = nodes["web_proxies"] { webProxies = readWebProxies(node, reader: &reader) }

    var loadBalancer: LoadBalancerSpec?
    if let node = nodes["load_balancer"] {
      loadBalancer = readLoadBalancer(node, namePrefix: namePrefix, reader: &reader)
    }

    var repositories: [String: String] = [:]
    if let node = nodes["helm_repositories"] { repositories = readHelmRepositories(node, reader: &reader) }

    guard let name, let project, let namePrefix else { return nil }
    var state = DesiredState(
      environment: name, cloud: cloud, project: project, namePrefix: namePrefix, generations: generations, live: live,
      webProxies: webProxies, loadBalancer: loadBalancer)
    state.helmRepositories = repositories
    return state
  }

  /// Reports unknown keys and wrong types in a part that is complete only once merged (`defaults`, a generation's
  /// own settings), at the part's own lines and paths. Missing keys are checked after the merge.
  private static func checkShape(_ node: Node, path: String, reader: inout YAMLReader) {
    reader.checksRequiredKeys = false
    defer { reader.checksRequiredKeys = true }
    guard let entries = reader.mapping(node, at: path, allowed: generationKeys) else { return }
    for entry in entries {
      switch entry.key {
      case "template": _ = readTemplate(entry.value, path: "\(path).template", reader: &reader)
      case "cluster": _ = readCluster(entry.value, path: "\(path).cluster", reader: &reader)
      case "manifests": _ = readManifests(entry.value, path: "\(path).manifests", reader: &reader)
      default: _ = readReleases(entry.value, path: "\(path).releases", reader: &reader)
      }
    }
  }

  private static func readGeneration(id: String, _ node: Node, path: String, reader: inout YAMLReader) -> Generation? {
    guard let entries = reader.mapping(node, at: path, allowed: generationKeys, required: ["template", "cluster"])
    else {
      return nil
    }
    var template: TemplateSpec?
    var cluster: ClusterSpec?
    var releases: [ReleaseSpec] = []
    var manifests: [ManifestSpec] = []
    for entry in entries {
      switch entry.key {
      case "template": template = readTemplate(entry.value, path: "\(path).template", reader: &reader)
      case "cluster": cluster = readCluster(entry.value, path: "\(path).cluster", reader: &reader)
      case "manifests": manifests = readManifests(entry.value, path: "\(path).manifests", reader: &reader) ?? []
      default: releases = readReleases(entry.value, path: "\(path).releases", reader: &reader) ?? []
      }
    }
    guard let template, let cluster else { return nil }
    return Generation(id: id, template: template, cluster: cluster, releases: releases, manifests: manifests)
  }

  private static func readTemplate(_ node: Node, path: String, reader: inout YAMLReader) -> TemplateSpec? {
    let required = ["image", "keypair", "flavor", "master_flavor", "external_network"]
    guard let entries = reader.mapping(node, at: path, allowed: templateKeys, required: required) else { return nil }
    var strings: [String: String] = [:]
    var spec = TemplateSpec(image: "", keypair: "", flavor: "", masterFlavor: "", externalNetwork: "")
    var valid = true
    for entry in entries {
      let at = "\(path).\(entry.key)"
      switch entry.key {
      case "docker_volume_size":
        if let size = reader.int(entry.value, at: at, in: 1...10_000) {
          spec.dockerVolumeSize = size
        } else {
          valid = false
        }
      case "floating_ip_enabled":
        if let flag = reader.bool(entry.value, at: at) { spec.floatingIPEnabled = flag } else { valid = false }
      case "master_lb_enabled":
        if let flag = reader.bool(entry.value, at: at) { spec.masterLBEnabled = flag } else { valid = false }
      case "labels":
        if let labels = reader.stringMap(entry.value, at: at) { spec.labels = labels } else { valid = false }
      default:
        if let value = reader.nonEmptyString(entry.value, at: at) { strings[entry.key] = value } else { valid = false }
      }
    }
    guard valid, required.allSatisfy({ strings[$0] != nil }) else { return nil }
    spec.coe = strings["coe"] ?? "kubernetes"
    spec.image = strings["image"]!
    spec.keypair = strings["keypair"]!
    spec.flavor = strings["flavor"]!
    spec.masterFlavor = strings["master_flavor"]!
    spec.externalNetwork = strings["external_network"]!
    spec.fixedNetwork = strings["fixed_network"]
    spec.fixedSubnet = strings["fixed_subnet"]
    spec.networkDriver = strings["network_driver"]
    spec.dockerStorageDriver = strings["docker_storage_driver"]
    spec.dnsNameserver = strings["dns_nameserver"]
    return spec
  }

  private static func readCluster(_ node: Node, path: String, reader: inout YAMLReader) -> ClusterSpec? {
    guard let entries = reader.mapping(node, at: path, allowed: clusterKeys, required: ["masters", "workers"]) else {
      return nil
    }
    var masters: Int?
    var workers: Int?
    var spec = ClusterSpec(masters: 1, workers: 1)
    var valid = true
    for entry in entries {
      let at = "\(path).\(entry.key)"
      switch entry.key {
      case "masters": masters = reader.int(entry.value, at: at, in: 1...99)
      case "workers": workers = reader.int(entry.value, at: at, in: 1...1_000)
      case "create_timeout":
        if let minutes = readMinutes(entry.value, at: at, reader: &reader) {
          spec.createTimeoutMinutes = minutes
        } else {
          valid = false
        }
      case "labels":
        if let labels = reader.stringMap(entry.value, at: at) { spec.labels = labels } else { valid = false }
      default:
        guard let value = reader.nonEmptyString(entry.value, at: at) else {
          valid = false
          continue
        }
        switch entry.key {
        case "flavor": spec.flavor = value
        case "master_flavor": spec.masterFlavor = value
        default: spec.keypair = value
        }
      }
    }
    guard valid, let masters, let workers else { return nil }
    spec.masters = masters
    spec.workers = workers
    return spec
  }

  private static func readReleases(_ node: Node, path: String, reader: inout YAMLReader) -> [ReleaseSpec]? {
    if reader.isNull(node) { return [] }
    guard case .sequence(let sequence) = node else {
      reader.report("\(path): expected a list of releases, found \(reader.kind(of: node))", at: node)
      return nil
    }
    var releases: [ReleaseSpec] = []
    var names = Set<String>()
    for (index, element) in sequence.enumerated() {
      let at = "\(path)[\(index)]"
      guard let release = readRelease(element, path: at, reader: &reader) else { continue }
      if !names.insert(release.name).inserted {
        reader.report("\(at).name: release '\(release.name)' is declared twice", at: element)
      }
      releases.append(release)
    }
    return releases
  }

  private static func readRelease(_ node: Node, path: String, reader: inout YAMLReader) -> ReleaseSpec? {
    guard
      let entries = reader.mapping(node, at: path, allowed: releaseKeys, required: ["name", "chart", "namespace"])
    else { return nil }
    var release = ReleaseSpec(name: "", chart: "", namespace: "")
    var valid = true
    var valuesNode: Node?
    var chartNode: Node?
    for entry in entries {
      let at = "\(path).\(entry.key)"
      switch entry.key {
      case "values":
        valuesNode = entry.value
        if let files = reader.stringList(entry.value, at: at) { release.values = files } else { valid = false }
      case "sensitive":
        if let keys = reader.stringList(entry.value, at: at) { release.sensitive = keys } else { valid = false }
      case "set":
        if let map = reader.value(entry.value, at: at)?.mapValue {
          release.set = map
        } else {
          if reader.diagnostics.last?.message.hasPrefix(at) != true {
            reader.report("\(at): expected a mapping of Helm values", at: entry.value)
          }
          valid = false
        }
      case "timeout":
        if let minutes = readMinutes(entry.value, at: at, reader: &reader) {
          release.timeoutMinutes = minutes
        } else {
          valid = false
        }
      case "wait":
        if let flag = reader.bool(entry.value, at: at) { release.wait = flag } else { valid = false }
      case "dependency_update":
        if let flag = reader.bool(entry.value, at: at) { release.dependencyUpdate = flag } else { valid = false }
      default:
        guard let value = reader.nonEmptyString(entry.value, at: at) else {
          valid = false
          continue
        }
        switch entry.key {
        case "name": release.name = value
        case "chart":
          release.chart = value
          chartNode = entry.value
        case "version": release.version = value
        default: release.namespace = value
        }
      }
    }
    guard valid, !release.name.isEmpty, !release.chart.isEmpty, !release.namespace.isEmpty else { return nil }
    if reader.checksRequiredKeys, let base = reader.sourceDirectory {
      readReleaseFiles(&release, base: base, path: path, valuesNode: valuesNode, chartNode: chartNode, reader: &reader)
    }
    return release
  }

  /// Records the digests of a release's values files and local chart, reporting each missing one at its line.
  private static func readReleaseFiles(
    _ release: inout ReleaseSpec, base: String, path: String, valuesNode: Node?, chartNode: Node?,
    reader: inout YAMLReader
  ) {
    var digests: [String] = []
    let elements: [Node] = valuesNode.flatMap { if case .sequence(let list) = $0 { Array(list) } else { nil } } ?? []
    for (index, file) in release.values.enumerated() {
      do {
        digests.append(try SourceFiles.fileDigest(file, in: base))
      } catch {
        reader.report(
          "\(path).values[\(index)]: values file '\(file)': \(error.message)",
          at: index < elements.count ? elements[index] : valuesNode)
      }
    }
    if digests.count == release.values.count { release.valuesSHA256 = digests }
    if HelmReleaseRequest(release).isLocalChart {
      do {
        release.chartSHA256 = try SourceFiles.chartDigest(release.chart, in: base)
      } catch {
        reader.report("\(path).chart: local chart '\(release.chart)': \(error.message)", at: chartNode)
      }
    }
  }

  private static func readManifests(_ node: Node, path: String, reader: inout YAMLReader) -> [ManifestSpec]? {
    if reader.isNull(node) { return [] }
    guard case .sequence(let sequence) = node else {
      reader.report("\(path): expected a list of manifests ({name, file}), found \(reader.kind(of: node))", at: node)
      return nil
    }
    var manifests: [ManifestSpec] = []
    var names = Set<String>()
    for (index, element) in sequence.enumerated() {
      let at = "\(path)[\(index)]"
      guard let entries = reader.mapping(element, at: at, allowed: manifestKeys, required: ["name", "file"]) else {
        continue
      }
      var manifest = ManifestSpec(name: "", file: "")
      var fileNode: Node?
      for entry in entries {
        guard let value = reader.nonEmptyString(entry.value, at: "\(at).\(entry.key)") else { continue }
        if entry.key == "name" {
          if !TextPattern.manifestName.matches(value) {
            reader.report(
              "\(at).name: '\(value)' is not a manifest name (lower-case letters, digits, '-')", at: entry.value)
          }
          manifest.name = value
        } else {
          manifest.file = value
          fileNode = entry.value
        }
      }
      guard !manifest.name.isEmpty, !manifest.file.isEmpty else { continue }
      if !names.insert(manifest.name).inserted {
        reader.report("\(at).name: manifest '\(manifest.name)' is declared twice", at: element)
      }
      if reader.checksRequiredKeys, let base = reader.sourceDirectory {
        do {
          (manifest.sha256, manifest.kinds) = try SourceFiles.manifest(manifest.file, in: base)
        } catch {
          reader.report("\(at).file: manifest '\(manifest.file)': \(error.message)", at: fileNode)
        }
      }
      manifests.append(manifest)
    }
    return manifests
  }

  /// `helm_repositories: {NAME: URL}`: names as `helm repo add` takes them, URLs over HTTP(S) (an
  /// `oci://` chart needs no repository).
  private static func readHelmRepositories(_ node: Node, reader: inout YAMLReader) -> [String: String] {
    guard let entries = reader.namedMapping(node, at: "helm_repositories") else { return [:] }
    var repositories: [String: String] = [:]
    for entry in entries {
      let at = "helm_repositories.\(entry.key)"
      if !TextPattern.helmRepositoryName.matches(entry.key) {
        reader.report(
          "\(at): '\(entry.key)' is not a repository name (lower-case letters, digits, . _ -)", at: entry.keyNode)
        continue
      }
      guard let url = reader.nonEmptyString(entry.value, at: at) else { continue }
      guard url.hasPrefix("https://") || url.hasPrefix("http://"), !url.contains(where: \.isWhitespace),
        URL(string: url)?.host != nil
      else {
        reader.report("\(at): expected the repository's http(s) URL, found '\(url)'", at: entry.value)
        continue
      }
      repositories[entry.key] = url
    }
    return repositories
  }

  private static func readWebProxies(_ node: Node, reader: inout YAMLReader) -> WebProxies? {
    guard
      let entries = reader.mapping(
        node, at: "web_proxies", allowed: ["port", "domains", "health_path"], required: ["port", "domains"])
    else { return nil }
    var port: Int?
    var domains: [String]?
    var healthPath = WebProxies.defaultHealthPath
    for entry in entries {
      if entry.key == "health_path" {
        if let path = reader.nonEmptyString(entry.value, at: "web_proxies.health_path") {
          if path.hasPrefix("/"), !path.contains(where: \.isWhitespace) {
            healthPath = path
          } else {
            reader.report("web_proxies.health_path: '\(path)' is not a URL path (it starts with /)", at: entry.value)
          }
        }
      } else if entry.key == "port" {
        port = reader.int(entry.value, at: "web_proxies.port", in: 1...65_535)
      } else if let list = reader.stringList(entry.value, at: "web_proxies.domains") {
        domains = list
        if Set(list).count != list.count {
          reader.report("web_proxies.domains: a domain is listed twice", at: entry.value)
        }
        for domain in list where !TextPattern.domain.matches(domain) {
          reader.report("web_proxies.domains: '\(domain)' is not a host name", at: entry.value)
        }
      }
    }
    guard let port, let domains else { return nil }
    return WebProxies(port: port, domains: domains, healthPath: healthPath)
  }

  /// The longest duration accepted: a week, far beyond any Magnum build or Helm install.
  static let maximumMinutes = 7 * 24 * 60

  /// A duration in whole minutes: `60m`, `1h`, `1h30m`, `90s` (rounded up), or a bare number of minutes; at most a
  /// week.
  static func readMinutes(_ node: Node, at path: String, reader: inout YAMLReader) -> Int? {
    guard case .scalar(let scalar) = node, !reader.isNull(node) else {
      reader.report("\(path): expected a duration such as 60m or 1h, found \(reader.kind(of: node))", at: node)
      return nil
    }
    let text = scalar.string
    var minutes: Int?
    if node.tagName == .int {
      minutes = Int(text).flatMap { $0 > 0 ? $0 : nil }
    } else if let seconds = DurationText(parsing: text)?.seconds, seconds > 0 {
      minutes = (seconds + 59) / 60
    }
    guard let minutes else {
      reader.report("\(path): expected a duration such as 60m or 1h, found '\(text)'", at: node)
      return nil
    }
    guard minutes <= maximumMinutes else {
      reader.report("\(path): '\(text)' is longer than the most allowed, 168h (a week)", at: node)
      return nil
    }
    return minutes
  }

  private static func diagnostic(for error: YamlError, file: String) -> Diagnostic {
    switch error {
    case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      let detail = context.map { "\(problem) \($0.text)" } ?? problem
      return Diagnostic(file: file, line: mark.line, column: mark.column, message: "malformed YAML: \(detail)")
    case .duplicatedKeysInMapping(let duplicates, let context):
      return Diagnostic(
        file: file, line: context.mark.line, column: context.mark.column,
        message: "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in a mapping")
    case .reader(let problem, let offset, _, let text):
      // libyaml's reader (control characters, bad encodings) gives no line, only how far into the text it stopped.
      let (line, column) = position(ofCharacter: offset ?? firstUnreadableCharacter(in: text), in: text)
      return Diagnostic(file: file, line: line, column: column, message: "malformed YAML: \(problem)")
    default:
      return Diagnostic(file: file, line: 0, column: 0, message: "malformed YAML: \(error)")
    }
  }
}

/// The 1-based line and column of the character at `offset` (counted in `Character`s, as Yams counts a reader
/// error's offset), columns counted in Unicode scalars as libyaml counts them; (0, 0) when it is past the end.
func position(ofCharacter offset: Int?, in text: String) -> (line: Int, column: Int) {
  guard let offset, let index = text.index(text.startIndex, offsetBy: offset, limitedBy: text.endIndex) else {
    return (0, 0)
  }
  // By scalars, so that a `\r\n` (one Character) still ends a line.
  let before = text[..<index].unicodeScalars
  let lineStart = before.lastIndex(of: "\n").map { before.index(after: $0) } ?? before.startIndex
  let line = before.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
  return (line, before[lineStart...].count + 1)
}

/// The offset (in `Character`s) of the first character YAML does not allow in a file: a control character other than
/// tab, line feed and carriage return, or a non-character. For a reader error that comes without an offset.
func firstUnreadableCharacter(in text: String) -> Int? {
  text.firstIndex { character in
    character.unicodeScalars.contains { scalar in
      let allowed = scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar == "\u{85}"
      return !allowed && (scalar.properties.generalCategory == .control || scalar.properties.isNoncharacterCodePoint)
    }
  }.map { text.distance(from: text.startIndex, to: $0) }
}

extension Node.Mapping {
  var asNode: Node { .mapping(self) }
}
