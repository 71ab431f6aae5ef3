import Foundation
import TestSupport
import Testing

@Suite("cutover generation new")
struct GenerationNewTests {
  @Test("adds 127e after 127d, changing nothing else; the next plan creates its template, cluster and kubeconfig")
  func addsNextGeneration() async throws {
    let desired = try DesiredStateFixture.eqiad1()
    let workspace = try Workspace.with(desired)
    try requireExit(0, try await workspace.apply())

    let result = try requireExit(0, try await workspace.run(["generation", "new", "eqiad1"]))
    #expect(
      result.stdout
        == "added generation 127e to clusters/eqiad1.yaml (a copy of 127d's settings); next: cutover plan eqiad1\n",
      "\(result)")
    var expected = desired
    try expected.insert("  127e: {}", after: "  127d: {}")
    #expect(try desiredText(workspace) == expected.text)

    let plan = try requireExit(0, try await workspace.plan(["--no-refresh"]))
    for address in ["cluster_template.127e", "cluster.127e", "kubeconfig.127e"] {
      #expect(plan.stdout.contains("# \(address) will be created"), "\(plan)")
    }
    #expect(plan.stdout.contains("0 to change, 0 to destroy"), "\(plan)")
    #expect(!plan.stdout.contains("127d"), "the live generation is left as it is: \(plan)")
    #expect(!plan.stdout.contains("web_proxy"), "the new generation is not live: \(plan)")
  }

  @Test("--dry-run prints the inserted lines with their line numbers and writes nothing")
  func dryRun() async throws {
    let desired = try DesiredStateFixture.eqiad1()
    let workspace = try Workspace.with(desired)
    let result = try requireExit(0, try await workspace.run(["generation", "new", "eqiad1", "--dry-run"]))
    let line = try desired.position(of: "  127d: {}").line + 1
    #expect(result.stdout.contains("would add generation 127e to clusters/eqiad1.yaml"), "\(result)")
    #expect(result.stdoutLines.contains("+ \(line):   127e: {}"), "\(result)")
    #expect(try desiredText(workspace) == desired.text)
  }

  @Test("--from and --id choose the copy and the id; --clusters finds the file from another directory")
  func fromAndID() async throws {
    var desired = try DesiredStateFixture.eqiad1()
    try desired.setGenerations([("127d", "{}"), ("128a", "{cluster: {workers: 6}}")])
    let workspace = try Workspace.with(desired)
    let clusters = workspace.path("clusters")
    let result = try requireExit(
      0,
      try await workspace.run(
        ["generation", "new", "eqiad1", "--from", "128a", "--id", "128a-big", "--clusters", clusters],
        workingDirectory: workspace.home))
    #expect(
      result.stdout.hasPrefix("added generation 128a-big to \(clusters)/eqiad1.yaml (a copy of 128a's settings)"),
      "\(result)")
    var expected = desired
    try expected.insert("  128a-big: {cluster: {workers: 6}}", after: "  128a: {cluster: {workers: 6}}")
    #expect(try desiredText(workspace) == expected.text)
    try requireExit(0, try await workspace.run(["validate", "eqiad1"]))
  }

  @Test("--id naming an existing generation is refused with exit 64, and the file is unchanged")
  func existingID() async throws {
    let desired = try DesiredStateFixture.eqiad1()
    let workspace = try Workspace.with(desired)
    let result = try requireExit(64, try await workspace.run(["generation", "new", "eqiad1", "--id", "127d"]))
    #expect(result.stderr.contains("--id 127d"), "\(result)")
    #expect(result.stderr.contains("already exists"), "\(result)")
    #expect(result.stdout.isEmpty, "\(result)")
    #expect(try desiredText(workspace) == desired.text)
  }

  @Test("an invalid file exits 65 with the loader's file:line:col diagnostics, and is left unchanged")
  func brokenFile() async throws {
    var desired = try DesiredStateFixture.eqiad1()
    try desired.insert("lvie: 128a", after: "live: 127d")
    let workspace = try Workspace.with(desired)
    let result = try requireExit(65, try await workspace.run(["generation", "new", "eqiad1"]))
    let position = try desired.position(of: "lvie")
    #expect(
      result.stderr.contains("clusters/eqiad1.yaml:\(position.line):\(position.column):"), "\(result)")
    #expect(result.stderr.contains("unknown key 'lvie'"), "\(result)")
    #expect(try desiredText(workspace) == desired.text)

    let missing = try requireExit(65, try await workspace.run(["generation", "new", "codfw1dev"]))
    #expect(missing.stderr.contains("clusters/codfw1dev.yaml"), "\(missing)")
  }

  private func desiredText(_ workspace: Workspace) throws -> String {
    try String(contentsOfFile: workspace.desiredStateFile(), encoding: .utf8)
  }
}
