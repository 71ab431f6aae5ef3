import Foundation

/// One change of an environment's live generation, as the state recorded it: `generation switch` and `rollback`
/// write one, and `rollback`, `retire` and `generation status` read them back.
public struct GenerationSwitch: Sendable, Equatable {
  /// The row's id; later switches have larger ids.
  public var id: Int64
  public var environment: String
  /// The generation that was live before; nil for the first switch of an environment.
  public var fromGeneration: String?
  /// The generation live from then on.
  public var toGeneration: String
  /// When the switch was made.
  public var at: Date
  public var user: String
  public var host: String
  /// The command that made it (`generation switch eqiad1 128a`).
  public var command: String
  /// Whether verification failed and `--force` made the switch anyway.
  public var forced: Bool

  public init(
    id: Int64, environment: String, fromGeneration: String?, toGeneration: String, at: Date, user: String,
    host: String, command: String, forced: Bool
  ) {
    self.id = id
    self.environment = environment
    self.fromGeneration = fromGeneration
    self.toGeneration = toGeneration
    self.at = at
    self.user = user
    self.host = host
    self.command = command
    self.forced = forced
  }
}

extension [GenerationSwitch] {
  /// When `generation` last stopped being live: the time of the newest switch from it to another generation.
  /// - Parameter generation: a generation id (`127d`).
  public func switchedAway(from generation: String) -> Date? {
    last { $0.fromGeneration == generation && $0.toGeneration != generation }?.at
  }

  /// When `generation` last became live: the time of the newest switch to it.
  public func switchedTo(_ generation: String) -> Date? {
    last { $0.toGeneration == generation }?.at
  }
}

/// One recorded verification of a generation (`cutover generation verify`, or the one a switch runs first).
public struct GenerationVerificationRecord: Sendable, Equatable {
  public var id: Int64
  public var generation: String
  public var passed: Bool
  /// The checklist, one `PASS …` or `FAIL …` line per check.
  public var checks: [String]
  public var at: Date
  public var user: String
  public var host: String
  public var command: String

  public init(
    id: Int64, generation: String, passed: Bool, checks: [String], at: Date, user: String, host: String,
    command: String
  ) {
    self.id = id
    self.generation = generation
    self.passed = passed
    self.checks = checks
    self.at = at
    self.user = user
    self.host = host
    self.command = command
  }
}
