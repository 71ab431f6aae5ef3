// MARK: - RetryPolicy

/// How ``OpenStackSession`` bounds and repeats calls.
///
/// Every attempt is bounded by `requestTimeout`. A failed attempt that may succeed when repeated (5xx, 429,
/// transport error, timeout; see ``OpenStackSession`` for the stricter rule on `POST`) is repeated after a delay
/// that starts at `initialDelay` and doubles each time, with jitter (a random 50–100 % of the step), never more
/// than `maxDelay`. A `Retry-After` header (seconds or HTTP date) replaces the computed delay, capped at
/// `maxDelay`. After `maxAttempts` attempts the last error is thrown.
public struct RetryPolicy: Sendable, Equatable {
  public var maxAttempts: Int
  public var initialDelay: Duration
  public var maxDelay: Duration
  public var requestTimeout: Duration

  public init(
    maxAttempts: Int = 6,
    initialDelay: Duration = .milliseconds(200),
    maxDelay: Duration = .seconds(10),
    requestTimeout: Duration = .seconds(60)
  ) {
    self.maxAttempts = max(1, maxAttempts)
    self.initialDelay = initialDelay
    self.maxDelay = maxDelay
    self.requestTimeout = requestTimeout
  }

  /// The un-jittered step before retry number `retry` (1 for the first retry): `initialDelay · 2^(retry-1)`,
  /// capped at `maxDelay`.
  public func backoffStep(beforeRetry retry: Int) -> Duration {
    let exponent = min(max(retry - 1, 0), 30)
    let step = initialDelay * (1 << exponent)
    return min(step, maxDelay)
  }

  /// The delay before retry number `retry`: the step scaled by `jitter` (0.5...1.0, random by default).
  func delay(beforeRetry retry: Int, jitter: Double = Double.random(in: 0.5...1.0)) -> Duration {
    backoffStep(beforeRetry: retry) * min(max(jitter, 0), 1)
  }

  /// A server's `Retry-After` wish, capped at `maxDelay`.
  func delay(retryAfter: Duration) -> Duration {
    min(max(retryAfter, .zero), maxDelay)
  }
}
