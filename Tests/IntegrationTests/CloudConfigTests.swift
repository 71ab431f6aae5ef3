import Foundation
import TestSupport
import Testing

@Suite("a real cloud with no configuration")
struct CloudConfigTests {
  @Test(
    "plan without --simulate and with no clouds.yaml anywhere exits 1 naming the cloud, before any call",
    .enabled(
      if: !FileManager.default.fileExists(atPath: "/etc/openstack/clouds.yaml")
        && !FileManager.default.fileExists(atPath: "/etc/openstack/clouds.yml"),
      "this machine has a system-wide clouds.yaml"))
  func missingCloudsYAML() async throws {
    let workspace = try Workspace.with(.eqiad1())
    // The workspace already runs with HOME inside it, in its own folder, and without any OS_* variable.
    let plan = try requireExit(1, try await workspace.run(["plan", "eqiad1"], timeout: .seconds(30)))
    let firstLine = try #require(plan.stderrLines.first)
    #expect(firstLine.hasPrefix("error: "), "\(plan)")
    #expect(firstLine.contains("'eqiad1'"), "\(plan)")
    #expect(plan.stderr.contains("clouds.yaml"), "\(plan)")
    #expect(plan.duration < .seconds(20), "a run that needs no network must not wait on one: \(plan)")
    #expect(!FileManager.default.fileExists(atPath: workspace.stateFile()), "nothing may be written")
    #expect(!FileManager.default.fileExists(atPath: workspace.simulatedCloudFile()))
  }
}
