import Foundation
import TestSupport
import Testing

@Suite("a flaky cloud")
struct FlakyCloudTests {
  static let flaky = [
    "CUTOVER_SIMULATOR_ERROR_RATE": "0.2", "CUTOVER_SIMULATOR_RATE_LIMIT_RATE": "0.1",
    "CUTOVER_SIMULATOR_BUILD_SECONDS": "1",
  ]

  /// How many applies may be needed. The client retries what is safe to repeat; a create that answers 500 is looked
  /// up by name and retried by the engine (up to four attempts), so one apply nearly always converges. A second is
  /// allowed for the rare run where one call fails every attempt; it must pick up from the state.
  static let maximumApplies = 2

  @Test("with 20% errors and 10% rate limiting, applying again after failed actions converges with no duplicate")
  func applyConverges() async throws {
    let workspace = try Workspace.with(.eqiad1())
    var attempts: [CommandResult] = []
    for _ in 1...Self.maximumApplies {
      let result = try await workspace.apply(environment: Self.flaky)
      attempts.append(result)
      if result.exitCode == 0 { break }
      // An action that failed after the client's own retries fails the apply; anything else is a defect.
      try #require(result.exitCode == 1 && !result.timedOut, "\(result)")
    }
    let last = try #require(attempts.last)
    try requireExit(0, last)
    // Convergence is judged on a healthy cloud, so a fault in the checking itself cannot fail the test.
    let plan = try requireExit(0, try await workspace.plan(["--detailed-exitcode"]))
    #expect(plan.stdout.contains("No changes."), "\(plan)")
    let cloud = try await workspace.cloudSnapshot()
    #expect(cloud.clusters.count == 1)
    #expect(cloud.templates.count == 1)
    let cluster = try workspace.cluster("127d", in: cloud)
    for domain in PAWS.domains {
      #expect(Set(cloud.route(domain)?.backends ?? []) == PAWS.backends(of: cluster))
    }
  }

  @Test("every retry notice says which attempt comes next, and none says the client gave up")
  func retryNotices() async throws {
    let workspace = try Workspace.with(.eqiad1())
    try requireExit(0, try await workspace.apply())
    // Reads are retried, so a refreshing plan against a cloud failing 70% of calls logs retries (and may fail).
    let plan = try await workspace.plan(environment: ["CUTOVER_SIMULATOR_ERROR_RATE": "0.7"])
    #expect(plan.exitCode == 0 || plan.exitCode == 1, "\(plan)")
    let retries = plan.stderrLines.filter { $0.contains("retrying in") }
    try #require(!retries.isEmpty, "\(plan)")
    #expect(retries.allSatisfy { $0.contains(/\(attempt \d+ of \d+\)/) }, "\(retries.joined(separator: "\n"))")
    #expect(retries.allSatisfy { !$0.contains("gave up") }, "\(retries.joined(separator: "\n"))")
  }

  @Test("with answers lost after the cloud acted, one apply converges and creates nothing twice")
  func lostAnswersCreateNothingTwice() async throws {
    let workspace = try Workspace.with(.eqiad1())
    let lossy = ["CUTOVER_SIMULATOR_LOST_ANSWER_RATE": "0.3", "CUTOVER_SIMULATOR_BUILD_SECONDS": "1"]
    var result = try await workspace.apply(environment: lossy)
    if result.exitCode != 0 {
      // Every engine attempt of one call may lose its answer (0.3^4); the next apply must pick up from the state.
      result = try await workspace.apply(environment: lossy)
    }
    try requireExit(0, result)
    let cloud = try await workspace.cloudSnapshot()
    #expect(cloud.clusters.count == 1, "a lost create answer must not lead to a second cluster")
    #expect(cloud.templates.count == 1, "a lost create answer must not lead to a second template")
    let cluster = try workspace.cluster("127d", in: cloud)
    for domain in PAWS.domains {
      #expect(Set(cloud.route(domain)?.backends ?? []) == PAWS.backends(of: cluster))
      #expect(cloud.route(domain)?.backends.count == PAWS.backends(of: cluster).count, "no backend appended twice")
    }
    let plan = try requireExit(0, try await workspace.plan(["--detailed-exitcode"]))
    #expect(plan.stdout.contains("No changes."), "\(plan)")
  }
}
