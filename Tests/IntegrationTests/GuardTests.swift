import Foundation
import TestSupport
import Testing

@Suite("blue-green guards and cutover")
struct GuardTests {
  /// A workspace where 127d (live) and 128a were applied.
  private func twoGenerations() async throws -> (Workspace, DesiredStateFixture) {
    var desired = try DesiredStateFixture.eqiad1()
    try desired.setGenerations([("127d", "{}"), ("128a", "{}")])
    let workspace = try Workspace.with(desired)
    try requireExit(0, try await workspace.apply())
    return (workspace, desired)
  }

  @Test("removing the generation the proxies point at is refused, naming it")
  func removingPointedAtGenerationIsRefused() async throws {
    var (workspace, desired) = try await twoGenerations()
    let before = try await workspace.cloudSnapshot()

    // Still named by `live:`: the file itself is invalid.
    try desired.setGenerations([("128a", "{}")])
    try workspace.write(desired)
    let stillLive = try requireExit(65, try await workspace.plan())
    #expect(stillLive.stderr.contains("127d"), "\(stillLive)")

    // Live switched in the same edit, but the proxies still point at 127d's nodes until an apply moves them.
    try desired.setLive("128a")
    try workspace.write(desired)
    let plan = try requireExit(1, try await workspace.plan(["--detailed-exitcode"]))
    #expect(plan.stderr.contains("generation 127d"), "\(plan)")
    // A pull request's comment shows the refusal where the plan would be.
    let markdown = try requireExit(
      1, try await workspace.plan(["--format", "markdown"], environment: ["CUTOVER_COMMIT": "abc1234"]))
    #expect(markdown.stdout.hasPrefix("### Cutover plan for `eqiad1`: refused"), "\(markdown)")
    #expect(markdown.stdout.contains("commit `abc1234`") && markdown.stdout.contains("generation 127d"), "\(markdown)")
    let apply = try requireExit(1, try await workspace.apply())
    #expect(apply.stderr.contains("generation 127d"), "\(apply)")

    let after = try await workspace.cloudSnapshot()
    #expect(try workspace.cluster("127d", in: after).uuid == (try workspace.cluster("127d", in: before)).uuid)
    for domain in PAWS.domains {
      #expect(after.route(domain)?.backends == before.route(domain)?.backends)
    }
  }

  @Test("switching live updates the proxies in place; then the old generation can be retired")
  func switchLiveThenRetire() async throws {
    var (workspace, desired) = try await twoGenerations()

    try desired.setLive("128a")
    try workspace.write(desired)
    let switchPlan = try requireExit(2, try await workspace.plan(["--detailed-exitcode"]))
    #expect(switchPlan.lastLine == "Plan: 0 to add, 4 to change, 0 to destroy.", "\(switchPlan)")
    #expect(switchPlan.stdout.contains("~ web_proxy.hub-paws.wmcloud.org"), "\(switchPlan)")
    #expect(switchPlan.stdout.contains("~ web_proxy.public-paws.wmcloud.org"), "\(switchPlan)")
    try requireExit(0, try await workspace.apply())

    let switched = try await workspace.cloudSnapshot()
    let green = try workspace.cluster("128a", in: switched)
    for domain in PAWS.domains {
      let route = try #require(switched.route(domain))
      #expect(Set(route.backends) == PAWS.backends(of: green))
    }
    let link = workspace.path("state/eqiad1/kube.config")
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "kube/128a.config")

    try desired.setGenerations([("128a", "{}")])
    try workspace.write(desired)
    let retirePlan = try requireExit(2, try await workspace.plan(["--detailed-exitcode"]))
    #expect(retirePlan.stdout.contains("- cluster.127d"), "\(retirePlan)")
    #expect(retirePlan.stdout.contains("- cluster_template.127d"), "\(retirePlan)")
    #expect(retirePlan.lastLine == "Plan: 0 to add, 0 to change, 3 to destroy.", "\(retirePlan)")
    let retire = try requireExit(0, try await workspace.apply())
    #expect(retire.lastLine?.hasPrefix("Apply complete! Resources: 0 added, 0 changed, 3 destroyed.") == true)

    let retired = try await workspace.cloudSnapshot()
    #expect(retired.clusters(named: "paws-127d").isEmpty)
    #expect(retired.templates(named: "paws-127d").isEmpty)
    #expect(try workspace.cluster("128a", in: retired).uuid == green.uuid)
    #expect(!FileManager.default.fileExists(atPath: workspace.path("state/eqiad1/kube/127d.config")))
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "kube/128a.config")
    try requireExit(0, try await workspace.plan(["--detailed-exitcode"]))
  }

  @Test("destroy --target of the cluster the proxies point at is refused, naming the generation")
  func targetedDestroyOfLiveClusterIsRefused() async throws {
    let workspace = try Workspace.with(.eqiad1())
    try requireExit(0, try await workspace.apply())
    let destroy = try requireExit(
      1, try await workspace.run(["destroy", "eqiad1", "--simulate", "--auto-approve", "--target", "cluster.127d"]))
    #expect(destroy.stderr.contains("generation 127d"), "\(destroy)")
    #expect(!destroy.stdout.contains("Destroying..."), "\(destroy)")
    let cloud = try await workspace.cloudSnapshot()
    #expect(cloud.clusters.count == 1)
    #expect(cloud.routes.count == PAWS.domains.count)
  }

  @Test("a cluster a proxy routes to is not deleted even when the state does not know (apply --no-refresh)")
  func deleteRefusedByTheCloudsRoutes() async throws {
    var desired = try DesiredStateFixture.eqiad1()
    try desired.setGenerations([("127d", "{}"), ("128a", "{}")])
    let workspace = try Workspace.with(desired)
    try requireExit(0, try await workspace.apply())
    // Someone points a route at 128a by hand; the recorded state still says 127d.
    let old = try workspace.cluster("128a", in: try await workspace.cloudSnapshot())
    try await SimulatedCloud.withClients(databasePath: workspace.simulatedCloudFile()) { clients in
      try await clients.webProxy.replaceBackends(domain: PAWS.domains[0], backends: PAWS.backends(of: old).sorted())
    }
    try desired.setGenerations([("127d", "{}")])
    try workspace.write(desired)
    let apply = try requireExit(
      1, try await workspace.run(["apply", "eqiad1", "--simulate", "--auto-approve", "--no-refresh"]))
    #expect(apply.stdout.contains("refusing to delete cluster.128a"), "\(apply)")
    #expect(try await workspace.cloudSnapshot().clusters(named: "paws-128a").count == 1)
  }
}
