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
  /// How long an issued token stays valid (one hour, like Keystone's default); tests shorten it.
  var tokenLifetimeSeconds: Double = 3600

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
    /// trace, debug, info, notice, warning, error or critical; logs go to standard error.
    public static let logLevel = "CUTOVER_SIMULATOR_LOG_LEVEL"
  }

  /// Reads CUTOVER_SIMULATOR_BUILD_SECONDS, CUTOVER_SIMULATOR_ERROR_RATE, CUTOVER_SIMULATOR_RATE_LIMIT_RATE,
  /// CUTOVER_SIMULATOR_LOST_ANSWER_RATE, CUTOVER_SIMULATOR_LATENCY_MS, CUTOVER_SIMULATOR_FAIL_CLUSTERS
  /// (comma-separated names), CUTOVER_SIMULATOR_DRIFT_NODE_COUNT (comma-separated `NAME=COUNT`) and
  /// CUTOVER_SIMULATOR_LOG_LEVEL (trace…critical) over the defaults. An unset or empty variable keeps the default;
  /// an unparsable one throws `SimulatorConfigurationError`.
  public static func fromEnvironment(
    _ environment: [String: String], databasePath: String?, project: String
  ) throws -> SimulatorConfiguration {
    var configuration = SimulatorConfiguration(databasePath: databasePath, project: project)
    let reader = EnvironmentReader(environment: environment)
    if let seconds = try reader.number(
      EnvironmentKey.buildSeconds, in: 0...86_400, expectation: "a number of seconds ≥ 0")
    {
      configuration.buildSeconds = seconds
    }
    if let rate = try reader.number(EnvironmentKey.errorRate, in: 0...1, expectation: "a number between 0 and 1") {
      configuration.faults.errorRate = rate
    }
    if let rate = try reader.number(EnvironmentKey.lostAnswerRate, in: 0...1, expectation: "a number between 0 and 1") {
      configuration.faults.lostAnswerRate = rate
    }
    if let rate = try reader.number(EnvironmentKey.rateLimitRate, in: 0...1, expectation: "a number between 0 and 1") {
      configuration.faults.rateLimitRate = rate
    }
    if let milliseconds = try reader.number(
      EnvironmentKey.latencyMilliseconds, in: 0...600_000, expectation: "a number of milliseconds ≥ 0")
    {
      configuration.faults.latency = .microseconds(Int64((milliseconds * 1000).rounded()))
    }
    if let names = reader.text(EnvironmentKey.failingClusters) {
      let list = names.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
      configuration.faults.failingClusters = Set(list)
    }
    if let drift = try reader.nodeCounts(EnvironmentKey.nodeCountDrift) {
      configuration.faults.nodeCountDrift = drift
    }
    if let level = reader.text(EnvironmentKey.logLevel) {
      guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
        throw SimulatorConfigurationError(
          variable: EnvironmentKey.logLevel, value: level,
          expectation: "one of trace, debug, info, notice, warning, error, critical")
      }
      configuration.logLevel = parsed
    }
    return configuration
  }
}

// MARK: - Environment reading

/// Reads typed values out of an environment dictionary.
private struct EnvironmentReader {
  let environment: [String: String]

  func text(_ key: String) -> String? {
    guard let raw = environment[key]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
    return raw
  }

  /// Comma-separated `NAME=COUNT` entries (`paws-127d=3,paws-128a=0`); a later entry for a name wins.
  func nodeCounts(_ key: String) throws -> [String: Int]? {
    guard let raw = text(key) else { return nil }
    var counts: [String: Int] = [:]
    for entry in raw.split(separator: ",") {
      let parts = entry.split(separator: "=", omittingEmptySubsequences: false)
        .map { $0.trimmingCharacters(in: .whitespaces) }
      guard parts.count == 2, !parts[0].isEmpty, let count = Int(parts[1]), count >= 0 else {
        throw SimulatorConfigurationError(
          variable: key, value: raw, expectation: "comma-separated NAME=COUNT entries, each COUNT a whole number ≥ 0")
      }
      counts[parts[0]] = count
    }
    return counts.isEmpty ? nil : counts
  }

  func number(_ key: String, in range: ClosedRange<Double>, expectation: String) throws -> Double? {
    guard let raw = text(key) else { return nil }
    guard let value = Double(raw), value.isFinite, range.contains(value) else {
      throw SimulatorConfigurationError(variable: key, value: raw, expectation: expectation)
    }
    return value
  }
}
