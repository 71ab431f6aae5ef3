import Foundation
import TestSupport
import Testing

@Suite("a real cloud with no configuration")
struct CloudConfigTests {
  // Each run searches the workspace's empty stand-in for /etc/openstack (`CUTOVER_OPENSTACK_SYSTEM_DIR`), so the
  // test runs, and means the same, on a machine with a system-wide clouds.yaml.
  @Test("plan without --simulate and with no clouds.yaml anywhere exits 1 naming the cloud, before any call")
  func missingCloudsYAML() async throws {
    let workspace = try Workspace.with(.eqiad1())
    // The workspace already runs with HOME inside it, in its own folder, and without any OS_* variable.
    let plan = try requireExit(1, try await workspace.run(["plan", "eqiad1"], timeout: .seconds(120)))
    let firstLine = try #require(plan.stderrLines.first)
    #expect(firstLine.hasPrefix("error: "), "\(plan)")
    #expect(firstLine.contains("'eqiad1'"), "\(plan)")
    #expect(firstLine.contains("no clouds.yaml exists"), "\(plan)")
    #expect(firstLine.contains(workspace.systemCloudConfiguration.path + "/clouds.yaml"), "\(plan)")
    #expect(!firstLine.contains("/etc/openstack"), "the machine's own directory is not searched: \(plan)")
    // Waiting on a network would take a 10 s connect timeout per attempt, six attempts. Starting the debug binary
    // while every other suite starts takes up to 23 s here: the bound is well above that and below those waits.
    #expect(plan.duration < .seconds(50), "a run that needs no network must not wait on one: \(plan)")
    #expect(!FileManager.default.fileExists(atPath: workspace.stateFile()), "nothing may be written")
    #expect(!FileManager.default.fileExists(atPath: workspace.simulatedCloudFile()))
  }

  @Test("the system-wide clouds.yaml is searched where CUTOVER_OPENSTACK_SYSTEM_DIR says")
  func systemDirectoryIsIsolated() async throws {
    let workspace = try Workspace.with(.eqiad1())
    let system = workspace.systemCloudConfiguration.path + "/clouds.yaml"
    try Data("clouds:\n  codfw1dev: {auth_type: v3applicationcredential}\n".utf8)
      .write(to: URL(fileURLWithPath: system))
    let plan = try requireExit(1, try await workspace.run(["plan", "eqiad1"], timeout: .seconds(30)))
    #expect(plan.stderrLines.first?.contains("not found in \(system) (it defines codfw1dev)") == true, "\(plan)")
  }
}
