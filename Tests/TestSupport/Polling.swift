/// Thrown by ``poll(_:timeout:interval:until:)`` when the condition did not hold in time.
public struct PollTimeout: Error, CustomStringConvertible {
  /// What was waited for.
  public var waitingFor: String
  /// How long it was waited for.
  public var timeout: Duration

  public var description: String { "timed out after \(timeout) waiting for \(waitingFor)" }
}

/// Checks `condition` every `interval` until it holds, instead of sleeping a fixed time and hoping the work is done.
/// - Parameters:
///   - waitingFor: what the condition means, for the error when it never holds.
///   - timeout: the bound; the condition is checked once more at the deadline.
/// - Throws: ``PollTimeout`` when the deadline passes first, or whatever `condition` throws.
public func poll(
  _ waitingFor: String, timeout: Duration, interval: Duration = .milliseconds(20),
  until condition: () async throws -> Bool
) async throws {
  let clock = ContinuousClock()
  let deadline = clock.now.advanced(by: timeout)
  while true {
    if try await condition() { return }
    guard clock.now < deadline else { throw PollTimeout(waitingFor: waitingFor, timeout: timeout) }
    try await Task.sleep(for: interval)
  }
}
