import Foundation
import TestSupport
import Testing

/// `plan --no-refresh` is made offline, whatever it plans: nothing asks the cloud, and what it could not check is a
/// warning.
@Suite("plans without a refresh, offline")
struct OfflinePlanTests {
  /// A workspace whose environment deploys a manifest and releases, with the files they name.
  private func workspaceWithReleases() throws -> Workspace {
    var desired = try DesiredStateFixture.eqiad1()
    try desired.addKubernetesWork()
    let workspace = try Workspace.with(desired)
    try workspace.writeKubernetesSources()
    return workspace
  }

  @Test("on a fresh clone, with no clouds.yaml and no helm, a plan of releases without a refresh plans and warns")
  func realCloudOffline() async throws {
    let workspace = try workspaceWithReleases()
    let plan = try requireExit(
      0, try await workspace.run(["plan", "eqiad1", "--no-refresh"], environment: ["PATH": "/usr/bin:/bin"]))
    #expect(plan.stdout.contains("+ helm_release.127d.paws"), "\(plan)")
    #expect(plan.lastLine == "Plan: 9 to add, 0 to change, 0 to destroy.", "\(plan)")
    #expect(plan.stdout.contains("helm not found on PATH"), "\(plan)")
    #expect(plan.stdout.contains("cannot be applied from this machine"), "\(plan)")
    #expect(!plan.stderr.contains("interrupted apply"), "\(plan)")
  }

  @Test("with --simulate a plan of releases without a refresh needs neither helm nor the simulated cloud")
  func simulatedOffline() async throws {
    let workspace = try workspaceWithReleases()
    let plan = try requireExit(
      2, try await workspace.plan(["--no-refresh", "--detailed-exitcode"], environment: ["PATH": "/usr/bin:/bin"]))
    #expect(plan.lastLine == "Plan: 9 to add, 0 to change, 0 to destroy.", "\(plan)")
    #expect(!plan.stdout.contains("helm not found"), "\(plan)")
    #expect(plan.stderr.isEmpty, "\(plan)")
    #expect(!FileManager.default.fileExists(atPath: workspace.simulatedCloudFile()), "the simulated cloud was opened")
  }

  @Test("after an apply killed mid-way, a plan without a refresh says what it cannot settle, and plans")
  func interruptedApplyIsAWarning() async throws {
    let workspace = try Workspace.with(.eqiad1())
    let apply = try workspace.start(
      ["apply", "eqiad1", "--simulate", "--auto-approve"], environment: ["CUTOVER_SIMULATOR_BUILD_SECONDS": "30"])
    try await apply.waitForOutput("cluster.127d: Creating...", timeout: .seconds(60))
    try await apply.killAndWait()

    let plan = try requireExit(0, try await workspace.plan(["--no-refresh"]))
    #expect(plan.stderr.contains("an interrupted apply left actions"), "\(plan)")
    #expect(plan.stdout.contains("cluster.127d"), "\(plan)")
  }
}
