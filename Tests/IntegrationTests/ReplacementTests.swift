import Foundation
import TestSupport
import Testing

@Suite("replacing a generation's template")
struct ReplacementTests {
  static let newKubeTag = "{template: {labels: {kube_tag: v1.28.15}}}"

  /// A workspace where 127d (live) and 128a were applied.
  private func twoGenerations() async throws -> (Workspace, DesiredStateFixture) {
    var desired = try DesiredStateFixture.eqiad1()
    try desired.setGenerations([("127d", "{}"), ("128a", "{}")])
    let workspace = try Workspace.with(desired)
    let apply = try requireExit(0, try await workspace.apply())
    #expect(apply.lastLine?.hasPrefix("Apply complete! Resources: 8 added, 0 changed, 0 destroyed.") == true)
    return (workspace, desired)
  }

  @Test("a label change on a generation that is not live replaces its template and cluster")
  func replaceNonLiveGeneration() async throws {
    var (workspace, desired) = try await twoGenerations()
    let before = try await workspace.cloudSnapshot()
    let oldCluster = try workspace.cluster("128a", in: before)
    let oldTemplate = try #require(before.templates(named: "paws-128a").first)
    let live = try workspace.cluster("127d", in: before)

    try desired.setGenerations([("127d", "{}"), ("128a", Self.newKubeTag)])
    try workspace.write(desired)
    let plan = try requireExit(2, try await workspace.plan(["--detailed-exitcode"]))
    #expect(plan.stdout.contains("-/+ cluster_template.128a"), "\(plan)")
    #expect(plan.stdout.contains("-/+ cluster.128a"), "\(plan)")
    #expect(plan.stdout.contains("forces replacement"), "\(plan)")
    #expect(!plan.stdout.contains("127d {"), "the live generation must not change: \(plan)")
    #expect(plan.lastLine == "Plan: 2 to add, 1 to change, 2 to destroy.", "\(plan)")

    let apply = try requireExit(0, try await workspace.apply())
    #expect(
      apply.lastLine?.hasPrefix("Apply complete! Resources: 2 added, 1 changed, 2 destroyed.") == true, "\(apply)")

    let after = try await workspace.cloudSnapshot()
    let newCluster = try workspace.cluster("128a", in: after)
    #expect(newCluster.uuid != oldCluster.uuid)
    #expect(newCluster.labels?["kube_tag"] == "v1.28.15")
    #expect(newCluster.status == "CREATE_COMPLETE")
    let newTemplates = after.templates(named: "paws-128a")
    #expect(newTemplates.map(\.uuid) == [newCluster.clusterTemplateID])
    #expect(newTemplates.first?.labels["kube_tag"] == "v1.28.15")
    #expect(try workspace.cluster("127d", in: after).uuid == live.uuid)
    let (clusterGone, templateGone) = try await SimulatedCloud.withClients(
      databasePath: workspace.simulatedCloudFile()
    ) { clients in
      (
        try await clients.magnum.cluster(id: oldCluster.uuid) == nil,
        try await clients.magnum.clusterTemplate(id: oldTemplate.uuid) == nil
      )
    }
    #expect(clusterGone, "the replaced cluster \(oldCluster.uuid) still answers")
    #expect(templateGone, "the replaced template \(oldTemplate.uuid) still answers")

    let history = try requireExit(0, try await workspace.run(["state", "history", "eqiad1"]))
    #expect(history.stdout.contains(/`cutover apply eqiad1` serial \d+ \+2 ~1 -2: succeeded/), "\(history)")
    #expect(history.stdout.contains("delete cluster.128a"), "\(history)")
    try requireExit(0, try await workspace.plan(["--detailed-exitcode"]))
  }

  @Test("a replacement's create is reported as the new object, only its delete as the deposed one")
  func replacementLabels() async throws {
    var (workspace, desired) = try await twoGenerations()
    try desired.setGenerations([("127d", "{}"), ("128a", Self.newKubeTag)])
    try workspace.write(desired)
    let apply = try requireExit(0, try await workspace.apply())
    #expect(apply.stdout.contains("cluster.128a: Creating..."), "\(apply)")
    #expect(apply.stdout.contains("cluster_template.128a: Creating..."), "\(apply)")
    let deposedLines = apply.stdoutLines.filter { $0.contains("(deposed object") }
    #expect(deposedLines.allSatisfy { $0.contains("Destr") || $0.contains("DELETE_") }, "\(deposedLines)")
  }

  @Test("the same label change on the live generation is refused, naming the generation")
  func liveGenerationIsNotReplaced() async throws {
    var desired = try DesiredStateFixture.eqiad1()
    let workspace = try Workspace.with(desired)
    try requireExit(0, try await workspace.apply())
    let before = try workspace.cluster("127d", in: try await workspace.cloudSnapshot())

    try desired.setGenerations([("127d", Self.newKubeTag)])
    try workspace.write(desired)
    let plan = try requireExit(1, try await workspace.plan(["--detailed-exitcode"]))
    #expect(plan.stderr.contains("generation 127d"), "\(plan)")
    #expect(plan.stderr.hasPrefix("error: "), "\(plan)")

    try requireExit(1, try await workspace.apply())
    let after = try await workspace.cloudSnapshot()
    #expect(try workspace.cluster("127d", in: after).uuid == before.uuid)
    #expect(after.templates.count == 1)
  }
}
