import Foundation
import TestSupport
import Testing

@Suite("a cluster that fails to build")
struct FailedBuildTests {
  @Test("the apply fails with Magnum's status_reason, skips the proxies, and records the cluster as tainted")
  func failedBuild() async throws {
    let workspace = try Workspace.with(.eqiad1())
    let apply = try requireExit(
      1, try await workspace.apply(environment: ["CUTOVER_SIMULATOR_FAIL_CLUSTERS": "paws-127d"]))
    #expect(apply.stdout.contains("cluster.127d: CREATE_FAILED"), "\(apply)")
    #expect(apply.stderr.contains("No valid host was found"), "\(apply)")
    for domain in PAWS.domains {
      #expect(apply.stdout.contains("web_proxy.\(domain): skipped"), "\(apply)")
    }
    let list = try requireExit(0, try await workspace.run(["state", "list", "eqiad1"]))
    let clusterLine = try #require(list.stdoutLines.first { $0.hasPrefix("cluster.127d ") }, "\(list)")
    #expect(clusterLine.contains("tainted"), "\(list)")
    #expect(try await workspace.cloudSnapshot().routes.isEmpty)

    // The next plan says what the cloud says about the failed cluster before it plans the replacement.
    let plan = try requireExit(2, try await workspace.plan(["--detailed-exitcode"]))
    let warning = try #require(plan.stdoutLines.first { $0.contains("cluster.127d is CREATE_FAILED in the cloud: ") })
    #expect(warning.contains("No valid host was found"), "\(plan)")
    #expect(plan.stdout.contains("-/+ cluster.127d"), "\(plan)")

    // Nothing points at the failed cluster, so it can go; the next apply builds the generation again.
    try requireExit(
      0, try await workspace.run(["destroy", "eqiad1", "--simulate", "--auto-approve", "--target", "cluster.127d"]))
    try requireExit(0, try await workspace.apply())
    let cloud = try await workspace.cloudSnapshot()
    #expect(try workspace.cluster("127d", in: cloud).status == "CREATE_COMPLETE")
    #expect(cloud.routes.count == PAWS.domains.count)
    try requireExit(0, try await workspace.plan(["--detailed-exitcode"]))
  }
}
