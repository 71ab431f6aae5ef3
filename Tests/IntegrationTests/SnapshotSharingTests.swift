import Foundation
import OpenStack
import TestSupport
import Testing

/// The state shared through object storage, as PAWS's operators and CI use it: clone A applies with `state.publish`
/// set and publishes; clone B, with no state, plans against the snapshot; clone C pulls it and carries on.
@Suite("state snapshots in object storage")
struct SnapshotSharingTests {
  /// `state: {publish: {container: paws-state}}` appended to the eqiad1 fixture with its releases and manifest.
  private static func publishingFixture() throws -> DesiredStateFixture {
    var desired = try DesiredStateFixture.eqiad1()
    try desired.addKubernetesWork()
    return DesiredStateFixture(text: desired.text + "state:\n  publish:\n    container: paws-state\n")
  }

  /// The `OS_*` variables that say what `cloud` in `cloudsYAML` says, as a CI job sets them from its secrets.
  private static func variables(ofCloud cloud: String, in cloudsYAML: String) throws -> [String: String] {
    let config = try CloudConfigLoader.load(
      cloud: cloud, environment: ["OS_CLIENT_CONFIG_FILE": cloudsYAML], currentDirectory: "/nonexistent",
      homeDirectory: "/nonexistent")
    guard case .applicationCredential(let id?, _, let secret, _, _, _) = config.auth else {
      Issue.record("the simulator's clouds.yaml names no application credential by id: \(config)")
      return [:]
    }
    var variables = [
      "OS_AUTH_URL": config.authURL, "OS_AUTH_TYPE": "v3applicationcredential",
      "OS_APPLICATION_CREDENTIAL_ID": id, "OS_APPLICATION_CREDENTIAL_SECRET": secret,
    ]
    variables["OS_REGION_NAME"] = config.regionName
    variables["OS_CACERT"] = config.cacertPath
    return variables
  }

  private static func clone(_ desired: DesiredStateFixture) throws -> Workspace {
    let workspace = try Workspace.with(desired)
    try workspace.writeKubernetesSources()
    return workspace
  }

  @Test(
    "A applies and publishes; B plans from the snapshot with no state (0, then 2 for 6 workers); C pulls; the real CLI reads the container"
  )
  func threeClones() async throws {
    let desired = try Self.publishingFixture()
    let a = try Self.clone(desired)
    let cloudsYAML = a.path("clouds.yaml")
    let server = try a.start(
      [
        "simulator", "serve", "--port", "0", "--database", a.path("cloud.sqlite"), "--clouds-yaml", cloudsYAML,
        "--play-kubernetes",
      ])
    try await server.waitForOutput("Ctrl-C stops it.", timeout: .seconds(60))
    let cloud = ["OS_CLIENT_CONFIG_FILE": cloudsYAML]

    let apply = try requireExit(
      0, try await a.run(["apply", "eqiad1", "--cloud", "simulator", "--auto-approve"], environment: cloud))
    #expect(!apply.stderr.contains("could not publish"), "\(apply)")
    let history = try requireExit(0, try await a.run(["state", "history", "eqiad1"]))
    #expect(history.stdout.contains("`cutover apply eqiad1` published serial"), "\(history)")
    // CI holds the digest key as a secret; the key is never published.
    let key = try String(contentsOfFile: a.path("state/eqiad1/digest.key"), encoding: .utf8)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let ci = cloud.merging(["CUTOVER_DIGEST_KEY": key]) { $1 }

    let b = try Self.clone(desired)
    let preview = ["plan", "eqiad1", "--cloud", "simulator", "--from-snapshot", "--no-refresh", "--detailed-exitcode"]
    let same = try requireExit(0, try await b.run(preview, environment: ci))
    #expect(same.stderr.contains("Planning against the snapshot of eqiad1: serial"), "\(same)")
    #expect(same.stdout.contains("No changes."), "\(same)")
    #expect(!FileManager.default.fileExists(atPath: b.path("state")), "a plan from a snapshot writes nothing")

    var resized = desired
    try resized.setDefaultWorkers(6)
    try b.writeDesiredState(resized.text)
    let markdown = try requireExit(2, try await b.run(preview + ["--format", "markdown"], environment: ci))
    #expect(markdown.stdout.contains("| 🔄 update | `cluster.127d` |"), "\(markdown)")
    #expect(markdown.stdout.contains("serial"), "the summary names the snapshot planned against: \(markdown)")
    // The workflow's way: no clouds.yaml, the credential in OS_* variables, `--cloud envvars`.
    let variables = try Self.variables(ofCloud: "simulator", in: cloudsYAML).merging(
      ["CUTOVER_DIGEST_KEY": key]) { $1 }
    let fromVariables = try requireExit(
      2,
      try await b.run(
        ["plan", "eqiad1", "--cloud", "envvars", "--from-snapshot", "--no-refresh", "--detailed-exitcode"],
        environment: variables))
    #expect(fromVariables.stdout.contains("cluster.127d"), "\(fromVariables)")

    let c = try Self.clone(desired)
    let pull = try requireExit(
      0, try await c.run(["state", "pull", "eqiad1", "--cloud", "simulator"], environment: ci))
    #expect(pull.stdout.contains("Pulled eqiad1 serial"), "\(pull)")
    let plan = try requireExit(
      0, try await c.run(["plan", "eqiad1", "--cloud", "simulator", "--detailed-exitcode"], environment: ci))
    #expect(plan.stdout.contains("No changes."), "\(plan)")
    // C's kubeconfig apply published C's state: pulling again changes nothing.
    let again = try requireExit(
      0, try await c.run(["state", "pull", "eqiad1", "--cloud", "simulator"], environment: ci))
    #expect(again.stdout.contains("already is the snapshot's state"), "\(again)")
    // A first plan of B's own makes a state that records nothing: it neither publishes over A's nor keeps a pull
    // out.
    try b.writeDesiredState(desired.text)
    try requireExit(0, try await b.run(["plan", "eqiad1", "--cloud", "simulator", "--no-refresh"], environment: ci))
    let first = try requireExit(
      0, try await b.run(["state", "pull", "eqiad1", "--cloud", "simulator"], environment: ci))
    #expect(first.stdout.contains("Pulled eqiad1 serial"), "\(first)")
    // A local state of another lineage with something in it (B applied to a cloud of its own) is kept unless --force,
    // and never published over the container's.
    try FileManager.default.removeItem(atPath: b.stateFile())
    try requireExit(0, try await b.apply())
    let diverged = try requireExit(
      1, try await b.run(["state", "publish", "eqiad1", "--cloud", "simulator"], environment: ci))
    #expect(diverged.stderr.contains("holds another state of eqiad1"), "\(diverged)")
    let other = try requireExit(
      1, try await b.run(["state", "pull", "eqiad1", "--cloud", "simulator"], environment: ci))
    #expect(other.stderr.contains("holds another state"), "\(other)")
    try requireExit(
      0, try await b.run(["state", "pull", "eqiad1", "--cloud", "simulator", "--force"], environment: ci))

    // The real openstack CLI reads what Cutover published.
    let cli: OpenStackCLI
    do {
      cli = try OpenStackCLI(cloudsYAML: cloudsYAML, cloud: "simulator", home: a.home)
    } catch {
      Issue.record("\(error)")
      throw error
    }
    let containers = try await cli.run(["container", "list", "-f", "value"])
    #expect(containers.exitCode == 0 && containers.stdout.contains("paws-state"), "\(containers)")
    let objects = try await cli.run(["object", "list", "paws-state", "--prefix", "eqiad1/", "-f", "value"])
    #expect(objects.exitCode == 0 && objects.stdout.contains("eqiad1/index.json"), "\(objects)")
    #expect(objects.stdout.contains("eqiad1/snapshots/"), "\(objects)")
    let saved = a.path("index.json")
    let save = try await cli.run(["object", "save", "paws-state", "eqiad1/index.json", "--file", saved])
    #expect(save.exitCode == 0, "\(save)")
    let index = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: saved)))
    #expect((index as? [String: Any])?["environment"] as? String == "eqiad1", "\(index)")
    _ = try await server.killAndWait()
  }

  @Test("a publish that fails warns and is recorded, the apply's exit code stands, and the next command publishes")
  func failedPublish() async throws {
    let workspace = try Workspace.with(
      DesiredStateFixture(text: try DesiredStateFixture.eqiad1().text + "state:\n  publish:\n    container: snaps\n"))
    // An object store nobody answers at (port 9 of loopback: discard, closed here).
    let nowhere = ["OS_STORAGE_URL": "http://127.0.0.1:9/v1/AUTH_paws", "OS_AUTH_TOKEN": "a-token-never-printed"]
    let apply = try requireExit(0, try await workspace.apply(environment: nowhere))
    #expect(apply.stderr.contains("could not publish the state to container 'snaps'"), "\(apply)")
    #expect(apply.stderr.contains("the next command publishes again"), "\(apply)")
    #expect(!apply.stderr.contains("a-token-never-printed") && !apply.stdout.contains("a-token-never-printed"))
    let failed = try requireExit(0, try await workspace.run(["state", "history", "eqiad1"]))
    #expect(failed.stdout.contains("could not publish serial"), "\(failed)")

    // The next locked command, with the simulated cloud's own object store, publishes what the failure left behind.
    let plan = try requireExit(0, try await workspace.plan())
    #expect(!plan.stderr.contains("could not publish"), "\(plan)")
    let history = try requireExit(0, try await workspace.run(["state", "history", "eqiad1"]))
    #expect(history.stdout.contains("`cutover plan eqiad1` published serial"), "\(history)")
    let publish = try requireExit(0, try await workspace.run(["state", "publish", "eqiad1", "--simulate"]))
    #expect(publish.stdout.hasPrefix("Published eqiad1 serial"), "\(publish)")
  }

  @Test("without state.publish, --from-snapshot and state pull say what to add; a bad container name is invalid")
  func notConfigured() async throws {
    let workspace = try Workspace.with(try DesiredStateFixture.eqiad1())
    let plan = try requireExit(
      64, try await workspace.run(["plan", "eqiad1", "--simulate", "--from-snapshot", "--no-refresh"]))
    #expect(plan.stderr.contains("names no container (`state: {publish: {container: NAME}}`)"), "\(plan)")
    let pull = try requireExit(64, try await workspace.run(["state", "pull", "eqiad1", "--simulate"]))
    #expect(pull.stderr.contains("names no container to pull from"), "\(pull)")

    try workspace.writeDesiredState(
      try DesiredStateFixture.eqiad1().text + "state:\n  publish:\n    container: a/b\n  backup: yes\n")
    let validate = try requireExit(65, try await workspace.run(["validate", "eqiad1"]))
    #expect(validate.stderr.contains("state.publish.container: 'a/b' is not a Swift container name"), "\(validate)")
    #expect(validate.stderr.contains("backup"), "\(validate)")
  }
}
