import Foundation

/// What `helm status NAME -o json` says about a deployed release.
public struct HelmReleaseStatus: Sendable, Equatable {
  /// The release's state (`deployed`, `failed`, `pending-install`, …).
  public struct Phase: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The last install or upgrade succeeded.
    public static let deployed = Phase(rawValue: "deployed")
    /// The last install or upgrade failed; Helm keeps the objects it made.
    public static let failed = Phase(rawValue: "failed")
    /// An install is running, or was interrupted (Helm refuses another upgrade until it is resolved).
    public static let pendingInstall = Phase(rawValue: "pending-install")
    /// An upgrade is running, or was interrupted.
    public static let pendingUpgrade = Phase(rawValue: "pending-upgrade")
    /// A rollback is running, or was interrupted.
    public static let pendingRollback = Phase(rawValue: "pending-rollback")
    /// A later revision replaced this one (only older revisions are in this state).
    public static let superseded = Phase(rawValue: "superseded")
    /// Being uninstalled.
    public static let uninstalling = Phase(rawValue: "uninstalling")
    /// Uninstalled with `--keep-history`.
    public static let uninstalled = Phase(rawValue: "uninstalled")
    /// Helm does not know.
    public static let unknown = Phase(rawValue: "unknown")

    /// Whether an operation is in progress or was cut off: the next `helm upgrade` fails with "another operation
    /// is in progress" until someone rolls back or the pending revision is removed.
    public var isPending: Bool { rawValue.hasPrefix("pending-") }

    public var description: String { rawValue }
  }

  /// The release name.
  public var name: String
  /// The namespace the release lives in.
  public var namespace: String
  /// The revision number (Helm's `version`), 1 for the first install, one more for each upgrade or rollback.
  public var revision: Int
  /// The release's state.
  public var phase: Phase
  /// Helm's description of the last operation (`Install complete`, `Upgrade "paws" failed: …`).
  public var summary: String?
  /// When the release was first installed, as Helm wrote it (RFC 3339 with nanoseconds).
  public var firstDeployed: String?
  /// When the last install, upgrade or rollback happened, as Helm wrote it.
  public var lastDeployed: String?
  /// The chart's name from its metadata (`ingress-nginx`), when the answer carries the chart.
  public var chartName: String?
  /// The chart's version (`4.14.3`), when the answer carries the chart.
  public var chartVersion: String?
  /// The application version the chart declares (`1.14.3`).
  public var appVersion: String?

  public init(
    name: String, namespace: String, revision: Int, phase: Phase, summary: String? = nil,
    firstDeployed: String? = nil, lastDeployed: String? = nil, chartName: String? = nil, chartVersion: String? = nil,
    appVersion: String? = nil
  ) {
    self.name = name
    self.namespace = namespace
    self.revision = revision
    self.phase = phase
    self.summary = summary
    self.firstDeployed = firstDeployed
    self.lastDeployed = lastDeployed
    self.chartName = chartName
    self.chartVersion = chartVersion
    self.appVersion = appVersion
  }

  /// ``firstDeployed`` as a date, when it parses.
  public var firstDeployedDate: Date? { firstDeployed.flatMap(Self.date(fromGoTime:)) }

  /// ``lastDeployed`` as a date, when it parses.
  public var lastDeployedDate: Date? { lastDeployed.flatMap(Self.date(fromGoTime:)) }

  /// Reads the JSON `helm status -o json` prints. Only what Cutover uses is read; the rest (the rendered manifest,
  /// the notes, and the `config` holding the values, secrets included) is ignored and never kept.
  ///
  /// - Throws: ``KubernetesOutputError`` when there is no JSON object, or no name, namespace, revision or status.
  public init(helmStatusOutput output: String) throws(KubernetesOutputError) {
    let what = "helm status -o json"
    let json = try KubernetesOutput.json(in: output, what: what)
    guard json.mapValue != nil else { throw KubernetesOutputError(what: what, problem: "expected a JSON object") }
    guard let name = json.at("name")?.stringValue, let namespace = json.at("namespace")?.stringValue,
      let revision = json.at("version")?.intValue, let status = json.at("info", "status")?.stringValue
    else {
      throw KubernetesOutputError(what: what, problem: "expected name, namespace, version and info.status")
    }
    self.init(
      name: name, namespace: namespace, revision: revision, phase: Phase(rawValue: status),
      summary: json.at("info", "description")?.stringValue.flatMap { $0.isEmpty ? nil : $0 },
      firstDeployed: json.at("info", "first_deployed")?.stringValue,
      lastDeployed: json.at("info", "last_deployed")?.stringValue,
      chartName: json.at("chart", "metadata", "name")?.stringValue,
      chartVersion: json.at("chart", "metadata", "version")?.stringValue,
      appVersion: json.at("chart", "metadata", "appVersion")?.stringValue)
  }

  /// Parses Go's RFC 3339 time with up to nine fractional digits (`2024-05-02T10:15:30.123456789+02:00`), which
  /// Foundation's ISO 8601 parser does not take whole.
  static func date(fromGoTime text: String) -> Date? {
    var base = text
    var fraction = 0.0
    if let dot = text.firstIndex(of: ".") {
      let digitsEnd = text[dot...].dropFirst().firstIndex { !$0.isNumber } ?? text.endIndex
      let digits = text[text.index(after: dot)..<digitsEnd]
      fraction = Double("0." + digits) ?? 0
      base = String(text[..<dot] + text[digitsEnd...])
    }
    return (try? Date.ISO8601FormatStyle().parse(base)).map { $0.addingTimeInterval(fraction) }
  }
}

/// The values a release was installed with, as `helm get values NAME -o json` prints them.
public enum HelmReleaseValues {
  /// Reads the user-supplied values: a JSON object, or `null` (printed when the release was installed with none),
  /// which reads as an empty map.
  ///
  /// - Throws: ``KubernetesOutputError`` when the answer is neither.
  public static func parse(_ output: String) throws(KubernetesOutputError) -> [String: Value] {
    let what = "helm get values -o json"
    switch try KubernetesOutput.json(in: output, what: what) {
    case .null: return [:]
    case .map(let values): return values
    default: throw KubernetesOutputError(what: what, problem: "expected a JSON object or null")
    }
  }
}
