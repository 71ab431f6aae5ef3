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

  /// Whether a `set:` value goes in ``hiddenValuesFile`` rather than on the command line: a sensitive key that
  /// names a path of maps (a list index such as `a[0]` cannot be written as a values-file path, so such a key stays
  /// a flag), and any key set above one (`hub.config` above `hub.config.X.client_secret`): a `--set-json` of the
  /// parent, applied after the files, would replace the whole map and drop the secret.
  public func isHidden(_ key: String) -> Bool {
    guard !key.contains("[") else { return false }
    if sensitivity.isSensitive(key) { return true }
    let path = HelmValuePath.components(of: key)
    return self.set.keys.contains { other in
      other != key && !other.contains("[") && sensitivity.isSensitive(other)
        && HelmValuePath.components(of: other).starts(with: path)
    }
  }

  /// The values that go in ``hiddenValuesFile``, as the nested maps a values file holds (`hub.cookieSecret: x` →
  /// `{hub: {cookieSecret: x}}`); nil when there are none.
  public var hiddenValues: Value? {
    var root: [String: Value] = [:]
    for key in orderedSetKeys where isHidden(key) {
      Self.insert(self.set[key] ?? .null, at: HelmValuePath.components(of: key)[...], into: &root)
    }
    return root.isEmpty ? nil : .map(root)
  }

  private static func insert(_ value: Value, at path: ArraySlice<String>, into map: inout [String: Value]) {
    guard let first = path.first else { return }
    if path.count == 1 {
      map[first] = value
      return
    }
    var inner = map[first]?.mapValue ?? [:]
    insert(value, at: path.dropFirst(), into: &inner)
    map[first] = .map(inner)
  }
}
