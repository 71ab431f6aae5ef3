import EnvironmentSettings
import Foundation

/// Keeps a state lock lease alive while a command runs, and gives it back at the end.
public actor LockHolder {
  public let lease: LockLease
  private let store: StateStore
  private var heartbeat: Task<Void, Never>?

  /// The lease's time to live: `CUTOVER_LOCK_TTL_SECONDS` (1 second to a day), else 60 s. A holder beats every
  /// third of it.
  /// - Throws: `EnvironmentSettingError` when the variable is not a number of seconds in that range.
  public static func ttl(
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(EnvironmentSettingError) -> TimeInterval {
    try EnvironmentSettings(environment).number("CUTOVER_LOCK_TTL_SECONDS", in: 1...86_400, unit: "seconds") ?? 60
  }

  /// Takes the lease or throws `CutoverError.stateLocked`.
  public init(store: StateStore, command: String, identity: ProcessIdentity = .current) throws {
    let ttl = try Self.ttl()
    self.store = store
    self.lease = try store.acquireLock(command: command, identity: identity, ttl: ttl)
    let lease = self.lease
    let interval = Duration.milliseconds(Int(ttl * 1000 / 3))
    self.heartbeat = Task.detached {
      while !Task.isCancelled {
        try? await Task.sleep(for: interval)
        if Task.isCancelled { break }
        if (try? store.heartbeat(lease)) == false {
          // Someone broke the lease (`cutover state unlock`): say so; the journal still records every action.
          FileHandle.standardError.write(
            Data("warning: the state lock was broken by another run; finish or stop this one now\n".utf8))
        }
      }
    }
  }

  /// Stops the heartbeat and releases the lease.
  public func release() {
    heartbeat?.cancel()
    heartbeat = nil
    try? store.releaseLock(lease)
  }
}
