/// Misbehaviour the simulated cloud adds on purpose, so clients can be tested against a flaky cloud.
///
/// Error and rate-limit faults are drawn before a request is processed, so a faulted request never
/// leaves a half-done change behind.
public struct FaultInjection: Sendable, Equatable {
  /// Fraction (0...1) of requests answered 500, in the service's own error shape.
  public var errorRate: Double
  /// Fraction (0...1) of requests answered 429 with `Retry-After: 1`.
  public var rateLimitRate: Double
  /// Delay added to every response.
  public var latency: Duration
  /// Cluster names whose creation ends in `CREATE_FAILED` with a `status_reason`.
  public var failingClusters: Set<String>

  public init(
    errorRate: Double = 0, rateLimitRate: Double = 0, latency: Duration = .zero, failingClusters: Set<String> = []
  ) {
    self.errorRate = errorRate
    self.rateLimitRate = rateLimitRate
    self.latency = latency
    self.failingClusters = failingClusters
  }
}

// MARK: - Drawing faults

extension FaultInjection {
  /// The fault a single request suffers.
  enum Outcome: Equatable {
    case serverError
    case rateLimited
  }

  /// Draws the fault for one request, or nil when it is to be served normally.
  func draw<Generator: RandomNumberGenerator>(using generator: inout Generator) -> Outcome? {
    if errorRate > 0, Double.random(in: 0..<1, using: &generator) < errorRate {
      return .serverError
    }
    if rateLimitRate > 0, Double.random(in: 0..<1, using: &generator) < rateLimitRate {
      return .rateLimited
    }
    return nil
  }
}
