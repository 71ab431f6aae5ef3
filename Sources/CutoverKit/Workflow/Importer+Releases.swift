import Foundation

extension Importer {
  /// What an adopted release records for the inputs its cluster cannot report (which values files, `set:` values
  /// and chart files it was deployed from): the next plan shows each as changing, and upgrades the release with the
  /// desired ones.
  static let notKnown = "(not known: adopted)"

  /// Adopts the releases the adopted generations already run (`deploy.sh` installed them), so the next plan upgrades
  /// them in place rather than claiming to create them. Their cluster and kubeconfig must be recorded.
  func adoptReleases(_ resources: [DesiredResource]) async -> [Row] {
    var rows: [Row] = []
    for resource in resources where resource.address.type == HelmReleaseResource.typeName {
      guard (try? store.resource(resource.address)) == nil,
        let type = catalog[resource.address.type],
        let generation = catalog.generation(of: resource.address),
        let cluster = try? store.resource(ClusterResource.address(generation)),
        cluster.status == .ready, let clusterID = cluster.remoteID,
        (try? store.resource(KubeconfigResource.address(generation))) != nil,
        let kubeconfig = try? cloud.local.kubeconfigPath(generation: generation)
      else { continue }
      var attributes: Attributes = [:]
      for (name, expression) in resource.attributes {
        if case .value(let value) = expression { attributes[name] = value }
      }
      attributes[HelmReleaseResource.Attribute.clusterId] = .string(clusterID)
      let name = attributes[HelmReleaseResource.Attribute.release]?.stringValue ?? ""
      let namespace = attributes[HelmReleaseResource.Attribute.namespace]?.stringValue ?? ""
      let source = "helm (cluster \(clusterID))"
      do {
        guard
          let deployed = try await cloud.kubernetes.release(
            name: name, namespace: namespace, on: KubernetesCluster(clusterID: clusterID, kubeconfig: kubeconfig))
        else { continue }
        for unknown in ["values_sha256", "chart_sha256", "set", "set_sensitive"] where attributes[unknown] != nil {
          attributes[unknown] = .string(Self.notKnown)
        }
        if let version = deployed.version { attributes[HelmReleaseResource.Attribute.version] = .string(version) }
        let recorded = HelmReleaseResource.recorded(attributes, deployed, fingerprint: nil, digester: digester)
        let remoteID = "\(deployed.namespace)/\(deployed.name)"
        try store.record([
          RecordedResource(
            address: resource.address, remoteID: remoteID,
            attributes: type.schema.recordable(recorded, digester: digester), dependencies: resource.dependencies)
        ])
        rows.append(
          Row(
            source: source, address: resource.address, remoteID: remoteID,
            note: "adopted at revision \(deployed.revision) (\(deployed.status)); the values it runs with are not "
              + "known, so the next apply upgrades it with the desired ones"))
      } catch {
        rows.append(
          Row(
            source: source, address: nil, remoteID: "\(namespace)/\(name)",
            note: "\(resource.address) not adopted: \(Executor.describe(error)); the next apply installs or upgrades it"
          ))
      }
    }
    return rows
  }
}
