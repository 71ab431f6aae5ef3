import NIOHTTP1
import Testing

@testable import CloudSimulator

/// What python-magnumclient (`openstack coe …`) sends and reads beyond Cutover's own client: the `driver` and
/// other null attributes of a template create, and the label comparison a cluster show carries.
@Suite struct MagnumClientShapeTests {
  @Test func aTemplateCreateWithEveryAttributeTheCLISendsIsAccepted() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      // The body `openstack coe cluster template create` sends, nulls included.
      let body: JSONValue = [
        "name": "paws-127d", "image_id": "Fedora-CoreOS-38", "keypair_id": .null,
        "external_network_id": "wan-transport-eqiad", "coe": "kubernetes", "fixed_network": .null,
        "fixed_subnet": .null, "network_driver": .null, "volume_driver": .null, "driver": .null,
        "dns_nameserver": "8.8.8.8", "flavor_id": "m1.medium", "master_flavor_id": .null,
        "docker_volume_size": .null, "docker_storage_driver": "overlay2", "http_proxy": .null, "https_proxy": .null,
        "no_proxy": .null, "labels": [:], "tls_disabled": false, "public": false, "registry_enabled": false,
        "insecure_registry": .null, "server_type": "vm", "master_lb_enabled": false,
      ]
      let response = try await cloud.send(
        .POST, "/magnum/v1/clustertemplates", token: token, body: body,
        headers: [("OpenStack-API-Version", "container-infra latest")])
      #expect(response.status == 201, "\(response.text)")
      #expect(response.json["driver"] == .null)
      #expect(response.json["hidden"] == false)
      #expect(response.json["project_id"] == "paws")
    }
  }

  @Test func aClusterShowComparesItsLabelsWithTheTemplates() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      var create = RequestBodies.cluster(name: "paws-127d", template: template).objectValue ?? [:]
      create["labels"] = ["kube_tag": "v1.28.15", "extra": "yes"]
      let created = try await cloud.magnum(.POST, "/clusters", token: token, body: .object(create))
      #expect(created.status == 202)
      let body = try await cloud.cluster("paws-127d", token: token).json
      #expect(body["labels_added"] == ["extra": "yes"])
      #expect(body["labels_skipped"] == ["auto_scaling_enabled": "false"])
      #expect(body["labels_overridden"] == ["kube_tag": "v1.27.8-rancher2"])

      _ = try await cloud.createCluster(token: token, name: "paws-128a", template: template)
      let inherited = try await cloud.cluster("paws-128a", token: token).json
      #expect(inherited["labels_added"] == [:])
      #expect(inherited["labels_skipped"] == [:])
      #expect(inherited["labels_overridden"] == [:])
    }
  }
}
