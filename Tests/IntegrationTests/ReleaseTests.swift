import CloudSimulator
import CutoverKit
import Foundation
import OpenStack
import TestSupport
import Testing

/// `helm_release.<gen>.<name>` and `manifest.<gen>.<name>` end to end on the simulator, which plays Helm.
@Suite("Helm releases and manifests")
struct ReleaseTests {
  /// A workspace with PAWS's manifest and releases, applied once.
  private func applied(_ edit: (inout DesiredStateFixture) throws -> Void = { _ in }) async throws -> Workspace {
    var desired = try DesiredStateFixture.eqiad1()
    try desired.addKubernetesWork()
    try edit(&desired)
    let workspace = try Workspace.with(desired)
    try workspace.writeKubernetesSources()
    try requireExit(0, try await workspace.apply())
    return workspace
  }

  @Test("the manifest, then the releases in declared order, then the proxies; the secret set: value is never shown")
  func firstApplyOrderAndSecrets() async throws {
    var desired = try DesiredStateFixture.eqiad1()
    try desired.addKubernetesWork()
    let workspace = try Workspace.with(desired)
    try workspace.writeKubernetesSources()
    let plan = try requireExit(0, try await workspace.plan())
    #expect(plan.stdout.contains("set_sensitive      = (sensitive)"), "\(plan)")
    #expect(plan.stdout.contains("\"hmac-sha256:"), "values files show by keyed digest: \(plan)")
    #expect(!plan.stdout.contains("\"sha256:"), "no plain digest of a file that may hold secrets: \(plan)")
    #expect(!plan.stdout.contains("not-a-real-one"), "a values file's content is never shown")

    let apply = try requireExit(0, try await workspace.apply())
    let order = [
      "manifest.127d.default-storageclass: Creation complete", "helm_release.127d.ingress-nginx: Creation complete",
      "helm_release.127d.paws: Creating", "helm_release.127d.paws: Creation complete",
      "helm_release.127d.prometheus: Creating", "web_proxy.hub-paws.wmcloud.org: Creating",
    ].map { apply.lineIndex(containing: $0) }
    #expect(order.allSatisfy { $0 != nil }, "\(apply)")
    #expect(order.compactMap { $0 } == order.compactMap { $0 }.sorted(), "out of order: \(apply)")

    let show = try requireExit(
      0, try await workspace.run(["state", "show", "eqiad1", "helm_release.127d.paws", "--simulate"]))
    let history = try requireExit(0, try await workspace.run(["state", "history", "eqiad1", "--simulate"]))
    for output in [plan.stdout, plan.stderr, apply.stdout, apply.stderr, show.stdout, history.stdout] {
      #expect(!output.contains(DesiredStateFixture.cookieSecret))
    }
    for file in ["state/eqiad1.sqlite", "state/eqiad1.simulated-cloud.sqlite"] {
      let data = try Data(contentsOf: URL(fileURLWithPath: workspace.path(file)))
      #expect(data.range(of: Data(DesiredStateFixture.cookieSecret.utf8)) == nil, "\(file) holds the secret")
      #expect(data.range(of: Data("not-a-real-one".utf8)) == nil, "\(file) holds a values file's content")
    }
    #expect(show.stdout.contains("revision"), "\(show)")
    try requireExit(0, try await workspace.plan(["--detailed-exitcode"]))
  }

  @Test("an edited values file plans an upgrade by digest; a saved plan made before the edit is refused")
  func valuesFileEdit() async throws {
    let workspace = try await applied()
    let saved = workspace.path("before.plan")
    try requireExit(0, try await workspace.plan(["--out", saved]))
    try workspace.writeKubernetesSources(productionValues: "jupyterhub:\n  singleuser:\n    memory: {limit: 4G}\n")
    let plan = try requireExit(2, try await workspace.plan(["--detailed-exitcode"]))
    #expect(plan.stdout.contains("~ helm_release.127d.paws"), "\(plan)")
    #expect(plan.stdout.contains("values_sha256"), "\(plan)")
    #expect(!plan.stdout.contains("4G"), "the content is never shown: \(plan)")
    #expect(plan.lastLine == "Plan: 0 to add, 1 to change, 0 to destroy.", "\(plan)")
    let stale = try requireExit(1, try await workspace.run(["apply", saved, "--simulate"]))
    #expect(stale.stderr.contains("saved plan is stale"), "\(stale)")
    let apply = try requireExit(0, try await workspace.apply())
    #expect(apply.stdout.contains("helm_release.127d.paws: Modifications complete"), "\(apply)")
    try requireExit(0, try await workspace.plan(["--detailed-exitcode"]))
  }

  @Test("a release that fails to install fails the apply with helm's message; nothing after it runs; then it heals")
  func failedInstall() async throws {
    var desired = try DesiredStateFixture.eqiad1()
    try desired.addKubernetesWork()
    let workspace = try Workspace.with(desired)
    try workspace.writeKubernetesSources()
    let failing = try requireExit(
      1, try await workspace.apply(environment: ["CUTOVER_SIMULATOR_FAIL_RELEASES": "paws"]))
    #expect(failing.stderr.contains("helm_release.127d.paws"), "\(failing)")
    #expect(failing.stderr.contains("INSTALLATION FAILED"), "\(failing)")
    #expect(!failing.stdout.contains("helm_release.127d.prometheus: Creating"), "\(failing)")
    #expect(!failing.stdout.contains("web_proxy.hub-paws.wmcloud.org: Creating"), "traffic never moved: \(failing)")

    let plan = try requireExit(2, try await workspace.plan(["--detailed-exitcode"]))
    #expect(plan.stdout.contains("+ helm_release.127d.paws"), "\(plan)")
    try requireExit(0, try await workspace.apply())
    try requireExit(0, try await workspace.plan(["--detailed-exitcode"]))
  }

  @Test("a release changed or removed by hand shows as drift, and the next apply deploys it again")
  func driftByHand() async throws {
    let workspace = try await applied()
    let cluster = try workspace.cluster("127d", in: try await workspace.cloudSnapshot())
    try await withSimulatedKubernetes(workspace) { driver in
      let target = KubernetesCluster(clusterID: cluster.uuid, kubeconfig: "/nonexistent")
      // `helm upgrade paws --set …` by hand: other values.
      _ = try await driver.deploy(
        ReleaseDeployment(
          request: HelmReleaseRequest(name: "paws", chart: "./paws", namespace: "prod"), valuesSHA256: "sha256:hand",
          setSHA256: "sha256:hand", workingDirectory: "/"), on: target, note: { _ in })
      // `helm upgrade ingress-nginx --version 4.15.0` by hand, same values.
      _ = try await driver.deploy(
        ReleaseDeployment(
          request: HelmReleaseRequest(
            name: "ingress-nginx", chart: "ingress-nginx/ingress-nginx", version: "4.15.0", namespace: "ingress-nginx"),
          valuesSHA256: "sha256:none", setSHA256: "sha256:none", workingDirectory: "/"), on: target, note: { _ in })
      // `helm uninstall prometheus -n metrics` by hand.
      try await driver.uninstall(name: "prometheus", namespace: "metrics", timeout: nil, on: target, note: { _ in })
    }
    let plan = try requireExit(2, try await workspace.plan(["--detailed-exitcode"]))
    #expect(
      plan.stdout.contains("values_on_cluster  = \"changed outside Cutover\" -> \"as deployed\""), "\(plan)")
    #expect(plan.stdout.contains("helm_release.127d.prometheus will be created"), "\(plan)")
    #expect(plan.stdout.contains("version            = \"4.15.0\" -> \"4.14.3\""), "\(plan)")
    try requireExit(0, try await workspace.apply())
    try requireExit(0, try await workspace.plan(["--detailed-exitcode"]))
  }

  @Test("a values file or manifest that does not exist is an invalid desired state at its line and column")
  func missingFiles() async throws {
    var desired = try DesiredStateFixture.eqiad1()
    try desired.addKubernetesWork()
    let workspace = try Workspace.with(desired)
    try workspace.writeKubernetesSources()
    try FileManager.default.removeItem(atPath: workspace.path("paws/secrets.yaml"))
    try FileManager.default.removeItem(atPath: workspace.path("paws/manifests/default-storageclass.yaml"))
    let result = try requireExit(65, try await workspace.plan())
    let values = try desired.position(of: "paws/secrets.yaml")
    let manifest = try desired.position(of: "paws/manifests/default-storageclass.yaml")
    #expect(
      result.stderr.contains(
        "clusters/eqiad1.yaml:\(values.line):\(values.column): generations.127d.releases[1].values[0]: values file "
          + "'paws/secrets.yaml': no such file"), "\(result)")
    #expect(
      result.stderr.contains("clusters/eqiad1.yaml:\(manifest.line):\(manifest.column):"), "\(result)")
    #expect(!FileManager.default.fileExists(atPath: workspace.stateFile()), "nothing was recorded")
  }

  @Test("retiring a generation uninstalls its releases and manifest before deleting its cluster")
  func retireOrder() async throws {
    let workspace = try await applied { try $0.setGenerations([("127d", "{}"), ("128a", "{}")]) }
    let retired = try requireExit(
      0, try await workspace.generation(["retire", "eqiad1", "128a", "--auto-approve"]))
    let releases = retired.lineIndex(containing: "helm_release.128a.paws: Destruction complete")
    let manifest = retired.lineIndex(containing: "manifest.128a.default-storageclass: Destruction complete")
    let cluster = retired.lineIndex(containing: "cluster.128a: Destroying")
    #expect(releases != nil && manifest != nil && cluster != nil, "\(retired)")
    #expect((releases ?? .max) < (cluster ?? 0) && (manifest ?? .max) < (cluster ?? 0), "\(retired)")
  }

  /// Runs `body` with the simulator's Kubernetes side of the workspace's cloud, as an operator's own helm would
  /// reach it.
  private func withSimulatedKubernetes(
    _ workspace: Workspace, _ body: (any KubernetesDriver) async throws -> Void
  ) async throws {
    var configuration = SimulatorConfiguration(
      databasePath: workspace.simulatedCloudFile(), buildSeconds: 0, project: "paws")
    configuration.ingressPort = nil
    try await SimulatedCloud.withSimulator(configuration) { _, connection in
      try await body(connection.clients.kubernetes)
    }
  }
}
