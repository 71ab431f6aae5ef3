import CutoverKit
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

    let failed = try #require(try await workspace.cloudSnapshot().clusters(named: "paws-127d").first)
    #expect(failed.status == "CREATE_FAILED")

    // The next plan says what the cloud says about the failed cluster before it plans the replacement, which the
    // guard on the live generation allows: the cluster never served.
    let plan = try requireExit(2, try await workspace.plan(["--detailed-exitcode"]))
    let warning = try #require(plan.stdoutLines.first { $0.contains("cluster.127d is CREATE_FAILED in the cloud: ") })
    #expect(warning.contains("No valid host was found"), "\(plan)")
    #expect(plan.stdout.contains("cluster.127d is tainted (its create failed), so must be replaced"), "\(plan)")
    #expect(plan.stdout.contains("-/+ cluster.127d"), "\(plan)")

    // A plain apply, the fault gone, replaces it: a new cluster, built, and the failed one deleted.
    let replaced = try requireExit(0, try await workspace.apply())
    #expect(replaced.stdout.contains("cluster.127d is tainted (its create failed), so must be replaced"), "\(replaced)")
    let cloud = try await workspace.cloudSnapshot()
    let rebuilt = try workspace.cluster("127d", in: cloud)
    #expect(rebuilt.uuid != failed.uuid)
    #expect(rebuilt.status == "CREATE_COMPLETE")
    #expect(cloud.clusters(named: "paws-127d").map(\.uuid) == [rebuilt.uuid], "the failed cluster is gone")
    let recorded = try #require(
      try workspace.stateStore()?.resources().filter { $0.address.description == "cluster.127d" })
    #expect(recorded.map(\.remoteID) == [rebuilt.uuid], "only the new cluster is recorded: \(recorded)")
    #expect(recorded.first?.status == .ready)
    for domain in PAWS.domains {
      #expect(Set(cloud.route(domain)?.backends ?? []) == PAWS.backends(of: rebuilt), "\(domain)")
    }
    try requireExit(0, try await workspace.plan(["--detailed-exitcode"]))
  }
}
