import Testing

/// Bounded polling instead of fixed sleeps.
enum Polling {
  /// Evaluates `probe` every 50 ms until it returns a value, failing after `timeout`.
  static func until<T>(
    timeout: Duration, _ failure: String, _ probe: () async throws -> T?
  ) async throws -> T {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while true {
      if let value = try await probe() { return value }
      guard clock.now < deadline else {
        Issue.record("\(failure) within \(timeout)")
        throw PollingTimeout()
      }
      try await Task.sleep(for: .milliseconds(50))
    }
  }

  /// Thrown when polling gives up.
  struct PollingTimeout: Error {}
}
