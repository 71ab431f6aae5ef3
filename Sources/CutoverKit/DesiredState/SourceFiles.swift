import Crypto
import Foundation
import Yams

/// Reads the files the desired state names besides itself (values files, local charts, manifests) into digests, so a
/// plan notices that one changed without ever holding its content (a values file may hold the hub's secrets).
///
/// Relative paths resolve in one directory, the one holding `clusters/`, whatever directory a command runs in.
enum SourceFiles {
  /// The problem with a file, said as the desired state's diagnostic.
  struct Problem: Error {
    var message: String
  }

  /// The absolute path of `path`, resolved in `base`.
  static func resolve(_ path: String, in base: String) -> String {
    if path.hasPrefix("/") { return path }
    if path == "~" || path.hasPrefix("~/") {
      return (path as NSString).expandingTildeInPath
    }
    return ((base.hasSuffix("/") ? base : base + "/") + path as NSString).standardizingPath
  }

  /// The digest (`sha256:…`) of a regular file.
  static func fileDigest(_ path: String, in base: String) throws(Problem) -> String {
    let resolved = resolve(path, in: base)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory) else {
      throw Problem(message: "no such file (looked for \(resolved))")
    }
    guard !isDirectory.boolValue else { throw Problem(message: "\(resolved) is a directory, not a file") }
    guard let data = FileManager.default.contents(atPath: resolved) else {
      throw Problem(message: "\(resolved) cannot be read")
    }
    return "sha256:" + FileDigest.sha256(data)
  }

  /// The digest of a values file, or, for one git-crypt keeps encrypted and this machine cannot decrypt, a stand-in
  /// naming its git blob (``GitCryptFiles``).
  static func valuesIdentity(_ path: String, in base: String) throws(Problem) -> (digest: String, encrypted: Bool) {
    let digest = try fileDigest(path, in: base)
    guard let data = FileManager.default.contents(atPath: resolve(path, in: base)), GitCryptFiles.isEncrypted(data)
    else { return (digest, false) }
    return (GitCryptFiles.standIn(blob: GitCryptFiles.blobID(data)), true)
  }

  /// The directories of a chart that are not its source: what `helm dependency update` downloads into `charts/`
  /// and its scratch `tmpcharts/`, so a deploy does not make the next plan see a changed chart.
  static let generatedChartEntries: Set<String> = ["charts", "tmpcharts"]
  /// The files at a chart's top level that make what it deploys. Others there (`Chart.lock`, which dependency update
  /// rewrites; a README; the environments' own values files, which PAWS keeps beside its chart and which a release
  /// names under `values:` when it uses them) are not digested, so editing codfw's values does not upgrade eqiad1.
  static let chartTopLevelFiles: Set<String> = ["Chart.yaml", "values.yaml", "values.schema.json"]

  /// The digest (`sha256:…`) of a local chart: the path inside the chart and the content of `Chart.yaml`,
  /// `values.yaml`, `values.schema.json` and every file in its directories (`templates/`, `crds/`, `files/`…) but
  /// `charts/` and hidden ones, in path order.
  static func chartDigest(_ path: String, in base: String) throws(Problem) -> String {
    try chartIdentity(path, in: base).digest
  }

  /// A local chart's digest and, when git-crypt keeps some of its files encrypted (PAWS's `paws/files/secrets/**`),
  /// its git identity: a digest over each file's path and the git blob id committed for it, the same whether this
  /// machine holds the plaintext (the bastion) or the ciphertext (CI; ``GitCryptFiles``). With ciphertext here the
  /// digest is a stand-in naming that identity, and `encrypted` lists those files (relative to `base`).
  static func chartIdentity(_ path: String, in base: String) throws(Problem) -> (
    digest: String, gitIdentity: String?, encrypted: [String]
  ) {
    let resolved = resolve(path, in: base)
    let files = try chartFiles(resolved)
    var hash = SHA256()
    var contents: [(file: String, data: Data)] = []
    for file in files {
      guard let data = FileManager.default.contents(atPath: resolved + "/" + file) else {
        throw Problem(message: "\(resolved)/\(file) cannot be read")
      }
      hash.update(data: Data("\(file)\0\(data.count)\0".utf8))
      hash.update(data: data)
      contents.append((file, data))
    }
    let digest = "sha256:" + FileDigest.hex(hash.finalize())
    // Paths as git names them from `base`; a chart outside it is not in the repository's care.
    guard !path.hasPrefix("/"), !path.hasPrefix("~") else { return (digest, nil, []) }
    let prefix = path.hasSuffix("/") ? path : path + "/"
    let encrypted = contents.filter { GitCryptFiles.isEncrypted($0.data) }.map { prefix + $0.file }
    let committed = GitCryptFiles.committedBlobs(of: contents.map { prefix + $0.file }, in: base)
    guard !committed.isEmpty || !encrypted.isEmpty else { return (digest, nil, []) }
    var identity = SHA256()
    for (file, data) in contents {
      identity.update(data: Data("\(file)\0\(committed[prefix + file] ?? GitCryptFiles.blobID(data))\n".utf8))
    }
    let gitIdentity = "git:" + FileDigest.hex(identity.finalize())
    return (encrypted.isEmpty ? digest : GitCryptFiles.standIn(blob: gitIdentity), gitIdentity, encrypted)
  }

  /// The files of the chart at `resolved` that make its digest, relative to it and sorted.
  private static func chartFiles(_ resolved: String) throws(Problem) -> [String] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw Problem(message: "no chart directory (looked for \(resolved))")
    }
    guard FileManager.default.fileExists(atPath: resolved + "/Chart.yaml") else {
      throw Problem(message: "\(resolved) has no Chart.yaml, so it is not a Helm chart")
    }
    guard let enumerator = FileManager.default.enumerator(atPath: resolved) else {
      throw Problem(message: "\(resolved) cannot be read")
    }
    let ignored = HelmIgnore(chartDirectory: resolved)
    var files: [String] = []
    while let entry = enumerator.nextObject() as? String {
      if ignored.matches(entry) { continue }
      let parts = entry.split(separator: "/")
      let first = parts.first.map(String.init) ?? entry
      if generatedChartEntries.contains(first) || parts.contains(where: { $0.hasPrefix(".") }) { continue }
      if parts.count == 1, !chartTopLevelFiles.contains(first) { continue }
      var entryIsDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: resolved + "/" + entry, isDirectory: &entryIsDirectory),
        !entryIsDirectory.boolValue
      {
        files.append(entry)
      }
    }
    return files.sorted()
  }

  /// The patterns of a chart's `.helmignore`, which helm leaves out of the chart (and Cutover out of its digest): a
  /// pattern ending in `/` matches a directory and all it holds; others match a file's path inside the chart or any
  /// component of it with shell wildcards (`*.tmp`, `manifests`); `#` starts a comment. Negations (`!`) are not read.
  struct HelmIgnore {
    var patterns: [(text: String, directoryOnly: Bool)] = []

    init(chartDirectory: String) {
      guard let data = FileManager.default.contents(atPath: chartDirectory + "/.helmignore"),
        let text = String(data: data, encoding: .utf8)
      else { return }
      for line in text.split(whereSeparator: \.isNewline) {
        var pattern = line.trimmingCharacters(in: .whitespaces)
        guard !pattern.isEmpty, !pattern.hasPrefix("#"), !pattern.hasPrefix("!") else { continue }
        let directoryOnly = pattern.hasSuffix("/")
        while pattern.hasSuffix("/") { pattern.removeLast() }
        while pattern.hasPrefix("/") { pattern.removeFirst() }
        if !pattern.isEmpty { patterns.append((pattern, directoryOnly)) }
      }
    }

    /// Whether the file at `path` (relative to the chart) is ignored.
    func matches(_ path: String) -> Bool {
      let parts = path.split(separator: "/").map(String.init)
      for pattern in patterns {
        if !pattern.directoryOnly, fnmatch(pattern.text, path, 0) == 0 { return true }
        // A directory pattern matches a proper prefix of the path; a plain one, any component.
        let candidates = pattern.directoryOnly ? parts.dropLast() : parts[...]
        var prefix = ""
        for part in candidates {
          prefix = prefix.isEmpty ? part : prefix + "/" + part
          if fnmatch(pattern.text, part, 0) == 0 || fnmatch(pattern.text, prefix, 0) == 0 { return true }
        }
      }
      return false
    }
  }

  /// The digest and the `kind` of each document of a manifest file.
  static func manifest(_ path: String, in base: String) throws(Problem) -> (sha256: String, kinds: [String]) {
    let digest = try fileDigest(path, in: base)
    let resolved = resolve(path, in: base)
    guard let data = FileManager.default.contents(atPath: resolved), let text = String(data: data, encoding: .utf8)
    else { throw Problem(message: "\(resolved) is not UTF-8 text") }
    var kinds: [String] = []
    do {
      // Without resolving tags, as the environment file (`Node.tagName` resolves what is read).
      for document in try Yams.compose_all(yaml: text, .basic) {
        guard case .mapping(let mapping) = document else {
          if case .scalar(let scalar) = document, scalar.string.isEmpty || document.tagName == .null { continue }
          throw Problem(message: "\(resolved): every document must be a Kubernetes object (a mapping)")
        }
        guard let kind = mapping.first(where: { $0.key.string == "kind" })?.value.string, !kind.isEmpty else {
          throw Problem(message: "\(resolved): a document has no `kind`")
        }
        kinds.append(kind)
      }
    } catch let problem as Problem {
      throw problem
    } catch {
      throw Problem(message: "\(resolved) is not valid YAML: \(error)")
    }
    guard !kinds.isEmpty else { throw Problem(message: "\(resolved) holds no Kubernetes object") }
    return (digest, kinds)
  }
}

/// The digests of one reading of an environment file, each file and chart digested once however many generations
/// name it (PAWS's 1,266-generation benchmark file names one chart and two values files in every generation). A
/// problem is remembered too, and reported where each generation names the file.
final class SourceDigests {
  private var values: [String: Result<(digest: String, encrypted: Bool), SourceFiles.Problem>] = [:]
  private var charts:
    [String: Result<(digest: String, gitIdentity: String?, encrypted: [String]), SourceFiles.Problem>] = [:]
  private var manifests: [String: Result<(sha256: String, kinds: [String]), SourceFiles.Problem>] = [:]

  func valuesIdentity(_ path: String, in base: String) throws(SourceFiles.Problem) -> (
    digest: String, encrypted: Bool
  ) {
    try Self.remembered(in: &values, path, base) { () throws(SourceFiles.Problem) in
      try SourceFiles.valuesIdentity(path, in: base)
    }
  }

  func chartIdentity(_ path: String, in base: String) throws(SourceFiles.Problem) -> (
    digest: String, gitIdentity: String?, encrypted: [String]
  ) {
    try Self.remembered(in: &charts, path, base) { () throws(SourceFiles.Problem) in
      try SourceFiles.chartIdentity(path, in: base)
    }
  }

  func manifest(_ path: String, in base: String) throws(SourceFiles.Problem) -> (sha256: String, kinds: [String]) {
    try Self.remembered(in: &manifests, path, base) { () throws(SourceFiles.Problem) in
      try SourceFiles.manifest(path, in: base)
    }
  }

  /// What `read` gave for `path` under `base` the first time, reading it then.
  private static func remembered<T>(
    in known: inout [String: Result<T, SourceFiles.Problem>], _ path: String, _ base: String,
    _ read: () throws(SourceFiles.Problem) -> T
  ) throws(SourceFiles.Problem) -> T {
    let key = base + "\0" + path
    if let result = known[key] { return try result.get() }
    let result = Result(catching: read)
    known[key] = result
    return try result.get()
  }
}
