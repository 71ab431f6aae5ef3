import EnvironmentSettings
import Foundation
import Yams

/// Reads `clusters/<env>.yaml` into a `DesiredState`, reporting every problem with file, line and column.
public enum EnvironmentFile {

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
      // Composed without resolving tags: Yams' duplicate-key check would otherwise match every key against each of
      // the core schema's patterns. A value's tag is resolved when it is read (`Node.tagName`).
      guard let composed = try Yams.compose(yaml: text, .basic) else {
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

  /// The top level as read: plain values at once, in file order; the parts that depend on others (`live` on
  /// `generations`, `load_balancer` on `name_prefix`) as nodes, read after.
  private struct RootReading {
    var name: String?
    var cloud: String?
    var project: String?
    var namePrefix: String?
    var defaults: Node?
    var generations: Node?
    var live: Node?
    var webProxies: Node?
    var loadBalancer: Node?
    var helmRepositories: Node?
    var state: Node?
  }

  /// The top level's keys, for a file loaded as `environment`.
  private static func rootKeys(environment: String) -> KeyTable<RootReading> {
    KeyTable([
      .custom("environment", required: true) { node, path, root, reader in
        guard let name = reader.nonEmptyString(node, at: path) else { return false }
        if name != environment {
          reader.report("environment: the file says '\(name)' but was loaded as '\(environment)'", at: node)
        }
        root.name = name
        return true
      },
      .string("cloud", \.cloud),
      .string("project", required: true, \.project),
      .custom("name_prefix", required: true) { node, path, root, reader in
        guard let prefix = reader.nonEmptyString(node, at: path) else { return false }
        if !TextPattern.magnumName.matches(prefix) {
          reader.report(
            "name_prefix: '\(prefix)' cannot start a Magnum name (letters, digits, _ . -; a letter first)", at: node)
        }
        root.namePrefix = prefix
        return true
      },
      .node("defaults", \.defaults),
      .node("generations", required: true, \.generations),
      .node("live", \.live),
      .node("web_proxies", \.webProxies),
      .node("load_balancer", \.loadBalancer),
      .node("helm_repositories", \.helmRepositories),
      .node("state", \.state),
    ])
  }

  private static func read(_ root: Node, environment: String, reader: inout YAMLReader) -> DesiredState? {
    var top = RootReading()
    _ = rootKeys(environment: environment).read(root, at: "top level", into: &top, reader: &reader, nested: false)
    guard case .mapping = root else { return nil }
    let (name, cloud, project, namePrefix) = (top.name, top.cloud, top.project, top.namePrefix)

    let defaults = top.defaults
    if let defaults {
      checkShape(defaults, path: "defaults", reader: &reader)
    }
    var generations: [Generation] = []
    var generationNodes: [String: Node] = [:]
    // A generation that overrides nothing (`128a: {}`, most of them) is `defaults` alone: read once, shared.
    var defaultsAlone: Generation??
    if let node = top.generations, let entries = reader.namedMapping(node, at: "generations") {
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
        if case .mapping(let overrides) = own, overrides.isEmpty, let defaults {
          if defaultsAlone == nil {
            // Merged as any other, so what is missing is reported at this generation's line, once.
            let merged = DeepMerge.merge(base: defaults, override: own)
            defaultsAlone = .some(readGeneration(id: entry.key, merged, path: path, reader: &reader))
          }
          if var generation = defaultsAlone ?? nil {
            generation.id = entry.key
            generations.append(generation)
          }
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
    if let node = top.live, let value = reader.nonEmptyString(node, at: "live") {
      if generationNodes[value] == nil {
        let known = generationNodes.keys.sorted().joined(separator: ", ")
        reader.report(
          "live: '\(value)' is not a generation in this file (generations: \(known.isEmpty ? "none" : known))", at: node
        )
      }
      live = value
    } else if top.live == nil, !generationNodes.isEmpty {
      reader.report("top level: missing required key 'live' (the generation the web proxies point at)", at: root)
    }

    var webProxies: WebProxies?
    if let node = top.webProxies { webProxies = readWebProxies(node, reader: &reader) }

    var loadBalancer: LoadBalancerSpec?
    if let node = top.loadBalancer {
      loadBalancer = readLoadBalancer(node, namePrefix: namePrefix, reader: &reader)
    }

    var repositories: [String: String] = [:]
    if let node = top.helmRepositories { repositories = readHelmRepositories(node, reader: &reader) }

    var settings = StateSettings()
    if let node = top.state { settings = readStateSettings(node, reader: &reader) }

    guard let name, let project, let namePrefix else { return nil }
    var state = DesiredState(
      environment: name, cloud: cloud, project: project, namePrefix: namePrefix, generations: generations, live: live,
      webProxies: webProxies, loadBalancer: loadBalancer)
    state.helmRepositories = repositories
    state.state = settings
    return state
  }

  /// `state: {backend: local|postgresql, publish: {container: NAME}}`: where the state is kept, and where its
  /// snapshots are published.
  private static func readStateSettings(_ node: Node, reader: inout YAMLReader) -> StateSettings {
    var settings = StateSettings()
    let publishKeys = KeyTable<StatePublishing>([
      .checkedString(
        "container", required: true, isValid: StatePublishing.isValidContainerName,
        problem: { "'\($0)' is not a Swift container name (at most 256 bytes, no '/')" }
      ) { $0.container = $1 }
    ])
    let keys = KeyTable<StateSettings>([
      .checkedString(
        "backend", isValid: { StateSettings.Backend(rawValue: $0) != nil },
        problem: { "'\($0)' is not a state backend (local or postgresql)" }
      ) { settings, value in settings.backend = StateSettings.Backend(rawValue: value) ?? .local },
      .custom("publish") { node, path, settings, reader in
        var publishing = StatePublishing(container: "")
        guard publishKeys.read(node, at: path, into: &publishing, reader: &reader) != nil else { return false }
        settings.publish = publishing
        return true
      },
    ])
    _ = keys.read(node, at: "state", into: &settings, reader: &reader)
    return settings
  }

  /// A generation's settings as read: the template and cluster are nil when theirs were invalid.
  private struct GenerationReading {
    var template: TemplateSpec?
    var cluster: ClusterSpec?
    var releases: [ReleaseSpec] = []
    var manifests: [ManifestSpec] = []
  }

  private static var generationKeys: KeyTable<GenerationReading> {
    KeyTable([
      .custom("template", required: true) { node, path, generation, reader in
        generation.template = readTemplate(node, path: path, reader: &reader)
        return true
      },
      .custom("cluster", required: true) { node, path, generation, reader in
        generation.cluster = readCluster(node, path: path, reader: &reader)
        return true
      },
      .custom("releases") { node, path, generation, reader in
        generation.releases = readReleases(node, path: path, reader: &reader) ?? []
        return true
      },
      .custom("manifests") { node, path, generation, reader in
        generation.manifests = readManifests(node, path: path, reader: &reader) ?? []
        return true
      },
    ])
  }

  /// Reports unknown keys and wrong types in a part that is complete only once merged (`defaults`, a generation's
  /// own settings), at the part's own lines and paths. Missing keys are checked after the merge.
  private static func checkShape(_ node: Node, path: String, reader: inout YAMLReader) {
    reader.checksRequiredKeys = false
    defer { reader.checksRequiredKeys = true }
    var ignored = GenerationReading()
    _ = generationKeys.read(node, at: path, into: &ignored, reader: &reader)
  }

  private static func readGeneration(id: String, _ node: Node, path: String, reader: inout YAMLReader) -> Generation? {
    var generation = GenerationReading()
    guard generationKeys.read(node, at: path, into: &generation, reader: &reader) != nil,
      let template = generation.template, let cluster = generation.cluster
    else { return nil }
    return Generation(
      id: id, template: template, cluster: cluster, releases: generation.releases, manifests: generation.manifests)
  }

  private static var templateKeys: KeyTable<TemplateSpec> {
    KeyTable([
      .string("coe", \.coe),
      .string("image", required: true, \.image),
      .string("keypair", required: true, \.keypair),
      .string("flavor", required: true, \.flavor),
      .string("master_flavor", required: true, \.masterFlavor),
      .string("external_network", required: true, \.externalNetwork),
      .string("fixed_network", \.fixedNetwork),
      .string("fixed_subnet", \.fixedSubnet),
      .string("network_driver", \.networkDriver),
      .string("docker_storage_driver", \.dockerStorageDriver),
      .int("docker_volume_size", in: 1...10_000, \.dockerVolumeSize),
      .string("dns_nameserver", \.dnsNameserver),
      .bool("floating_ip_enabled", \.floatingIPEnabled),
      .bool("master_lb_enabled", \.masterLBEnabled),
      .stringMap("labels", \.labels),
    ])
  }

  private static func readTemplate(_ node: Node, path: String, reader: inout YAMLReader) -> TemplateSpec? {
    var spec = TemplateSpec(image: "", keypair: "", flavor: "", masterFlavor: "", externalNetwork: "")
    guard let read = templateKeys.read(node, at: path, into: &spec, reader: &reader), templateKeys.hasRequired(read)
    else { return nil }
    return spec
  }

  private static var clusterKeys: KeyTable<ClusterSpec> {
    KeyTable([
      .int("masters", in: 1...99, required: true, \.masters),
      .int("workers", in: 1...1_000, required: true, \.workers),
      .minutes("create_timeout", \.createTimeoutMinutes),
      .string("flavor", \.flavor),
      .string("master_flavor", \.masterFlavor),
      .string("keypair", \.keypair),
      .stringMap("labels", \.labels),
    ])
  }

  private static func readCluster(_ node: Node, path: String, reader: inout YAMLReader) -> ClusterSpec? {
    var spec = ClusterSpec(masters: 1, workers: 1)
    guard let read = clusterKeys.read(node, at: path, into: &spec, reader: &reader), clusterKeys.hasRequired(read)
    else { return nil }
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

  /// A release as read, with the nodes its files' errors point at.
  private struct ReleaseReading {
    var release = ReleaseSpec(name: "", chart: "", namespace: "")
    var valuesNode: Node?
    var chartNode: Node?
  }

  private static var releaseKeys: KeyTable<ReleaseReading> {
    KeyTable([
      .string("name", required: true, \.release.name),
      .custom("chart", required: true) { node, path, reading, reader in
        reading.chartNode = node
        guard let chart = reader.nonEmptyString(node, at: path) else { return false }
        reading.release.chart = chart
        return true
      },
      .string("version", \.release.version),
      .string("namespace", required: true, \.release.namespace),
      .custom("values") { node, path, reading, reader in
        reading.valuesNode = node
        guard let files = reader.stringList(node, at: path) else { return false }
        reading.release.values = files
        return true
      },
      .custom("set") { node, path, reading, reader in
        guard let map = reader.value(node, at: path)?.mapValue else {
          if reader.diagnostics.last?.message.hasPrefix(path) != true {
            reader.report("\(path): expected a mapping of Helm values", at: node)
          }
          return false
        }
        reading.release.set = map
        return true
      },
      .minutes("timeout", \.release.timeoutMinutes),
      .bool("wait", \.release.wait),
      .bool("dependency_update", \.release.dependencyUpdate),
      .stringList("sensitive", \.release.sensitive),
    ])
  }

  private static func readRelease(_ node: Node, path: String, reader: inout YAMLReader) -> ReleaseSpec? {
    var reading = ReleaseReading()
    guard releaseKeys.read(node, at: path, into: &reading, reader: &reader) != nil else { return nil }
    var release = reading.release
    guard !release.name.isEmpty, !release.chart.isEmpty, !release.namespace.isEmpty else { return nil }
    if reader.checksRequiredKeys, let base = reader.sourceDirectory {
      readReleaseFiles(
        &release, base: base, path: path, valuesNode: reading.valuesNode, chartNode: reading.chartNode,
        reader: &reader)
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
    let blobs = GitCryptFiles.committedBlobs(of: release.values, in: base)
    if !blobs.isEmpty { release.valuesGitBlobs = release.values.map { blobs[$0] } }
    for (index, file) in release.values.enumerated() {
      do {
        let identity = try reader.sources.valuesIdentity(file, in: base)
        digests.append(identity.digest)
        if identity.encrypted { release.encryptedValues = (release.encryptedValues ?? []) + [file] }
      } catch {
        reader.report(
          "\(path).values[\(index)]: values file '\(file)': \(error.message)",
          at: index < elements.count ? elements[index] : valuesNode)
      }
    }
    if digests.count == release.values.count { release.valuesSHA256 = digests }
    if HelmReleaseRequest(release).isLocalChart {
      do {
        let chart = try reader.sources.chartIdentity(release.chart, in: base)
        release.chartSHA256 = chart.digest
        release.chartGitIdentity = chart.gitIdentity
        if !chart.encrypted.isEmpty { release.encryptedValues = (release.encryptedValues ?? []) + chart.encrypted }
      } catch {
        reader.report("\(path).chart: local chart '\(release.chart)': \(error.message)", at: chartNode)
      }
    }
  }

  /// A manifest as read, with the node its file's errors point at.
  private struct ManifestReading {
    var manifest = ManifestSpec(name: "", file: "")
    var fileNode: Node?
  }

  private static var manifestKeys: KeyTable<ManifestReading> {
    KeyTable([
      .custom("name", required: true) { node, path, reading, reader in
        guard let name = reader.nonEmptyString(node, at: path) else { return false }
        if !TextPattern.manifestName.matches(name) {
          reader.report("\(path): '\(name)' is not a manifest name (lower-case letters, digits, '-')", at: node)
        }
        reading.manifest.name = name
        return true
      },
      .custom("file", required: true) { node, path, reading, reader in
        guard let file = reader.nonEmptyString(node, at: path) else { return false }
        reading.manifest.file = file
        reading.fileNode = node
        return true
      },
    ])
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
      var reading = ManifestReading()
      _ = manifestKeys.read(element, at: at, into: &reading, reader: &reader)
      var manifest = reading.manifest
      let fileNode = reading.fileNode
      guard !manifest.name.isEmpty, !manifest.file.isEmpty else { continue }
      if !names.insert(manifest.name).inserted {
        reader.report("\(at).name: manifest '\(manifest.name)' is declared twice", at: element)
      }
      if reader.checksRequiredKeys, let base = reader.sourceDirectory {
        do {
          (manifest.sha256, manifest.kinds) = try reader.sources.manifest(manifest.file, in: base)
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

  /// The web proxies as read: port and domains nil until read valid.
  private struct WebProxiesReading {
    var port: Int?
    var domains: [String]?
    var healthPath = WebProxies.defaultHealthPath
  }

  private static var webProxyKeys: KeyTable<WebProxiesReading> {
    KeyTable([
      .int("port", in: 1...65_535, required: true, \.port),
      .custom("domains", required: true) { node, path, reading, reader in
        guard let domains = reader.stringList(node, at: path) else { return false }
        reading.domains = domains
        if Set(domains).count != domains.count {
          reader.report("\(path): a domain is listed twice", at: node)
        }
        for domain in domains where !TextPattern.domain.matches(domain) {
          reader.report("\(path): '\(domain)' is not a host name", at: node)
        }
        return true
      },
      .custom("health_path") { node, path, reading, reader in
        guard let healthPath = reader.nonEmptyString(node, at: path) else { return false }
        guard healthPath.hasPrefix("/"), !healthPath.contains(where: \.isWhitespace) else {
          reader.report("\(path): '\(healthPath)' is not a URL path (it starts with /)", at: node)
          return false
        }
        reading.healthPath = healthPath
        return true
      },
    ])
  }

  private static func readWebProxies(_ node: Node, reader: inout YAMLReader) -> WebProxies? {
    var reading = WebProxiesReading()
    _ = webProxyKeys.read(node, at: "web_proxies", into: &reading, reader: &reader)
    guard let port = reading.port, let domains = reading.domains else { return nil }
    return WebProxies(port: port, domains: domains, healthPath: reading.healthPath)
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
