import CutoverKit
import Foundation
import TestSupport
import Testing

/// Plans leave out the generations an apply converged and nothing has changed since, end to end: the apply records
/// them, the plan says so, a change brings the generation back, and a saved plan that left one out is refused once the
/// generation changes.
@Suite("plans of unchanged generations")
struct UnchangedGenerationPlanTests {
  /// The note a plan prints when it left out 128a (a cluster template, a cluster, a kubeconfig, a manifest and three
  /// releases).
  private let leftOut = "1 generation (7 objects) not compared one by one"

  @Test("after an apply, the standby generation is left out; a change to it is planned in full")
  func leftOutThenChanged() async throws {
    let workspace = try await Workspace.withTwoBuiltGenerations()
    let plan = try requireExit(0, try await workspace.plan(["--no-refresh", "--detailed-exitcode"]))
    #expect(plan.stdout.contains(leftOut), "\(plan)")
    #expect(plan.lastLine == "Plan: 0 to add, 0 to change, 0 to destroy.", "\(plan)")

    let json = try requireExit(0, try await workspace.plan(["--no-refresh", "--format", "json"]))
    #expect(json.stdout.contains("\"unchanged_generations\" : [\n    \"128a\"\n  ]"), "\(json)")
    #expect(!json.stdout.contains("helm_release.128a"), "\(json)")

    // A refresh that finds the cloud as recorded leaves it out as well.
    let refreshed = try requireExit(0, try await workspace.plan(["--detailed-exitcode"]))
    #expect(refreshed.stdout.contains(leftOut), "\(refreshed)")

    var desired = try DesiredStateFixture.eqiad1()
    try desired.addKubernetesWork()
    try desired.setGenerations([("127d", "{}"), ("128a", "{cluster: {workers: 6}}")])
    try workspace.write(desired)
    let changed = try requireExit(2, try await workspace.plan(["--no-refresh", "--detailed-exitcode"]))
    #expect(!changed.stdout.contains("not compared one by one"), "\(changed)")
    #expect(changed.stdout.contains("~ cluster.128a"), "\(changed)")
    #expect(changed.lastLine == "Plan: 0 to add, 1 to change, 0 to destroy.", "\(changed)")

    try requireExit(0, try await workspace.apply())
    let after = try requireExit(0, try await workspace.plan(["--no-refresh", "--detailed-exitcode"]))
    #expect(after.stdout.contains(leftOut), "the apply recorded 128a's new fingerprint: \(after)")

    // Objects written again since, even with the same values, are compared; an apply with nothing to do records
    // their fingerprints again.
    let store = try SQLiteStateStore(path: workspace.stateFile(), environment: "eqiad1")
    try store.record(try store.resources())
    let rewritten = try requireExit(0, try await workspace.plan(["--no-refresh", "--detailed-exitcode"]))
    #expect(!rewritten.stdout.contains("not compared one by one"), "\(rewritten)")
    try requireExit(0, try await workspace.apply(["--no-refresh"]))
    let recorded = try requireExit(0, try await workspace.plan(["--no-refresh", "--detailed-exitcode"]))
    #expect(recorded.stdout.contains(leftOut), "\(recorded)")
  }

  @Test("a saved plan that left a generation out applies; once that generation changes, it is stale")
  func savedPlans() async throws {
    let workspace = try await Workspace.withTwoBuiltGenerations()
    var desired = try DesiredStateFixture.eqiad1()
    try desired.addKubernetesWork()
    try desired.setGenerations([("127d", "{cluster: {workers: 6}}"), ("128a", "{}")])
    try workspace.write(desired)
    let saved = try requireExit(0, try await workspace.plan(["--no-refresh", "--out", "plans/resize.plan"]))
    #expect(saved.stdout.contains(leftOut), "\(saved)")
    try requireExit(0, try await workspace.run(["apply", "plans/resize.plan", "--simulate"]))
    #expect(try workspace.cluster("127d", in: try await workspace.cloudSnapshot()).nodeCount == 6)

    try desired.setGenerations([("127d", "{cluster: {workers: 7}}"), ("128a", "{}")])
    try workspace.write(desired)
    try requireExit(0, try await workspace.plan(["--no-refresh", "--out", "plans/again.plan"]))
    try desired.setGenerations([("127d", "{cluster: {workers: 7}}"), ("128a", "{cluster: {workers: 3}}")])
    try workspace.write(desired)
    let stale = try requireExit(1, try await workspace.run(["apply", "plans/again.plan", "--simulate"]))
    #expect(stale.stderr.contains("the desired state of eqiad1 changed since it was made"), "\(stale)")
    #expect(try workspace.cluster("127d", in: try await workspace.cloudSnapshot()).nodeCount == 6)
  }
}
