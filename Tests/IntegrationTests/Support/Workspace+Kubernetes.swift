import Foundation
import TestSupport

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
