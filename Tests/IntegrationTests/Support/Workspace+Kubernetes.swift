import Foundation
import TestSupport
import Testing

extension DesiredStateFixture {
  /// The manifest and releases PAWS deploys into every generation (the shipped `clusters/eqiad1.yaml`'s), added to
  /// `defaults`; ``Workspace/writeKubernetesSources()`` writes the files they name.
  mutating func addKubernetesWork() throws {
    let index = try lineIndex { $0 == "    create_timeout: 60m" }
    insertLines(
      [
        "  manifests:",
        "    - {name: default-storageclass, file: paws/manifests/default-storageclass.yaml}",
        "  releases:",
        "    - name: ingress-nginx",
        "      chart: ingress-nginx/ingress-nginx",
        "      version: 4.14.3",
        "      namespace: ingress-nginx",
        "      set:",
        "        controller.service.type: NodePort",
        "        controller.service.enableHttps: false",
        "        controller.service.nodePorts.http: 30001",
        "        controller.config.proxy-body-size: 4m",
        "    - name: paws",
        "      chart: ./paws",
        "      namespace: prod",
        "      dependency_update: true",
        "      values: [paws/secrets.yaml, paws/production.yaml]",
        "      set: {jupyterhub.hub.cookieSecret: \(Self.cookieSecret)}",
        "      timeout: 50m",
        "    - name: prometheus",
        "      chart: prometheus-community/prometheus",
        "      version: 25.26.0",
        "      namespace: metrics",
      ], after: index)
  }

  /// A `set:` value the tests check never leaks into plans, state or output.
  static let cookieSecret = "5f1c0ffee5ecret0ba5ed"
}

extension Workspace {
  /// Writes the files ``DesiredStateFixture/addKubernetesWork()`` names, beside `clusters/`: a local chart, its two
  /// values files and a manifest.
  func writeKubernetesSources(productionValues: String = "jupyterhub:\n  singleuser:\n    memory: {limit: 3G}\n")
    throws
  {
    let files = [
      "paws/Chart.yaml": "apiVersion: v2\nname: paws\nversion: 0.1.0\n",
      "paws/values.yaml": "jupyterhub: {}\n",
      "paws/secrets.yaml": "jupyterhub:\n  hub:\n    db: {password: not-a-real-one}\n",
      "paws/production.yaml": productionValues,
      "paws/manifests/default-storageclass.yaml":
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: standard}\n"
        + "provisioner: cinder.csi.openstack.org\n",
    ]
    for (relative, text) in files {
      let url = URL(fileURLWithPath: path(relative))
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(text.utf8).write(to: url)
    }
  }
}

extension Workspace {
  /// A workspace with 127d live and 128a standby, both built with their releases deployed.
  static func withTwoBuiltGenerations() async throws -> Workspace {
    var desired = try DesiredStateFixture.eqiad1()
    try desired.addKubernetesWork()
    try desired.setGenerations([("127d", "{}"), ("128a", "{}")])
    let workspace = try Workspace.with(desired)
    try workspace.writeKubernetesSources()
    try requireExit(0, try await workspace.apply())
    return workspace
  }

  /// A workspace whose environment deploys a manifest and releases, with `cutover simulator serve` running as its
  /// real cloud: `clouds.yaml` (at `cloudsYAML`) names it `simulator`, its database is `cloud.sqlite`, and its
  /// clusters build at once.
  static func withReleasesOnStandaloneCloud() async throws
    -> (workspace: Workspace, server: BackgroundCommand, cloudsYAML: String)
  {
    var desired = try DesiredStateFixture.eqiad1()
    try desired.addKubernetesWork()
    let workspace = try Workspace.with(desired)
    try workspace.writeKubernetesSources()
    let cloudsYAML = workspace.path("clouds.yaml")
    let server = try workspace.start(
      ["simulator", "serve", "--port", "0", "--database", workspace.path("cloud.sqlite"), "--clouds-yaml", cloudsYAML],
      environment: ["CUTOVER_SIMULATOR_BUILD_SECONDS": "0"])
    try await server.waitForOutput("Ctrl-C stops it.", timeout: .seconds(60))
    return (workspace, server, cloudsYAML)
  }
}
