import Foundation
import OpenStack
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

  @Test("a plan saved without the lock while an apply runs is stale once that apply has finished")
  func planSavedDuringAnApplyIsStale() async throws {
    let workspace = try Workspace.with(.eqiad1())
    // A build long enough for the plan to be made while the apply waits on it, whatever the machine's load.
    let building = ["CUTOVER_SIMULATOR_BUILD_SECONDS": "20"]
    let apply = try workspace.start(["apply", "eqiad1", "--simulate", "--auto-approve"], environment: building)
    try await apply.waitForOutput("cluster.127d: Creating...", timeout: .seconds(60))
    let during = try requireExit(
      0,
      try await workspace.plan(["--lock=false", "--no-refresh", "--out", "plans/during.plan"], environment: building))
    try #require(during.stdout.contains("(resuming "), "the plan was made while the cluster was building: \(during)")
    try requireExit(0, try await apply.waitForExit(timeout: .seconds(120)))

    let stale = try requireExit(1, try await workspace.run(["apply", "plans/during.plan", "--simulate"]))
    #expect(stale.stderr.contains("the state's serial moved"), "\(stale)")
    #expect(!stale.stdout.contains("Creating..."), "\(stale)")
    let cloud = try await workspace.cloudSnapshot()
    #expect(cloud.templates.count == 1 && cloud.clusters.count == 1, "nothing was created twice")
  }

  @Test("a plan saved before an import that adopts what it would create is stale, and creates no second one")
  func planSavedBeforeAnImportIsStale() async throws {
    let workspace = try Workspace.with(.eqiad1())
    try requireExit(0, try await workspace.plan(["--out", "plans/before.plan"]))
    // Someone makes the template by hand meanwhile, and it is adopted.
    let template = try await SimulatedCloud.withClients(databasePath: workspace.simulatedCloudFile()) { cloud in
      try await cloud.magnum.createClusterTemplate(
        ClusterTemplateCreateRequest(
          name: "paws-127d", imageID: "Fedora-CoreOS-38", keypairID: "paws-magnum-vm",
          flavorID: "g4.cores8.ram32.disk20"))
    }
    try requireExit(
      0, try await workspace.run(["import", "eqiad1", "cluster_template.127d", template.uuid, "--simulate"]))

    let stale = try requireExit(1, try await workspace.run(["apply", "plans/before.plan", "--simulate"]))
    #expect(stale.stderr.contains("the state's serial moved"), "\(stale)")
    #expect(try await workspace.cloudSnapshot().templates.map(\.uuid) == [template.uuid])
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
