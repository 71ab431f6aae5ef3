import Synchronization

/// A random number generator shared by concurrent requests.
final class SharedRandomness: Sendable {
  private let generator = Mutex(SystemRandomNumberGenerator())

  /// The injected fault a request suffers, if any.
  func drawFault(from faults: FaultInjection) -> FaultInjection.Outcome? {
    generator.withLock { faults.draw(using: &$0) }
  }

  func drawLostAnswer(from faults: FaultInjection) -> Bool {
    generator.withLock { faults.drawLostAnswer(using: &$0) }
  }
}
