import Foundation
import TestSupport
import Testing

/// `kill -9` in the middle of an apply: the journal written before and after every cloud call lets the next apply
/// resume, with no duplicate object and no `state unlock` (the dead process's lease no longer holds).
@Suite("an apply killed with SIGKILL is resumed")
struct KillResumeTests {
  @Test("killed while the cluster builds: the next apply waits for that cluster instead of creating another")
  func killDuringClusterCreate() async throws {
    let workspace = try Workspace.with(.eqiad1())
    // Long enough that the kill lands while the cluster builds even when CI's two cores run every suite at once (the
    // resumed apply waits out the rest of it). 20 s was not: a full run once took longer between the create and the
    // kill.
    let building = ["CUTOVER_SIMULATOR_BUILD_SECONDS": "45"]
    let first = try workspace.start(["apply", "eqiad1", "--simulate", "--auto-approve"], environment: building)
    try await first.waitForOutput("cluster.127d: CREATE_IN_PROGRESS", timeout: .seconds(60))
    let killed = try await first.killAndWait()
    #expect(killed.signal == SIGKILL)
    let interrupted = try #require(try workspace.stateStore()?.resource(.init(type: "cluster", name: "127d")))
    let inFlightID = try #require(interrupted.remoteID)

    let resume = try requireExit(0, try await workspace.apply(environment: building))
    #expect(resume.stdout.contains("resuming \(inFlightID)"), "\(resume)")
    #expect(resume.stdout.contains("cluster.127d: Creation complete"), "\(resume)")
    #expect(!resume.stdout.contains("cluster_template.127d: Creating..."), "\(resume)")
    #expect(resume.lastLine?.hasPrefix("Apply complete! Resources: 4 added, 0 changed, 0 destroyed.") == true)

    let cloud = try await workspace.cloudSnapshot()
    #expect(cloud.clusters.count == 1)
    #expect(try workspace.cluster("127d", in: cloud).uuid == inFlightID)
    #expect(cloud.templates.count == 1)
    let history = try requireExit(0, try await workspace.run(["state", "history", "eqiad1"]))
    #expect(history.stdout.contains("interrupted"), "\(history)")
    try requireExit(0, try await workspace.plan(["--detailed-exitcode"]))
  }

  @Test("killed right after the template was created: the next apply creates the rest once")
  func killAfterTemplateCreate() async throws {
    let workspace = try Workspace.with(.eqiad1())
    // Long enough that the kill lands while the cluster still builds, even on a loaded machine.
    let building = ["CUTOVER_SIMULATOR_BUILD_SECONDS": "45"]
    let first = try workspace.start(["apply", "eqiad1", "--simulate", "--auto-approve"], environment: building)
    try await first.waitForOutput("cluster_template.127d: Creation complete", timeout: .seconds(60))
    try await first.killAndWait()

    let resume = try requireExit(0, try await workspace.apply(environment: building))
    #expect(!resume.stdout.contains("cluster_template.127d: Creating..."), "\(resume)")
    #expect(resume.stdout.contains("cluster.127d: Creation complete"), "\(resume)")

    let cloud = try await workspace.cloudSnapshot()
    #expect(cloud.clusters.count == 1)
    _ = try workspace.cluster("127d", in: cloud)
    #expect(cloud.templates.count == 1)
    #expect(cloud.routes.count == PAWS.domains.count)
    try requireExit(0, try await workspace.plan(["--detailed-exitcode"]))
  }

  @Test("killed in the middle of a replacement: the next apply finishes it and deletes the old objects")
  func killDuringReplacement() async throws {
    var desired = try DesiredStateFixture.eqiad1()
    try desired.setGenerations([("127d", "{}"), ("128a", "{}")])
    let workspace = try Workspace.with(desired)
    try requireExit(0, try await workspace.apply())
    let old = try workspace.cluster("128a", in: try await workspace.cloudSnapshot())

    try desired.setGenerations([("127d", "{}"), ("128a", "{template: {labels: {kube_tag: v1.28.15}}}")])
    try workspace.write(desired)
    let building = ["CUTOVER_SIMULATOR_BUILD_SECONDS": "2"]
    let first = try workspace.start(["apply", "eqiad1", "--simulate", "--auto-approve"], environment: building)
    try await first.waitForOutput("CREATE_IN_PROGRESS", timeout: .seconds(60))
    try await first.killAndWait()

    try requireExit(0, try await workspace.apply(environment: building))
    let cloud = try await workspace.cloudSnapshot()
    let replaced = try workspace.cluster("128a", in: cloud)
    #expect(replaced.uuid != old.uuid)
    #expect(replaced.labels?["kube_tag"] == "v1.28.15")
    #expect(cloud.clusters.count == 2)
    #expect(cloud.templates.count == 2)
    let list = try requireExit(0, try await workspace.run(["state", "list", "eqiad1"]))
    #expect(!list.stdout.contains("deposed"), "\(list)")
    try requireExit(0, try await workspace.plan(["--detailed-exitcode"]))
  }

  @Test("killed while switching the proxies: the next run reads them back, so state says where they point")
  func killDuringProxySwitch() async throws {
    var desired = try DesiredStateFixture.eqiad1()
    try desired.setGenerations([("127d", "{}"), ("128a", "{}")])
    let workspace = try Workspace.with(desired)
    try requireExit(0, try await workspace.apply())
    try desired.setLive("128a")
    try workspace.write(desired)
    let slow = ["CUTOVER_SIMULATOR_LATENCY_MS": "400"]
    let first = try workspace.start(["apply", "eqiad1", "--simulate", "--auto-approve"], environment: slow)
    try await first.waitForOutput("web_proxy.hub-paws.wmcloud.org: Modifying...", timeout: .seconds(60))
    _ = try await first.killAndWait()

    // Whatever the killed run managed, the next plan (with the lock) settles it against the cloud.
    try requireExit(0, try await workspace.plan())
    let cloud = try await workspace.cloudSnapshot()
    let store = try #require(try workspace.stateStore())
    for domain in PAWS.domains {
      let recorded = try #require(try store.resource(.init(type: "web_proxy", name: domain)))
      #expect(
        Set(recorded.attributes["backends"]?.stringList ?? []) == Set(cloud.route(domain)?.backends ?? []),
        "\(domain): state must say where the proxy really points")
    }
    let finish = try requireExit(0, try await workspace.apply())
    #expect(finish.lastLine?.hasPrefix("Apply complete!") == true || finish.stdout.contains("No changes."))
    let switched = try await workspace.cloudSnapshot()
    let new = try workspace.cluster("128a", in: switched)
    for domain in PAWS.domains {
      #expect(Set(switched.route(domain)?.backends ?? []) == PAWS.backends(of: new))
    }
  }
}
