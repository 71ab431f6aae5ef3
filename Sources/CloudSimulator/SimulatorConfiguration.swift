import EnvironmentSettings
import Foundation
import Logging

/// How a simulated cloud is set up: where it persists, how long clusters take, which project it serves,
/// the credentials it accepts and the faults it injects.
public struct SimulatorConfiguration: Sendable {
  /// SQLite file that persists the whole cloud (nil keeps it in memory), so consecutive short-lived
  /// processes see the same cloud.
  public var databasePath: String?
  /// Seconds a cluster takes to create; a resize takes half, a delete a quarter.
  public var buildSeconds: Double
  /// The single project the cloud serves; its id equals its name, as in Cloud VPS.
  public var project: String
  /// Id (and name) of the application credential Keystone accepts.
  public var applicationCredentialID: String
  /// Secret of that application credential.
  public var applicationCredentialSecret: String
  /// Faults added on purpose.
  public var faults: FaultInjection
  /// Level at which the simulator logs to standard error; nil (the default) keeps it silent.
  public var logLevel: Logger.Level?
  /// The ingress NodePort every worker node of a built cluster answers HTTP on, at its own 127.0.0.0/8 address,
  /// while the simulator runs (30001, as PAWS's ingress-nginx); nil serves no node at all.
  public var ingressPort: Int?
  /// Port on 127.0.0.1 of the web-proxy data plane, which routes requests by `Host` to the backends of that
  /// domain's web-proxy route; 0 picks a free port, nil (the default) serves none.
  public var dataPlanePort: Int?
  /// The /24 block of 127.0.0.0/8 (`second octet × 256 + third octet`, 256…65535) a new cloud starts handing
  /// node addresses out from; nil draws one at random. Only read when the database is created, so a persisted cloud keeps its
  /// addresses; distinct blocks keep simulators running side by side from binding the same node address.
  public var nodeAddressBlock: Int?
  /// How long an issued token stays valid (one hour, like Keystone's default); tests shorten it.
  var tokenLifetimeSeconds: Double = 3600
  /// The cloud's current time. Every status is derived from it (a cluster created at T with build time B reads
  /// `CREATE_COMPLETE` from T+B on), as are token expiry and certificate validity. The wall clock unless replaced:
  /// a test sets the time itself, so a read it expects to find a cluster still building never races the machine.
  public var now: @Sendable () -> Date

  public init(
    databasePath: String? = nil, buildSeconds: Double = 5, project: String = "paws", faults: FaultInjection = .init()
  ) {
    self.databasePath = databasePath
    self.buildSeconds = buildSeconds
    self.project = project
    self.applicationCredentialID = "cutover-simulator"
    self.applicationCredentialSecret = "simulator-secret"
    self.faults = faults
    self.logLevel = nil
    self.ingressPort = 30001
    self.dataPlanePort = nil
    self.nodeAddressBlock = nil
    self.now = { Date() }
  }
}

// MARK: - Password user

extension SimulatorConfiguration {
  /// The one Keystone user of the simulated cloud (also the owner of the application credential).
  static let userName = "simulator"
  /// That user's password.
  static let userPassword = "simulator-password"
}

// MARK: - Environment

extension SimulatorConfiguration {
  /// Environment variables `fromEnvironment` reads.
  public enum EnvironmentKey {
    /// Seconds a cluster create takes (a number ≥ 0).
    public static let buildSeconds = "CUTOVER_SIMULATOR_BUILD_SECONDS"
    /// Fraction of requests answered 500 (0…1).
    public static let errorRate = "CUTOVER_SIMULATOR_ERROR_RATE"
    /// Fraction of requests answered 429 (0…1).
    public static let rateLimitRate = "CUTOVER_SIMULATOR_RATE_LIMIT_RATE"
    /// Fraction of changing requests processed, then answered 500 (0…1).
    public static let lostAnswerRate = "CUTOVER_SIMULATOR_LOST_ANSWER_RATE"
    /// Milliseconds added to every response (a number ≥ 0).
    public static let latencyMilliseconds = "CUTOVER_SIMULATOR_LATENCY_MS"
    /// Comma-separated cluster names whose create fails.
    public static let failingClusters = "CUTOVER_SIMULATOR_FAIL_CLUSTERS"
    /// Comma-separated `NAME=COUNT`: each named cluster is resized to COUNT workers behind the client's back as
    /// soon as its create completes.
    public static let nodeCountDrift = "CUTOVER_SIMULATOR_DRIFT_NODE_COUNT"
    /// Comma-separated Helm release names whose install or upgrade fails.
    public static let failingReleases = "CUTOVER_SIMULATOR_FAIL_RELEASES"
    /// Comma-separated manifest names whose apply fails.
    public static let failingManifests = "CUTOVER_SIMULATOR_FAIL_MANIFESTS"
    /// The ingress NodePort worker nodes answer on (1…65535), or 0 for none.
    public static let ingressPort = "CUTOVER_SIMULATOR_INGRESS_PORT"
    /// trace, debug, info, notice, warning, error or critical; logs go to standard error.
    public static let logLevel = "CUTOVER_SIMULATOR_LOG_LEVEL"
  }

  /// Reads CUTOVER_SIMULATOR_BUILD_SECONDS, CUTOVER_SIMULATOR_ERROR_RATE, CUTOVER_SIMULATOR_RATE_LIMIT_RATE,
  /// CUTOVER_SIMULATOR_LOST_ANSWER_RATE, CUTOVER_SIMULATOR_LATENCY_MS, CUTOVER_SIMULATOR_FAIL_CLUSTERS,
  /// CUTOVER_SIMULATOR_FAIL_RELEASES and CUTOVER_SIMULATOR_FAIL_MANIFESTS (comma-separated names),
  /// CUTOVER_SIMULATOR_DRIFT_NODE_COUNT (comma-separated `NAME=COUNT`), CUTOVER_SIMULATOR_INGRESS_PORT (0 for none)
  /// and CUTOVER_SIMULATOR_LOG_LEVEL (trace…critical) over the defaults. An unset or empty variable keeps the default.
  /// - Throws: `EnvironmentSettingError` naming the first variable out of its bounds.
  public static func fromEnvironment(
    _ environment: [String: String], databasePath: String?, project: String
  ) throws(EnvironmentSettingError) -> SimulatorConfiguration {
    var configuration = SimulatorConfiguration(databasePath: databasePath, project: project)
    let settings = EnvironmentSettings(environment)
    if let seconds = try settings.number(EnvironmentKey.buildSeconds, in: 0...86_400, unit: "seconds") {
      configuration.buildSeconds = seconds
    }
    if let rate = try settings.fraction(EnvironmentKey.errorRate) { configuration.faults.errorRate = rate }
    if let rate = try settings.fraction(EnvironmentKey.lostAnswerRate) { configuration.faults.lostAnswerRate = rate }
    if let rate = try settings.fraction(EnvironmentKey.rateLimitRate) { configuration.faults.rateLimitRate = rate }
    if let milliseconds = try settings.number(
      EnvironmentKey.latencyMilliseconds, in: 0...600_000, unit: "milliseconds")
    {
      configuration.faults.latency = .microseconds(Int64((milliseconds * 1000).rounded()))
    }
    if let names = settings.names(EnvironmentKey.failingClusters) {
      configuration.faults.failingClusters = names
    }
    if let names = settings.names(EnvironmentKey.failingReleases) {
      configuration.faults.failingReleases = names
    }
    if let names = settings.names(EnvironmentKey.failingManifests) {
      configuration.faults.failingManifests = names
    }
    if let port = try settings.integer(
      EnvironmentKey.ingressPort, in: 0...65_535, meaning: "a port (0 for none)")
    {
      configuration.ingressPort = port == 0 ? nil : port
    }
    if let drift = try nodeCounts(EnvironmentKey.nodeCountDrift, in: settings) {
      configuration.faults.nodeCountDrift = drift
    }
    let levels = Logger.Level.allCases.map(\.rawValue)
    if let level = try settings.choice(EnvironmentKey.logLevel, from: levels) {
      configuration.logLevel = Logger.Level(rawValue: level)
    }
    return configuration
  }

  /// Comma-separated `NAME=COUNT` entries (`paws-127d=3,paws-128a=0`); a later entry for a name wins.
  private static func nodeCounts(
    _ key: String, in settings: EnvironmentSettings
  ) throws(EnvironmentSettingError) -> [String: Int]? {
    guard let raw = settings.text(key) else { return nil }
    var counts: [String: Int] = [:]
    for entry in raw.split(separator: ",") {
      let parts = entry.split(separator: "=", omittingEmptySubsequences: false)
        .map { $0.trimmingCharacters(in: .whitespaces) }
      guard parts.count == 2, !parts[0].isEmpty, let count = Int(parts[1]), (0...1_000).contains(count) else {
        throw EnvironmentSettingError(
          variable: key, value: raw,
          expectation: "comma-separated NAME=COUNT entries, each COUNT a whole number from 0 to 1000")
      }
      counts[parts[0]] = count
    }
    return counts.isEmpty ? nil : counts
  }
}
