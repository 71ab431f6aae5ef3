import Foundation

/// Every failure Cutover reports to a user, each mapped to one documented exit code.
public enum CutoverError: Error, LocalizedError, Sendable {
  /// The desired state file is malformed, has an unknown key, a wrong type or a missing key (exit 65).
  case invalidDesiredState([Diagnostic])
  /// The command line asks for something that cannot be done (exit 64).
  case usage(String)
  /// Another run holds the state lock (exit 75).
  case stateLocked(LockLease)
  /// A plan would break one of the blue-green guards, such as deleting the live generation (exit 1).
  case guardViolation([String])
  /// A saved plan no longer matches the state or the desired state it was made from (exit 1).
  case stalePlan(String)
  /// The dependency graph has a cycle (exit 1).
  case dependencyCycle([ResourceAddress])
  /// Some actions of an apply failed; the state records what did happen (exit 1).
  case applyFailed(failed: Int, succeeded: Int, firstError: String)
  /// The state database could not be read or written (exit 1).
  case state(String)
  /// Talking to the cloud, or finding how to, failed (exit 1).
  case cloud(String)
  /// The user declined the apply at the confirmation prompt (exit 1).
  case cancelled(String)
  /// A blue-green step refused to go on: a generation that does not verify, a retire within its grace period
  /// (exit 1).
  case refused(String)
  /// Another run broke this run's lease (`cutover state unlock`); the run stopped launching actions (exit 1).
  case lockLost(LockLoss)
  /// A signal (SIGINT, SIGTERM, SIGHUP) stopped the run; what it did is recorded (exit 1).
  case interrupted(String)

  /// The process exit code documented in the README.
  public var exitCode: Int32 {
    switch self {
    case .invalidDesiredState: return 65
    case .usage: return 64
    case .stateLocked: return 75
    case .guardViolation, .stalePlan, .dependencyCycle, .applyFailed, .state, .cloud, .cancelled, .refused,
      .lockLost, .interrupted:
      return 1
    }
  }

  public var errorDescription: String? {
    switch self {
    case .invalidDesiredState(let diagnostics):
      return diagnostics.map(\.description).joined(separator: "\n")
    case .usage(let message):
      return message
    case .stateLocked(let lease):
      return
        "state locked by \(lease.holder)@\(lease.host) pid \(lease.pid) since \(lease.acquiredAtText) (\(lease.command))"
        + "; if that run is gone, `cutover state unlock \(lease.environment)` breaks the lock"
    case .guardViolation(let reasons):
      return reasons.map { "refusing to plan: \($0)" }.joined(separator: "\n")
    case .stalePlan(let message):
      return "saved plan is stale: \(message)"
    case .dependencyCycle(let cycle):
      return "dependency cycle: " + (cycle + cycle.prefix(1)).map(\.description).joined(separator: " -> ")
    case .applyFailed(let failed, let succeeded, let firstError):
      return "apply failed: \(failed) action(s) failed, \(succeeded) succeeded; first error: \(firstError)"
    case .state(let message):
      return message
    case .cloud(let message):
      return message
    case .cancelled(let message):
      return message
    case .refused(let message):
      return message
    case .lockLost(let loss):
      let what = "; this run launched nothing more, and the state records what it did"
      guard let lease = loss.takenBy else {
        if loss.expired {
          return "lost the lock: this run's lease expired before it was renewed (was the process paused?)" + what
        }
        return "the state lock was broken while this run held it (`cutover state unlock`)" + what
      }
      return "lost the lock to \(lease.holder)@\(lease.host) pid \(lease.pid) (\(lease.command)): "
        + "this run's lease expired, or `cutover state unlock` broke it" + what
    case .interrupted(let message):
      return message
    }
  }
}
