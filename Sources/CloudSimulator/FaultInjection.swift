/// Misbehaviour the simulated cloud adds on purpose, so clients can be tested against a flaky cloud.
///
/// Error and rate-limit faults are drawn before a request is processed, so such a faulted request never
/// leaves a half-done change behind. A lost answer is the other kind: the request is processed, then answered
/// 500, as when a real service times out after acting, so a client cannot know whether it happened.
public struct FaultInjection: Sendable, Equatable {
  /// Fraction (0...1) of requests answered 500, in the service's own error shape.
  public var errorRate: Double
  /// Fraction (0...1) of requests answered 429 with `Retry-After: 1`.
  public var rateLimitRate: Double
  /// Delay added to every response.
  public var latency: Duration
  /// Cluster names whose creation ends in `CREATE_FAILED` with a `status_reason`.
  public var failingClusters: Set<String>
  /// Fraction (0...1) of changing requests (POST, PUT, PATCH, DELETE) processed and then answered 500.
  public var lostAnswerRate: Double
  /// Worker counts that named clusters are resized to behind the client's back (as by someone in Horizon) the
  /// moment their create completes: cluster name → node count.
  public var nodeCountDrift: [String: Int]
  /// Helm release names whose install or upgrade fails on every simulated cluster: the release is recorded with
  /// status `failed` and the PUT answers 500 with a helm-like message.
  public var failingReleases: Set<String>
  /// Manifest names whose server-side apply fails the same way.
  public var failingManifests: Set<String>

  public init(
    errorRate: Double = 0, rateLimitRate: Double = 0, latency: Duration = .zero, failingClusters: Set<String> = [],
    lostAnswerRate: Double = 0, nodeCountDrift: [String: Int] = [:], failingReleases: Set<String> = [],
    failingManifests: Set<String> = []
  ) {
    self.errorRate = errorRate
    self.rateLimitRate = rateLimitRate
    self.latency = latency
    self.failingClusters = failingClusters
    self.lostAnswerRate = lostAnswerRate
    self.nodeCountDrift = nodeCountDrift
    self.failingReleases = failingReleases
    self.failingManifests = failingManifests
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

  /// Whether the answer to a request that was just processed is lost.
  func drawLostAnswer<Generator: RandomNumberGenerator>(using generator: inout Generator) -> Bool {
    lostAnswerRate > 0 && Double.random(in: 0..<1, using: &generator) < lostAnswerRate
  }
}
