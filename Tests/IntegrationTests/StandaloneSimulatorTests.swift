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

  /// The README's exit codes: a plan needing helm it cannot find is not a failure (0, or 2 for its changes with
  /// `--detailed-exitcode`); its apply is (1), before anything changes.
  @Test("against a real cloud, releases need helm and kubectl: without them the plan warns and apply refuses")
  func releasesNeedHelm() async throws {
    let (workspace, server, cloudsYAML) = try await Workspace.withReleasesOnStandaloneCloud()
    // A PATH with neither helm nor kubectl on it.
    let empty = workspace.path("empty-bin")
    try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
    let real = ["OS_CLIENT_CONFIG_FILE": cloudsYAML, "PATH": empty]

    let plan = try requireExit(
      0, try await workspace.run(["plan", "eqiad1", "--cloud", "simulator"], environment: real))
    #expect(plan.stdout.contains("helm not found on PATH"), "\(plan)")
    #expect(plan.stdout.contains("cannot be applied from this machine"), "\(plan)")
    let detailed = try requireExit(
      2, try await workspace.run(["plan", "eqiad1", "--cloud", "simulator", "--detailed-exitcode"], environment: real))
    #expect(detailed.stdout.contains("helm not found on PATH"), "\(detailed)")
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
    let (workspace, server, cloudsYAML) = try await Workspace.withReleasesOnStandaloneCloud()
    // Stand-ins that answer as helm 3.16 and kubectl 1.28 do, with every release deployed at revision 1, and write
    // each command line they are given to one log, in the order they ran (a line each: the tool, then its arguments,
    // tab-separated).
    let bin = workspace.path("tools")
    try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
    let log = workspace.path("tools.log")
    let scripts = [
      "helm": """
      #!/bin/sh
      { printf 'helm\\t'; printf '%s\\t' "$@"; printf '\\n'; } >> '\(log)'
      case "$1" in
        version) echo v3.16.2 ;;
        status) echo "{\\"name\\":\\"$2\\",\\"namespace\\":\\"$4\\",\\"version\\":1,\\"info\\":{\\"status\\":\\"deployed\\"}}" ;;
        get) echo '{}' ;;
        *) echo "helm $1 done" ;;
      esac
      """,
      "kubectl": """
      #!/bin/sh
      { printf 'kubectl\\t'; printf '%s\\t' "$@"; printf '\\n'; } >> '\(log)'
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

    // What helm and kubectl were asked to do, as the README says: each release installed or upgraded with the
    // generation's own kubeconfig, in the declared order, the manifest applied server-side before them.
    let commands = try Self.commandLines(log)
    let helm = commands.filter { $0.first == "helm" }.map { Array($0.dropFirst()) }
    let upgrades = helm.filter { $0.starts(with: ["upgrade", "--install"]) }
    #expect(upgrades.map { $0[2] } == ["ingress-nginx", "paws", "prometheus"], "\(helm)")
    let kubeconfig = workspace.path("state/eqiad1/kube/127d.config")
    for upgrade in upgrades {
      #expect(
        Self.value(of: "--kubeconfig", in: upgrade).map { Self.absolute($0, in: workspace) } == kubeconfig, "\(upgrade)"
      )
    }
    let ingress = try #require(upgrades.first { $0[2] == "ingress-nginx" })
    #expect(ingress[3] == "ingress-nginx/ingress-nginx", "\(ingress)")
    #expect(Self.value(of: "--namespace", in: ingress) == "ingress-nginx", "\(ingress)")
    #expect(Self.value(of: "--version", in: ingress) == "4.14.3", "\(ingress)")
    #expect(Self.values(of: "--set-json", in: ingress).contains("controller.service.enableHttps=false"), "\(ingress)")
    #expect(Self.values(of: "--set-json", in: ingress).contains("controller.service.nodePorts.http=30001"))
    #expect(ingress.contains("--wait"), "\(ingress)")
    let paws = try #require(upgrades.first { $0[2] == "paws" })
    #expect(Self.absolute(paws[3], in: workspace) == workspace.path("paws"), "\(paws)")
    #expect(Self.value(of: "--namespace", in: paws) == "prod", "\(paws)")
    #expect(Self.value(of: "--timeout", in: paws) == "50m0s", "\(paws)")
    let valuesFiles = Self.values(of: "-f", in: paws).map { Self.absolute($0, in: workspace) }
    #expect(
      Array(valuesFiles.prefix(2)) == [workspace.path("paws/secrets.yaml"), workspace.path("paws/production.yaml")],
      "\(paws)")
    #expect(valuesFiles.count == 3, "the secret set: value goes in a private values file: \(paws)")
    #expect(!paws.joined(separator: " ").contains(DesiredStateFixture.cookieSecret), "\(paws)")
    #expect(
      helm.contains {
        $0.starts(with: ["dependency", "update"]) && Self.absolute($0[2], in: workspace) == workspace.path("paws")
      })

    let kubectl = commands.filter { $0.first == "kubectl" }.map { Array($0.dropFirst()) }
    let applied = try #require(kubectl.first { $0.contains("apply") }, "\(kubectl)")
    let appliedAt = try #require(commands.firstIndex { $0.first == "kubectl" && $0.contains("apply") })
    let firstUpgrade = try #require(commands.firstIndex { $0.starts(with: ["helm", "upgrade"]) })
    #expect(appliedAt < firstUpgrade, "the manifest is applied before the releases: \(commands)")
    #expect(
      Self.value(of: "--kubeconfig", in: applied).map { Self.absolute($0, in: workspace) } == kubeconfig, "\(applied)")
    #expect(applied.contains("--server-side") && applied.contains("--field-manager=cutover"), "\(applied)")
    #expect(
      Self.value(of: "-f", in: applied).map { Self.absolute($0, in: workspace) }
        == workspace.path("paws/manifests/default-storageclass.yaml"), "\(applied)")

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

  // MARK: - The stand-ins' logs

  /// Each command line the stand-ins logged, split into the tool and its arguments.
  private static func commandLines(_ log: String) throws -> [[String]] {
    try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map { line in
      line.split(separator: "\t", omittingEmptySubsequences: false).dropLast().map(String.init)
    }
  }

  /// The argument after the first `flag`.
  private static func value(of flag: String, in arguments: [String]) -> String? {
    values(of: flag, in: arguments).first
  }

  /// The argument after each `flag`.
  private static func values(of flag: String, in arguments: [String]) -> [String] {
    arguments.indices.dropLast().filter { arguments[$0] == flag }.map { arguments[$0 + 1] }
  }

  /// A path `cutover` passed, made absolute: it runs in the workspace's work folder, and may pass paths relative
  /// to it.
  private static func absolute(_ path: String, in workspace: Workspace) -> String {
    path.hasPrefix("/") ? path : workspace.path(path.hasPrefix("./") ? String(path.dropFirst(2)) : path)
  }
}
