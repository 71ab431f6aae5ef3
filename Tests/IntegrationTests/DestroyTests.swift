import Foundation
import TestSupport
import Testing

@Suite("cutover destroy")
struct DestroyTests {
  @Test("destroy removes everything, proxies before the cluster and the cluster before its template")
  func destroyInReverseOrder() async throws {
    let workspace = try Workspace.with(.eqiad1())
    try requireExit(0, try await workspace.apply())

    let destroy = try requireExit(0, try await workspace.run(["destroy", "eqiad1", "--simulate", "--auto-approve"]))
    #expect(destroy.lastLine?.hasPrefix("Destroy complete! Resources: 0 added, 0 changed, 5 destroyed.") == true)
    let proxiesGone = try PAWS.domains.map { domain in
      try #require(destroy.lineIndex(containing: "web_proxy.\(domain): Destruction complete"), "\(destroy)")
    }
    let clusterStarted = try #require(destroy.lineIndex(containing: "cluster.127d: Destroying..."), "\(destroy)")
    let clusterGone = try #require(destroy.lineIndex(containing: "cluster.127d: Destruction complete"), "\(destroy)")
    let templateStarted = try #require(
      destroy.lineIndex(containing: "cluster_template.127d: Destroying..."), "\(destroy)")
    let templateGone = try #require(
      destroy.lineIndex(containing: "cluster_template.127d: Destruction complete"), "\(destroy)")
    #expect(proxiesGone.allSatisfy { $0 < clusterStarted }, "\(destroy)")
    #expect(clusterGone < templateStarted, "\(destroy)")
    #expect(templateStarted < templateGone)

    let list = try requireExit(0, try await workspace.run(["state", "list", "eqiad1"]))
    #expect(list.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(list)")
    let cloud = try await workspace.cloudSnapshot()
    #expect(cloud.clusters.isEmpty)
    #expect(cloud.templates.isEmpty)
    #expect(cloud.routes.isEmpty)
  }
}
