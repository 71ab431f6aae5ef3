import Foundation

/// Everything `helm upgrade --install` needs to deploy one release into one generation.
public struct HelmReleaseRequest: Sendable, Equatable {
  /// The release name (`paws`).
  public var name: String
  /// A repository chart (`ingress-nginx/ingress-nginx`), an OCI reference (`oci://…`) or a local chart directory
  /// (`./paws`).
  public var chart: String
  /// The chart version to install; `nil` for a local chart or the repository's latest.
  public var version: String?
  /// The namespace, created when missing.
  public var namespace: String
  /// Values files, passed in this order so later files override earlier ones (`paws/secrets.yaml` then
  /// `paws/production.yaml`).
  public var valuesFiles: [String]
  /// Single values by dotted key, applied after the files.
  public var set: [String: Value]
  /// Helm's own per-operation timeout (`--timeout`); Helm's default, 5 minutes, when `nil`.
  public var timeout: Duration?
  /// Whether Helm waits for the release's pods, services and deployments to be ready before reporting success.
  public var wait: Bool
  /// Whether a failed install is uninstalled, and a failed upgrade rolled back, by Helm itself.
  public var rollbackOnFailure: Bool
  /// Whether `helm dependency update` runs on a local chart before it is installed.
  public var dependencyUpdate: Bool
  /// Decides which `set:` values are printed as `(sensitive)`.
  public var sensitivity: SensitiveValuePolicy
  /// A private values file holding the sensitive `set:` values (``hiddenValues``), passed with `-f` instead of
  /// `--set-json` so they never appear in a command line that `ps` shows every user of the machine; nil to pass
  /// them on the command line.
  public var hiddenValuesFile: String?

  public init(
    name: String, chart: String, version: String? = nil, namespace: String, valuesFiles: [String] = [],
    set: [String: Value] = [:], timeout: Duration? = nil, wait: Bool = true, rollbackOnFailure: Bool = false,
    dependencyUpdate: Bool = false, sensitiveKeys: [String] = []
  ) {
    self.name = name
    self.chart = chart
    self.version = version
    self.namespace = namespace
    self.valuesFiles = valuesFiles
    self.set = set
    self.timeout = timeout
    self.wait = wait
    self.rollbackOnFailure = rollbackOnFailure
    self.dependencyUpdate = dependencyUpdate
    self.sensitivity = SensitiveValuePolicy(listedKeys: sensitiveKeys)
  }

  /// The request for a release of the desired state.
  public init(_ release: ReleaseSpec) {
    self.init(
      name: release.name, chart: release.chart, version: release.version, namespace: release.namespace,
      valuesFiles: release.values, set: release.set, timeout: release.timeoutMinutes.map { .seconds($0 * 60) },
      wait: release.wait, dependencyUpdate: release.dependencyUpdate, sensitiveKeys: release.sensitive)
  }

  /// Whether the chart is a directory on this machine rather than a repository or OCI reference.
  ///
  /// Helm itself decides by looking at the file system; Cutover decides by the form so that a plan reads the same
  /// on any machine: a path starts with `/`, `./`, `../` or `~`, or is `.`. A `repo/chart` reference never does.
  public var isLocalChart: Bool {
    chart == "." || chart == ".." || chart.hasPrefix("/") || chart.hasPrefix("./") || chart.hasPrefix("../")
      || chart.hasPrefix("~")
  }

  /// What is wrong with the `set:` keys, one line each, for validation before a plan: Helm reads an unescaped `,` as
  /// the start of another assignment and an unescaped `=` as the end of the key, so `a,b: 1` would silently set two
  /// keys; `[` must close with a list index.
  public var setKeyProblems: [String] {
    orderedSetKeys.compactMap { key in HelmValuePath.problem(in: key).map { "set key \(Value.quoted(key)): \($0)" } }
  }

  /// The `set:` values in the order they are passed: sorted by key, so the command line, and so a plan or the
  /// journal, is the same on every run (the desired state's map has no order Helm could depend on; Helm applies
  /// the flags left to right, and a key and its parent set separately should be written parent first).
  public var orderedSetKeys: [String] { self.set.keys.sorted() }

  /// Whether a `set:` value goes in ``hiddenValuesFile`` rather than on the command line: a sensitive key (one with
  /// a list index, `extraSecrets[0]`, included: the file holds that list with the secret at its index), and any key
  /// set above one (`hub.config` above `hub.config.X.client_secret`): a `--set-json` of the parent, applied after the
  /// files, would replace the whole map and drop the secret.
  public func isHidden(_ key: String) -> Bool {
    if sensitivity.isSensitive(key) { return true }
    let path = HelmValuePath.steps(of: key)
    return self.set.keys.contains { other in
      other != key && sensitivity.isSensitive(other) && HelmValuePath.steps(of: other).starts(with: path)
    }
  }

  /// The values that go in ``hiddenValuesFile``, as the nested maps and lists a values file holds
  /// (`hub.cookieSecret: x` → `{hub: {cookieSecret: x}}`; `extraSecrets[1]: x` → `{extraSecrets: [null, x]}`, padded
  /// with nulls as Helm's `--set` pads a list it creates); nil when there are none.
  ///
  /// A list in a values file replaces the list the same key has in an earlier file, where `--set KEY[1]` would have
  /// changed one element of it: a secret set at a list index should not share its list with a declared values file.
  public var hiddenValues: Value? {
    var root: Value = .map([:])
    for key in orderedSetKeys where isHidden(key) {
      Self.insert(self.set[key] ?? .null, at: HelmValuePath.steps(of: key)[...], into: &root)
    }
    guard let map = root.mapValue, !map.isEmpty else { return nil }
    return root
  }

  private static func insert(_ value: Value, at path: ArraySlice<HelmValuePath.Step>, into node: inout Value) {
    guard let first = path.first else {
      node = value
      return
    }
    switch first {
    case .key(let name):
      var map = node.mapValue ?? [:]
      var inner = map[name] ?? .null
      insert(value, at: path.dropFirst(), into: &inner)
      map[name] = inner
      node = .map(map)
    case .index(let index):
      var list = node.listValue ?? []
      if list.count <= index { list += Array(repeating: .null, count: index + 1 - list.count) }
      insert(value, at: path.dropFirst(), into: &list[index])
      node = .list(list)
    }
  }
}
