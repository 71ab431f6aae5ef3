import Foundation
import Testing

@testable import OpenStack

// MARK: - Decoding the services' own shapes

@Suite("Decoding sample bodies")
struct FixtureDecodingTests {
  @Test("a cluster template create response decodes every field")
  func clusterTemplateCreateResponse() throws {
    let template = try JSONDecoder().decode(ClusterTemplate.self, from: Fixture.data("clustertemplate-create-resp"))
    #expect(template.uuid == "5d4c2f4e-2b7a-4a3e-9a3c-0c9f6a1b2e71")
    #expect(template.name == "paws-k8s-1-29-g3")
    #expect(template.coe == "kubernetes")
    #expect(template.imageID == "Fedora-CoreOS-38")
    #expect(template.keypairID == "paws-deploy")
    #expect(template.flavorID == "g4.cores8.ram32.disk20")
    #expect(template.masterFlavorID == "g4.cores4.ram8.disk20")
    #expect(template.externalNetworkID == "wan-transport-eqiad")
    #expect(template.fixedNetwork == nil)
    #expect(template.fixedSubnet == nil)
    #expect(template.networkDriver == "calico")
    #expect(template.dockerStorageDriver == "overlay2")
    #expect(template.dockerVolumeSize == 80)
    #expect(template.dnsNameserver == "172.20.255.1")
    #expect(template.floatingIPEnabled == false)
    #expect(template.masterLBEnabled == true)
    #expect(
      template.labels == ["kube_tag": "v1.29.7", "auto_scaling_enabled": "false", "ingress_controller": "octavia"])
    #expect(template.createdAt == "2025-03-04T10:12:40+00:00")
    #expect(template.updatedAt == nil)
  }

  @Test("a template list decodes, null labels and keypair read as empty")
  func clusterTemplateList() throws {
    struct Page: Decodable { var clustertemplates: [ClusterTemplate] }
    let page = try JSONDecoder().decode(Page.self, from: Fixture.data("clustertemplate-get-all-resp"))
    let template = try #require(page.clustertemplates.first)
    #expect(template.labels == [:])
    #expect(template.keypairID == "")
    #expect(template.dockerVolumeSize == nil)
    #expect(template.masterLBEnabled == false)
  }

  @Test("a template without labels reads them as empty")
  func templateWithoutLabels() throws {
    let json = #"{"uuid": "u", "name": "n", "coe": "kubernetes", "image_id": "i", "keypair_id": "k", "flavor_id": "f"}"#
    let template = try JSONDecoder().decode(ClusterTemplate.self, from: Data(json.utf8))
    #expect(template.labels == [:])
  }

  @Test("a full cluster body decodes every detail field")
  func clusterGetOne() throws {
    let cluster = try JSONDecoder().decode(Cluster.self, from: Fixture.data("cluster-get-one-resp"))
    #expect(cluster.uuid == "b3f1d2c4-6e8a-4f0b-9c1d-2e3f4a5b6c7d")
    #expect(cluster.name == "paws-g3")
    #expect(cluster.status == "CREATE_COMPLETE")
    #expect(cluster.statusReason == "Stack CREATE completed successfully")
    #expect(cluster.clusterTemplateID == "5d4c2f4e-2b7a-4a3e-9a3c-0c9f6a1b2e71")
    #expect(cluster.masterCount == 1)
    #expect(cluster.nodeCount == 4)
    #expect(cluster.keypair == "paws-deploy")
    #expect(cluster.createTimeout == 120)
    #expect(cluster.apiAddress == "https://172.16.2.15:6443")
    #expect(cluster.masterAddresses == ["172.16.2.15"])
    #expect(cluster.nodeAddresses == ["172.16.2.21", "172.16.2.22", "172.16.2.23", "172.16.2.24"])
    #expect(cluster.coeVersion == "v1.29.7")
    #expect(cluster.stackID == "4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8")
    #expect(cluster.createdAt == "2025-03-04T10:20:11+00:00")
    #expect(cluster.updatedAt == "2025-03-04T10:41:57+00:00")
    #expect(cluster.flavorID == nil)
    #expect(cluster.labels == nil)
  }

  @Test("the cluster list summary decodes with the detail fields nil")
  func clusterGetAll() throws {
    struct Page: Decodable { var clusters: [Cluster] }
    let page = try JSONDecoder().decode(Page.self, from: Fixture.data("cluster-get-all-resp"))
    let cluster = try #require(page.clusters.first)
    #expect(cluster.status == "CREATE_IN_PROGRESS")
    #expect(cluster.nodeCount == 4)
    #expect(cluster.masterCount == 1)
    #expect(cluster.createTimeout == 120)
    #expect(cluster.apiAddress == nil)
    #expect(cluster.nodeAddresses == nil)
    #expect(cluster.statusReason == nil)
  }

  @Test("label values that are not strings decode as their text")
  func lenientLabels() throws {
    let json = #"""
      {"uuid": "u", "name": "n", "status": "CREATE_COMPLETE", "cluster_template_id": "t",
       "labels": {"auto_healing_enabled": true, "max_node_count": 7, "ratio": 0.5, "kube_tag": "v1.29.7",
                  "empty": null}}
      """#
    let cluster = try JSONDecoder().decode(Cluster.self, from: Data(json.utf8))
    #expect(
      cluster.labels == ["auto_healing_enabled": "true", "max_node_count": "7", "ratio": "0.5", "kube_tag": "v1.29.7"]
    )
  }

  @Test("a Keystone application-credential token gives project, expiry and catalog")
  func keystoneToken() throws {
    let token = try KeystoneToken(value: "t", responseBody: Fixture.data("keystone-token-application-credential"))
    #expect(token.projectID == "paws")
    #expect(token.expiresAt == KeystoneToken.parseTimestamp("2031-05-20T18:30:00Z"))
    #expect(token.expiresAt != nil)
    #expect(token.catalog.services.map(\.type) == ["identity", "container-infra", "proxy"])
    let magnum = token.catalog.endpointURL(serviceTypes: ["container-infra"], interface: "public", region: "eqiad1-r")
    #expect(magnum == "https://magnum.example.test:29511/v1")
  }

  @Test("timestamps with and without fractions and zones parse")
  func timestamps() {
    let plain = KeystoneToken.parseTimestamp("2031-05-20T18:30:00Z")
    #expect(plain != nil)
    #expect(KeystoneToken.parseTimestamp("2031-05-20T18:30:00.000000Z") == plain)
    #expect(KeystoneToken.parseTimestamp("2031-05-20T18:30:00.123456") == plain)
    #expect(KeystoneToken.parseTimestamp("2031-05-20T20:30:00+02:00") == plain)
    #expect(KeystoneToken.parseTimestamp("tomorrow") == nil)
  }

  @Test("request bodies encode with the services' snake_case keys and leave nils out")
  func requestEncoding() throws {
    let cluster = ClusterCreateRequest(
      name: "paws-g3", clusterTemplateID: "t-1", masterCount: 1, nodeCount: 4, createTimeout: 120,
      keypair: "paws-deploy"
    )
    let clusterJSON = try #require(
      try JSONSerialization.jsonObject(with: JSONBody.encode(cluster)) as? [String: Any]
    )
    #expect(
      Set(clusterJSON.keys) == [
        "name", "cluster_template_id", "master_count", "node_count", "create_timeout", "keypair",
      ])
    #expect(clusterJSON["create_timeout"] as? Int == 120)

    let template = ClusterTemplateCreateRequest(
      name: "paws-k8s", imageID: "Fedora-CoreOS-38", keypairID: "paws-deploy", flavorID: "g4.cores8.ram32.disk20",
      dockerVolumeSize: 80, masterLBEnabled: true, labels: ["kube_tag": "v1.29.7"]
    )
    let templateJSON = try #require(
      try JSONSerialization.jsonObject(with: JSONBody.encode(template)) as? [String: Any]
    )
    #expect(
      Set(templateJSON.keys) == [
        "name", "coe", "image_id", "keypair_id", "flavor_id", "docker_volume_size", "master_lb_enabled", "labels",
      ]
    )
    #expect(templateJSON["labels"] as? [String: String] == ["kube_tag": "v1.29.7"])
  }
}
