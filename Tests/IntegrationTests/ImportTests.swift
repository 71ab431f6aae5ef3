import Foundation
import TestSupport
import Testing

@Suite("adopting what exists")
struct ImportTests {
  /// A cloud that holds PAWS as it runs today (made by an apply), with the state that apply wrote thrown away.
  private func estateWithoutState() async throws -> (Workspace, CloudSnapshot) {
    let workspace = try Workspace.with(.eqiad1())
    try requireExit(0, try await workspace.apply())
    for suffix in ["", "-wal", "-shm"] {
      try? FileManager.default.removeItem(atPath: workspace.stateFile() + suffix)
    }
    return (workspace, try await workspace.cloudSnapshot())
  }

  @Test("a plan over an existing estate refuses to create a second paws-127d")
  func unrecordedEstateRefused() async throws {
    let (workspace, _) = try await estateWithoutState()
    let plan = try requireExit(1, try await workspace.plan())
    #expect(plan.stderr.contains("the cloud already has cluster paws-127d"), "\(plan)")
  }

  @Test("import --from-tofu-state adopts template, cluster and proxies, and the next plan shows no changes")
  func importTofuState() async throws {
    let (workspace, cloud) = try await estateWithoutState()
    let template = try #require(cloud.templates.first)
    let cluster = try workspace.cluster("127d", in: cloud)
    let fixture = try #require(
      Bundle.module.url(forResource: "tofu-state-paws", withExtension: "json", subdirectory: "Fixtures"))
    let text = try String(contentsOf: fixture, encoding: .utf8)
      .replacingOccurrences(of: "{{TEMPLATE_ID}}", with: template.uuid)
      .replacingOccurrences(of: "{{CLUSTER_ID}}", with: cluster.uuid)
    try text.write(toFile: workspace.path("tofu.json"), atomically: true, encoding: .utf8)

    let imported = try requireExit(
      0, try await workspace.run(["import", "eqiad1", "--simulate", "--from-tofu-state", "tofu.json"]))
    #expect(imported.stdout.contains("cluster_template.127d"), "\(imported)")
    #expect(imported.stdout.contains("Cutover has no resource type for openstack_compute_keypair_v2"), "\(imported)")
    #expect(imported.stdout.contains("kubeconfig.127d"), "\(imported)")
    #expect(imported.stdout.contains("Adopted 5 of 6"), "\(imported)")
    let plan = try requireExit(0, try await workspace.plan(["--detailed-exitcode"]))
    #expect(plan.stdout.contains("No changes."), "\(plan)")
  }

  @Test("import ENV ADDR ID adopts one object; importing it again is refused")
  func importOne() async throws {
    let (workspace, cloud) = try await estateWithoutState()
    let cluster = try workspace.cluster("127d", in: cloud)
    try requireExit(0, try await workspace.run(["import", "eqiad1", "cluster.127d", cluster.uuid, "--simulate"]))
    let list = try requireExit(0, try await workspace.run(["state", "list", "eqiad1"]))
    #expect(list.stdout.contains(cluster.uuid), "\(list)")
    let again = try requireExit(
      64, try await workspace.run(["import", "eqiad1", "cluster.127d", cluster.uuid, "--simulate"]))
    #expect(again.stderr.contains("already recorded"), "\(again)")
  }

  @Test("an object that is not the one the address describes is not adopted (it would be replaced)")
  func importOfAnotherObjectRefused() async throws {
    let (workspace, cloud) = try await estateWithoutState()
    let wrongDomain = try requireExit(
      64,
      try await workspace.run([
        "import", "eqiad1", "web_proxy.hub-paws.wmcloud.org", "public-paws.wmcloud.org", "--simulate",
      ]))
    #expect(wrongDomain.stderr.contains("is named \"public-paws.wmcloud.org\""), "\(wrongDomain)")
    let cluster = try workspace.cluster("127d", in: cloud)
    try requireExit(0, try await workspace.run(["import", "eqiad1", "cluster.127d", cluster.uuid, "--simulate"]))
    var desired = try DesiredStateFixture.eqiad1()
    try desired.setGenerations([("127d", "{}"), ("128a", "{}")])
    try workspace.write(desired)
    let twice = try requireExit(
      64, try await workspace.run(["import", "eqiad1", "cluster.128a", cluster.uuid, "--simulate"]))
    #expect(twice.stderr.contains("paws-127d"), "\(twice)")
  }
}
