import NIOHTTP1
import Testing

@testable import CloudSimulator

/// Magnum cluster templates: create, read, patch, delete, and the rules while a cluster uses one.
@Suite struct ClusterTemplateTests {
  @Test func createAnswersTheFullBody() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let response = try await cloud.magnum(
        .POST, "/clustertemplates", token: token, body: RequestBodies.template(name: "paws-k8s127"))
      #expect(response.status == 201)
      let body = response.json
      #expect(body["uuid"]?.stringValue.map(Identifiers.isUUIDLike) == true)
      #expect(body["name"] == "paws-k8s127")
      #expect(body["coe"] == "kubernetes")
      #expect(body["image_id"] == "magnum-fedora-coreos-38")
      #expect(body["keypair_id"] == "rook")
      #expect(body["flavor_id"] == "g4.cores8.ram32.disk20")
      #expect(body["master_flavor_id"] == "g4.cores2.ram4.disk20")
      #expect(body["docker_volume_size"] == 80)
      #expect(body["floating_ip_enabled"] == false)
      #expect(body["labels"]?["kube_tag"] == "v1.27.8-rancher2")
      #expect(body["updated_at"] == .null)
      #expect(body["fixed_subnet"] == "cloud-instances2-b-eqiad")
      #expect(body["http_proxy"] == .null)
      #expect(body["created_at"]?.stringValue?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00/) != nil)
      let links = try #require(body["links"]?.arrayValue)
      #expect(links.compactMap { $0["rel"]?.stringValue } == ["self", "bookmark"])
      #expect(response.header("OpenStack-API-Version") == "container-infra 1.10")
      #expect(response.header("x-openstack-request-id")?.hasPrefix("req-") == true)
    }
  }

  @Test func listShowByUUIDOrNamePatchAndDelete() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let uuid = try await cloud.createTemplate(token: token, name: "paws-k8s127")

      let list = try await cloud.magnum(.GET, "/clustertemplates", token: token)
      #expect(list.status == 200)
      #expect(list.json["clustertemplates"]?.arrayValue?.compactMap { $0["uuid"]?.stringValue } == [uuid])

      for identifier in [uuid, "paws-k8s127"] {
        let shown = try await cloud.magnum(.GET, "/clustertemplates/\(identifier)", token: token)
        #expect(shown.status == 200)
        #expect(shown.json["uuid"]?.stringValue == uuid)
      }

      let patch: JSONValue = [
        ["op": "replace", "path": "/master_lb_enabled", "value": "True"],
        ["op": "add", "path": "/labels/ingress_controller", "value": "octavia"],
      ]
      let patched = try await cloud.magnum(.PATCH, "/clustertemplates/\(uuid)", token: token, body: patch)
      #expect(patched.status == 200)
      #expect(patched.json["master_lb_enabled"] == true)
      #expect(patched.json["labels"]?["ingress_controller"] == "octavia")
      #expect(patched.json["updated_at"] != .null)

      let deleted = try await cloud.magnum(.DELETE, "/clustertemplates/\(uuid)", token: token)
      #expect(deleted.status == 204)
      let gone = try await cloud.magnum(.GET, "/clustertemplates/\(uuid)", token: token)
      #expect(gone.status == 404)
      let error = try #require(gone.json["errors"]?.arrayValue?.first)
      #expect(error["status"] == 404)
      #expect(error["code"] == "client")
      #expect(error["title"]?.stringValue?.isEmpty == false)
      #expect(error["detail"]?.stringValue?.contains(uuid) == true)
      #expect(error["request_id"]?.stringValue == gone.header("x-openstack-request-id"))
      #expect(error["links"] == [])
    }
  }

  @Test func templateInUseCannotBeDeletedOrPatched() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      let cluster = try await cloud.createCluster(token: token, name: "paws-1", template: template)

      let delete = try await cloud.magnum(.DELETE, "/clustertemplates/\(template)", token: token)
      #expect(delete.status == 400)
      #expect(delete.json["errors"]?.arrayValue?.first?["detail"]?.stringValue?.contains("referenced") == true)
      let patch = try await cloud.magnum(
        .PATCH, "/clustertemplates/\(template)", token: token,
        body: [["op": "replace", "path": "/docker_volume_size", "value": 20]])
      #expect(patch.status == 400)
      #expect(
        try await cloud.magnum(.GET, "/clustertemplates/\(template)", token: token).json["docker_volume_size"] == 80)

      #expect(try await cloud.magnum(.DELETE, "/clusters/\(cluster)", token: token).status == 204)
      let released = try await cloud.magnum(.DELETE, "/clustertemplates/\(template)", token: token)
      #expect(released.status == 204)
    }
  }

  @Test func invalidTemplatesAreRejected() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let missingImage = try await cloud.magnum(.POST, "/clustertemplates", token: token, body: ["coe": "kubernetes"])
      #expect(missingImage.status == 400)
      let unknownField = try await cloud.magnum(
        .POST, "/clustertemplates", token: token, body: ["coe": "kubernetes", "image_id": "x", "colour": "blue"])
      #expect(unknownField.status == 400)
      let badPatch = try await cloud.magnum(
        .PATCH, "/clustertemplates/\(try await cloud.createTemplate(token: token))", token: token,
        body: [["op": "remove", "path": "/image_id"]])
      #expect(badPatch.status == 400)
    }
  }
}
