import Foundation
import TestSupport
import Testing

@Suite("resizing workers in place")
struct ResizeTests {
  @Test("5 → 6 workers updates the same cluster and points the proxies at all six")
  func resizeInPlace() async throws {
    var desired = try DesiredStateFixture.eqiad1()
    let workspace = try Workspace.with(desired)
    try requireExit(0, try await workspace.apply())
    let before = try workspace.cluster("127d", in: try await workspace.cloudSnapshot())

    try desired.setDefaultWorkers(6)
    try workspace.write(desired)
    let plan = try requireExit(2, try await workspace.plan(["--detailed-exitcode"]))
    #expect(plan.stdout.contains("~ cluster.127d"), "\(plan)")
    #expect(plan.stdout.contains(/node_count\s+= 5 -> 6/), "\(plan)")
    #expect(!plan.stdout.contains("-/+"), "a worker count must not force a replacement: \(plan)")
    #expect(plan.stdout.contains(/Plan: 0 to add, \d+ to change, 0 to destroy\./), "\(plan)")

    let markdown = try requireExit(0, try await workspace.plan(["--format", "markdown"]))
    #expect(markdown.stdout.contains("`cluster.127d`"), "\(markdown)")
    #expect(markdown.stdout.contains("```diff"), "\(markdown)")

    let apply = try requireExit(0, try await workspace.apply())
    #expect(apply.stdout.contains(/Apply complete! Resources: 0 added, \d+ changed, 0 destroyed\./), "\(apply)")

    let cloud = try await workspace.cloudSnapshot()
    let after = try workspace.cluster("127d", in: cloud)
    #expect(after.uuid == before.uuid)
    #expect(after.nodeCount == 6)
    #expect(after.nodeAddresses?.count == 6)
    for domain in PAWS.domains {
      let route = try #require(cloud.route(domain))
      #expect(route.backends.count == 6)
      #expect(Set(route.backends) == PAWS.backends(of: after))
    }
    try requireExit(0, try await workspace.plan(["--detailed-exitcode"]))
  }
}
