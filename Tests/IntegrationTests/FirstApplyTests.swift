import Foundation
import TestSupport
import Testing

@Suite("first apply and idempotence")
struct FirstApplyTests {
  @Test("the first apply creates the template, the cluster and both web proxies")
  func firstApply() async throws {
    let workspace = try Workspace.with(.eqiad1())
    let apply = try await workspace.apply()
    try requireExit(0, apply)
    #expect(
      apply.lastLine?.hasPrefix("Apply complete! Resources: 5 added, 0 changed, 0 destroyed.") == true, "\(apply)")
    #expect(try workspace.permissions("state/eqiad1.sqlite") == 0o600)

    let list = try requireExit(0, try await workspace.run(["state", "list", "eqiad1"]))
    let addresses = Set(list.stdoutLines.compactMap { $0.split(separator: " ").first.map(String.init) })
    #expect(
      addresses == [
        "cluster_template.127d", "cluster.127d", "kubeconfig.127d", "web_proxy.hub-paws.wmcloud.org",
        "web_proxy.public-paws.wmcloud.org",
      ], "\(list)")

    let cloud = try await workspace.cloudSnapshot()
    let cluster = try workspace.cluster("127d", in: cloud)
    #expect(cloud.clusters.count == 1)
    #expect(cluster.status == "CREATE_COMPLETE")
    #expect(cluster.nodeCount == 5)
    let template = try #require(cloud.templates(named: "paws-127d").first)
    #expect(cloud.templates.count == 1)
    #expect(cluster.clusterTemplateID == template.uuid)
    #expect(template.labels["kube_tag"] == "v1.27.8-rancher2")
    let nodes = cluster.nodeAddresses ?? []
    #expect(nodes.count == 5)
    #expect(nodes.allSatisfy { $0.hasPrefix("127.") }, "node addresses must stay on loopback: \(nodes)")
    for domain in PAWS.domains {
      let route = try #require(cloud.route(domain), "no web-proxy route for \(domain)")
      #expect(Set(route.backends) == PAWS.backends(of: cluster))
      #expect(route.backends.count == 5)
    }
  }

  @Test("a second plan shows no changes, in text, JSON and Markdown")
  func secondPlanHasNoChanges() async throws {
    let workspace = try Workspace.with(.eqiad1())
    try requireExit(0, try await workspace.apply())

    let text = try requireExit(0, try await workspace.plan(["--detailed-exitcode"]))
    #expect(text.stdout.contains("No changes."), "\(text)")
    #expect(text.lastLine == "Plan: 0 to add, 0 to change, 0 to destroy.", "\(text)")

    let json = try requireExit(0, try await workspace.plan(["--format", "json"]))
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json)")
    #expect(document["environment"] as? String == "eqiad1")
    #expect(document["format_version"] != nil)
    let serial = try #require(try workspace.stateStore()).version().serial
    #expect(document["serial"] as? Int == serial)
    let changes = try #require(document["resource_changes"] as? [[String: Any]])
    #expect(changes.count == 5)
    for change in changes {
      #expect(change["actions"] as? [String] == ["no-op"], "\(change["address"] ?? "?")")
    }

    let markdown = try requireExit(0, try await workspace.plan(["--format", "markdown"]))
    #expect(markdown.stdout.contains("Cutover plan for `eqiad1`"), "\(markdown)")
    #expect(markdown.stdout.contains("Plan: 0 to add, 0 to change, 0 to destroy."), "\(markdown)")
  }
}
