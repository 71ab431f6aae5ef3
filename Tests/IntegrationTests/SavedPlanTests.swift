import Foundation
import TestSupport
import Testing

@Suite("saved plans")
struct SavedPlanTests {
  @Test("a saved plan is applied exactly")
  func applySavedPlan() async throws {
    let workspace = try Workspace.with(.eqiad1())
    let plan = try requireExit(0, try await workspace.plan(["--out", "plans/x.plan"]))
    #expect(plan.stdout.contains("Plan: 5 to add, 0 to change, 0 to destroy."), "\(plan)")
    #expect(FileManager.default.fileExists(atPath: workspace.path("plans/x.plan")))

    let apply = try requireExit(0, try await workspace.run(["apply", "plans/x.plan", "--simulate"]))
    for address in ["cluster_template.127d", "cluster.127d"] + PAWS.domains.map({ "web_proxy.\($0)" }) {
      #expect(apply.stdout.contains("\(address): Creation complete"), "\(apply)")
    }
    #expect(
      apply.lastLine?.hasPrefix("Apply complete! Resources: 5 added, 0 changed, 0 destroyed.") == true, "\(apply)")
    #expect(try await workspace.cloudSnapshot().clusters.count == 1)
    try requireExit(0, try await workspace.plan(["--detailed-exitcode"]))
  }

  @Test("a saved plan made before another apply ran is refused, naming the serial")
  func stalePlanAfterAnotherApply() async throws {
    var desired = try DesiredStateFixture.eqiad1()
    let workspace = try Workspace.with(desired)
    try requireExit(0, try await workspace.apply())
    try desired.setDefaultWorkers(6)
    try workspace.write(desired)
    try requireExit(0, try await workspace.plan(["--out", "plans/first.plan"]))
    try requireExit(0, try await workspace.plan(["--out", "plans/second.plan"]))

    try requireExit(0, try await workspace.run(["apply", "plans/first.plan", "--simulate"]))
    let stale = try requireExit(1, try await workspace.run(["apply", "plans/second.plan", "--simulate"]))
    #expect(stale.stderr.contains("serial"), "\(stale)")
    #expect(!stale.stdout.contains("Modifying..."), "\(stale)")
    #expect(try workspace.cluster("127d", in: try await workspace.cloudSnapshot()).nodeCount == 6)
  }

  @Test("a saved plan made before the desired state changed is refused, naming the desired state")
  func stalePlanAfterDesiredStateChanged() async throws {
    var desired = try DesiredStateFixture.eqiad1()
    let workspace = try Workspace.with(desired)
    try requireExit(0, try await workspace.apply())
    try desired.setDefaultWorkers(6)
    try workspace.write(desired)
    try requireExit(0, try await workspace.plan(["--out", "plans/six.plan"]))

    try desired.setDefaultWorkers(7)
    try workspace.write(desired)
    let stale = try requireExit(1, try await workspace.run(["apply", "plans/six.plan", "--simulate"]))
    #expect(stale.stderr.contains("desired state"), "\(stale)")
    #expect(try workspace.cluster("127d", in: try await workspace.cloudSnapshot()).nodeCount == 5)
  }

  @Test("a saved plan edited to delete the live cluster is refused by the guards, and deletes nothing")
  func tamperedPlanIsRefused() async throws {
    let workspace = try Workspace.with(.eqiad1())
    try requireExit(0, try await workspace.apply())
    try requireExit(0, try await workspace.plan(["--out", "plans/noop.plan"]))
    let path = workspace.path("plans/noop.plan")
    var document = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    var changes = try #require(document["changes"] as? [[String: Any]])
    let index = try #require(changes.firstIndex { $0["address"] as? String == "cluster.127d" })
    changes[index]["action"] = "delete"
    document["changes"] = changes
    try JSONSerialization.data(withJSONObject: document).write(to: URL(fileURLWithPath: path))

    let refused = try requireExit(1, try await workspace.run(["apply", "plans/noop.plan", "--simulate"]))
    #expect(refused.stderr.contains("generation 127d is live"), "\(refused)")
    #expect(try await workspace.cloudSnapshot().clusters.count == 1)
  }
}
