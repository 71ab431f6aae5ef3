import CloudSimulator
import Foundation
import Synchronization

/// A clock that moves only when a test moves it, for a simulator's `now`: a cluster created while it stands still
/// reads `CREATE_IN_PROGRESS` however slowly the machine runs, and reads `CREATE_COMPLETE` once the test advances it
/// past the build time. Several simulators given the same clock (consecutive processes on one database file) share
/// its time.
public final class ManualClock: Sendable {
  private let current: Mutex<Date>

  /// A clock standing at `start` (now, by default, so certificates and timestamps the cloud makes look ordinary).
  public init(_ start: Date = Date()) {
    current = Mutex(start)
  }

  /// The time the clock shows.
  public var now: Date { current.withLock { $0 } }

  /// Moves the clock forward by `seconds`.
  public func advance(by seconds: TimeInterval) {
    current.withLock { $0 += seconds }
  }

  /// `configuration` reading its time from this clock.
  public func driving(_ configuration: SimulatorConfiguration) -> SimulatorConfiguration {
    var configuration = configuration
    configuration.now = { [self] in now }
    return configuration
  }
}
