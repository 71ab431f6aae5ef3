import EnvironmentSettings
import Foundation
import Synchronization

/// How a run lost its lease: `cutover state unlock` broke it, or (a shared state's lease) it expired while the run
/// was paused; another run may have taken the lock since.
public struct LockLoss: Sendable, Equatable {
  /// The lease held when the loss was noticed, another run's; nil when nobody else holds the lock.
  public var takenBy: LockLease?
  /// Whether the run's own lease expired (no one took it over yet).
  public var expired: Bool

  public init(takenBy: LockLease?, expired: Bool = false) {
    self.takenBy = takenBy
    self.expired = expired
  }
}

/// Keeps a state lock lease alive while a command runs, and gives it back at the end.
public actor LockHolder {
  public nonisolated let lease: LockLease
  private let store: any StateLocking
  private let lost = LossRecord()
  private var heartbeat: Task<Void, Never>?

  /// The lease's time to live: `CUTOVER_LOCK_TTL_SECONDS` (seconds, or a duration such as `2m`; 1 second to a day),
  /// else 60 s. A holder beats every
  /// third of it.
  /// - Throws: `EnvironmentSettingError` when the variable is not a number of seconds in that range.
  public static func ttl(
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(EnvironmentSettingError) -> TimeInterval {
    try EnvironmentSettings(environment).duration("CUTOVER_LOCK_TTL_SECONDS", in: 1...86_400) ?? 60
  }

  /// How often a holder proves itself alive: a third of the time to live, so two beats may be lost (a slow disk, a
  /// busy machine) before another host takes the lease over.
  public static func heartbeatInterval(forTTL ttl: TimeInterval) -> Duration {
    .milliseconds(Int((ttl * 1000 / 3).rounded()))
  }

  /// Takes the lease or throws `CutoverError.stateLocked`.
  /// - Parameters:
  ///   - ttl: the lease's time to live; ``ttl(environment:)`` when nil.
  ///   - onLost: called once, from the heartbeat, when the lease was found broken (`cutover state unlock`); the run
  ///     must then launch nothing more. The heartbeat stops there: the lease is another run's now.
  public init(
    store: any StateLocking, command: String, identity: ProcessIdentity = .current, ttl: TimeInterval? = nil,
    onLost: @escaping @Sendable (LockLoss) -> Void = { _ in }
  ) throws {
    let ttl = try ttl ?? Self.ttl()
    self.store = store
    self.lease = try store.acquireLock(command: command, identity: identity, ttl: ttl)
    let lost = self.lost
    let lease = self.lease
    let interval = Self.heartbeatInterval(forTTL: ttl)
    self.heartbeat = Task.detached {
      while !Task.isCancelled {
        try? await Task.sleep(for: interval)
        if Task.isCancelled { break }
        if (try? store.heartbeat(lease)) == false {
          let loss = (try? store.loss(of: lease)) ?? LockLoss(takenBy: nil)
          lost.record(loss)
          onLost(loss)
          return
        }
      }
    }
  }

  /// How the lease was lost, once the heartbeat found it broken; nil while it holds.
  public var loss: LockLoss? { lost.loss }

  /// Stops the heartbeat and releases the lease, if it is still ours.
  public func release() {
    heartbeat?.cancel()
    heartbeat = nil
    try? store.releaseLock(lease)
  }
}

/// The loss a heartbeat noticed, shared between the heartbeat task and the holder.
private final class LossRecord: Sendable {
  private let value = Mutex<LockLoss?>(nil)

  func record(_ loss: LockLoss) { value.withLock { $0 = loss } }
  var loss: LockLoss? { value.withLock { $0 } }
}
