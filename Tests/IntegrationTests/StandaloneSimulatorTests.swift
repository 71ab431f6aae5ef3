import Foundation
import TestSupport
import Testing

@Suite("the standalone simulator")
struct StandaloneSimulatorTests {
  @Test("`simulator serve --clouds-yaml` is reached like a real cloud: apply with --cloud simulator, no --simulate")
  func applyThroughCloudsYAML() async throws {
    let workspace = try Workspace.with(.eqiad1())
    let cloudsYAML = workspace.path("clouds.yaml")
    let server = try workspace.start(
      ["simulator", "serve", "--port", "0", "--database", workspace.path("cloud.sqlite"), "--clouds-yaml", cloudsYAML],
      environment: ["CUTOVER_SIMULATOR_BUILD_SECONDS": "0"])
    try await server.waitForOutput("Ctrl-C stops it.", timeout: .seconds(60))
    #expect(try workspace.permissions("clouds.yaml") == 0o600)

    let real = ["OS_CLIENT_CONFIG_FILE": cloudsYAML]
    let apply = try requireExit(
      0, try await workspace.run(["apply", "eqiad1", "--cloud", "simulator", "--auto-approve"], environment: real))
    #expect(
      apply.lastLine?.hasPrefix("Apply complete! Resources: 5 added, 0 changed, 0 destroyed.") == true, "\(apply)")
    // OS_CLOUD chooses the cloud as --cloud does, over the file's `cloud: eqiad1`.
    let plan = try requireExit(
      0,
      try await workspace.run(
        ["plan", "eqiad1", "--detailed-exitcode"], environment: real.merging(["OS_CLOUD": "simulator"]) { $1 }))
    #expect(plan.stdout.contains("No changes."), "\(plan)")
    _ = try await server.killAndWait()
  }

  @Test("`--clouds-yaml` never overwrites an existing file, such as the operator's own clouds.yaml")
  func existingCloudsYAMLIsKept() async throws {
    let workspace = try Workspace.with(.eqiad1())
    let existing = "clouds:\n  eqiad1: {auth_type: v3applicationcredential}\n"
    try existing.write(toFile: workspace.path("clouds.yaml"), atomically: true, encoding: .utf8)
    let server = try await workspace.run(
      ["simulator", "serve", "--port", "0", "--clouds-yaml", workspace.path("clouds.yaml")], timeout: .seconds(30))
    try requireExit(64, server)
    #expect(server.stderr.contains("already exists"), "\(server)")
    #expect(try String(contentsOfFile: workspace.path("clouds.yaml"), encoding: .utf8) == existing)
  }

  @Test("against a real cloud, releases need helm and kubectl: without them the plan warns and apply refuses")
  func releasesNeedHelm() async throws {
    var desired = try DesiredStateFixture.eqiad1()
    try desired.addKubernetesWork()
    let workspace = try Workspace.with(desired)
    try workspace.writeKubernetesSources()
    let cloudsYAML = workspace.path("clouds.yaml")
    let server = try workspace.start(
      ["simulator", "serve", "--port", "0", "--database", workspace.path("cloud.sqlite"), "--clouds-yaml", cloudsYAML],
      environment: ["CUTOVER_SIMULATOR_BUILD_SECONDS": "0"])
    try await server.waitForOutput("Ctrl-C stops it.", timeout: .seconds(60))
    // A PATH with neither helm nor kubectl on it.
    let empty = workspace.path("empty-bin")
    try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
    let real = ["OS_CLIENT_CONFIG_FILE": cloudsYAML, "PATH": empty]

    let plan = try requireExit(
      0, try await workspace.run(["plan", "eqiad1", "--cloud", "simulator"], environment: real))
    #expect(plan.stdout.contains("helm not found on PATH"), "\(plan)")
    #expect(plan.stdout.contains("cannot be applied from this machine"), "\(plan)")
    let apply = try requireExit(
      1, try await workspace.run(["apply", "eqiad1", "--cloud", "simulator", "--auto-approve"], environment: real))
    #expect(apply.stderr.contains("cannot apply: helm not found on PATH"), "\(apply)")
    #expect(apply.stderr.contains("nothing was changed"), "\(apply)")
    _ = try await server.killAndWait()
    let snapshot = try await SimulatedCloud.snapshot(databasePath: workspace.path("cloud.sqlite"))
    #expect(snapshot.clusters.isEmpty, "nothing was created")
  }

  @Test("against a real cloud, releases deploy through helm and kubectl on PATH; a plan where they are missing says so")
  func releasesThroughHelmThenNoHelm() async throws {
    var desired = try DesiredStateFixture.eqiad1()
    try desired.addKubernetesWork()
    let workspace = try Workspace.with(desired)
    try workspace.writeKubernetesSources()
    let cloudsYAML = workspace.path("clouds.yaml")
    let server = try workspace.start(
      ["simulator", "serve", "--port", "0", "--database", workspace.path("cloud.sqlite"), "--clouds-yaml", cloudsYAML],
      environment: ["CUTOVER_SIMULATOR_BUILD_SECONDS": "0"])
    try await server.waitForOutput("Ctrl-C stops it.", timeout: .seconds(60))
    // Stand-ins that answer as helm 3.16 and kubectl 1.28 do, with every release deployed at revision 1.
    let bin = workspace.path("tools")
    try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
    let scripts = [
      "helm": """
      #!/bin/sh
      case "$1" in
        version) echo v3.16.2 ;;
        status) echo "{\\"name\\":\\"$2\\",\\"namespace\\":\\"$4\\",\\"version\\":1,\\"info\\":{\\"status\\":\\"deployed\\"}}" ;;
        get) echo '{}' ;;
        *) echo "helm $1 done" ;;
      esac
      """,
      "kubectl": """
      #!/bin/sh
      case " $* " in
        *" version "*) echo '{"clientVersion":{"major":"1","minor":"28","gitVersion":"v1.28.15"}}' ;;
        *" get "*) echo "storageclass.storage.k8s.io/standard" ;;
        *) echo "storageclass.storage.k8s.io/standard serverside-applied" ;;
      esac
      """,
    ]
    for (name, text) in scripts {
      try Data(text.utf8).write(to: URL(fileURLWithPath: bin + "/" + name))
      chmod(bin + "/" + name, 0o755)
    }
    let withTools = ["OS_CLIENT_CONFIG_FILE": cloudsYAML, "PATH": bin + ":/usr/bin:/bin"]
    let apply = try requireExit(
      0, try await workspace.run(["apply", "eqiad1", "--cloud", "simulator", "--auto-approve"], environment: withTools))
    #expect(apply.stdout.contains("helm_release.127d.paws: Creation complete"), "\(apply)")

    let empty = workspace.path("empty-bin")
    try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
    let plan = try requireExit(
      0,
      try await workspace.run(
        ["plan", "eqiad1", "--cloud", "simulator"], environment: ["OS_CLIENT_CONFIG_FILE": cloudsYAML, "PATH": empty]))
    #expect(plan.stdout.contains("releases and manifests were not read from their clusters"), "\(plan)")
    #expect(plan.stdout.contains("No changes."), "\(plan)")
    _ = try await server.killAndWait()
  }
}
