import CutoverKit
import Testing

/// Each key of a mapping is declared once, with the field it goes in: a file setting every key to its own value
/// reads back field by field, so no key can land in another's field.
@Suite("desired state: every key in its own field")
struct KeyTableTests {
  private let generation: Generation

  init() throws {
    let desired = try EnvironmentFile.parse(
      try Fixture.text("environments/every-key.yaml"), environment: "eqiad1", file: "every-key.yaml")
    generation = try #require(desired.generation("127d"))
  }

  @Test("every template key")
  func template() {
    let template = generation.template
    #expect(template.coe == "coe-value")
    #expect(template.image == "image-value")
    #expect(template.keypair == "template-keypair-value")
    #expect(template.flavor == "template-flavor-value")
    #expect(template.masterFlavor == "template-master-flavor-value")
    #expect(template.externalNetwork == "external-network-value")
    #expect(template.fixedNetwork == "fixed-network-value")
    #expect(template.fixedSubnet == "fixed-subnet-value")
    #expect(template.networkDriver == "network-driver-value")
    #expect(template.dockerStorageDriver == "docker-storage-driver-value")
    #expect(template.dockerVolumeSize == 77)
    #expect(template.dnsNameserver == "dns-nameserver-value")
    #expect(template.floatingIPEnabled)
    #expect(template.masterLBEnabled)
    #expect(template.labels == ["template-label": "template-label-value"])
  }

  @Test("every cluster key")
  func cluster() {
    let cluster = generation.cluster
    #expect(cluster.masters == 3)
    #expect(cluster.workers == 11)
    #expect(cluster.createTimeoutMinutes == 120)
    #expect(cluster.flavor == "cluster-flavor-value")
    #expect(cluster.masterFlavor == "cluster-master-flavor-value")
    #expect(cluster.keypair == "cluster-keypair-value")
    #expect(cluster.labels == ["cluster-label": "cluster-label-value"])
  }

  @Test("every release key")
  func release() throws {
    let release = try #require(generation.releases.first)
    #expect(release.name == "name-value")
    #expect(release.chart == "chart-value/chart")
    #expect(release.version == "version-value")
    #expect(release.namespace == "namespace-value")
    #expect(release.values == ["values-value.yaml"])
    #expect(release.set == ["set.key": "set-value"])
    #expect(release.timeoutMinutes == 180)
    #expect(release.wait == false)
    #expect(release.dependencyUpdate)
    #expect(release.sensitive == ["sensitive.key"])
  }

  @Test("every manifest key")
  func manifest() throws {
    let manifest = try #require(generation.manifests.first)
    #expect(manifest.name == "manifest-name-value")
    #expect(manifest.file == "manifest-file-value.yaml")
  }
}
