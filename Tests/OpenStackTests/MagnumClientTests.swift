import Foundation
import Testing

@testable import OpenStack

// MARK: - MagnumClient

@Suite("MagnumClient")
struct MagnumClientTests {

  private func client(
    microversion: String = "1.10", _ service: @escaping FakeTransport.Handler
  ) -> (MagnumClient, FakeTransport) {
    let transport = FakeCloud.transport(service: service)
    return (MagnumClient(session: FakeCloud.session(transport: transport), microversion: microversion), transport)
  }

  @Test("every call sends the microversion header to the container-infra endpoint")
  func microversionHeader() async throws {
    let (magnum, transport) = client { request in
      switch (request.method, request.path) {
      case ("GET", "/v1/clusters"): return .json(200, try Fixture.text("cluster-get-all-resp"))
      case ("GET", "/v1/clustertemplates"): return .json(200, try Fixture.text("clustertemplate-get-all-resp"))
      default: return .json(204, "")
      }
    }
    _ = try await magnum.clusters()
    _ = try await magnum.clusterTemplates()
    try await magnum.deleteCluster(id: "paws-g1")
    #expect(transport.serviceRequests.count == 3)
    for request in transport.serviceRequests {
      #expect(request.header("OpenStack-API-Version") == "container-infra 1.10")
      #expect(request.url.hasPrefix(FakeCloud.magnumURL + "/"))
      #expect(request.header("x-auth-token") == "token-1")
    }
  }

  @Test("a catalog with only container-infrastructure-management is used, with the same header")
  func newServiceType() async throws {
    let newURL = "https://magnum-new.example.test:29511/v1"
    let catalog = [
      FakeCloud.entry(type: "identity", url: FakeCloud.authURL),
      FakeCloud.entry(type: "container-infrastructure-management", url: newURL),
    ]
    let transport = FakeCloud.transport(tokenBody: FakeCloud.tokenBody(catalog: catalog)) { _ in
      .json(200, try Fixture.text("cluster-get-all-resp"))
    }
    let magnum = MagnumClient(session: FakeCloud.session(transport: transport))
    #expect(try await magnum.clusters().count == 1)
    let request = try #require(transport.serviceRequests.first)
    #expect(request.url == newURL + "/clusters")
    #expect(request.header("OpenStack-API-Version") == "container-infra 1.10")
  }

  @Test("after a delete, polling sees DELETE_IN_PROGRESS, then Magnum's 404 reads as deleted (nil)")
  func deleteThenGone() async throws {
    let reads = Counter()
    let (magnum, transport) = client { request in
      switch request.method {
      case "DELETE": return .json(204, "")
      default:
        guard reads.next() == 1 else { return .json(404, try Fixture.text("magnum-error-404")) }
        let deleting = try Fixture.text("cluster-get-one-resp").replacingOccurrences(
          of: "\"CREATE_COMPLETE\"", with: "\"DELETE_IN_PROGRESS\"")
        return .json(200, deleting)
      }
    }
    try await magnum.deleteCluster(id: "paws-g3")
    #expect(try await magnum.cluster(id: "paws-g3")?.status == "DELETE_IN_PROGRESS")
    #expect(try await magnum.cluster(id: "paws-g3") == nil)
    #expect(transport.serviceRequests.map(\.method) == ["DELETE", "GET", "GET"])
  }

  @Test("creating a template posts its fields and decodes the 201 body")
  func createTemplate() async throws {
    let (magnum, transport) = client { _ in .json(201, try Fixture.text("clustertemplate-create-resp")) }
    let template = try await magnum.createClusterTemplate(
      ClusterTemplateCreateRequest(
        name: "paws-k8s-1-29-g3", imageID: "Fedora-CoreOS-38", keypairID: "paws-deploy",
        flavorID: "g4.cores8.ram32.disk20", masterFlavorID: "g4.cores4.ram8.disk20",
        externalNetworkID: "wan-transport-eqiad", networkDriver: "calico", dockerStorageDriver: "overlay2",
        dockerVolumeSize: 80, dnsNameserver: "172.20.255.1", floatingIPEnabled: false, masterLBEnabled: true,
        labels: ["kube_tag": "v1.29.7"]
      )
    )
    #expect(template.uuid == "5d4c2f4e-2b7a-4a3e-9a3c-0c9f6a1b2e71")
    let request = try #require(transport.serviceRequests.first)
    #expect(request.method == "POST")
    #expect(request.path == "/v1/clustertemplates")
    #expect(request.header("content-type") == "application/json")
    let body = try #require(request.jsonObject)
    #expect(body["image_id"] as? String == "Fedora-CoreOS-38")
    #expect(body["keypair_id"] as? String == "paws-deploy")
    #expect(body["master_lb_enabled"] as? Bool == true)
    #expect(body["floating_ip_enabled"] as? Bool == false)
    #expect(body["docker_volume_size"] as? Int == 80)
    #expect(body["fixed_network"] == nil)
    #expect(body["labels"] as? [String: String] == ["kube_tag": "v1.29.7"])
  }

  @Test("creating a cluster posts the request and returns the uuid of the 202")
  func createCluster() async throws {
    let (magnum, transport) = client { _ in .json(202, try Fixture.text("cluster-create-resp")) }
    let uuid = try await magnum.createCluster(
      ClusterCreateRequest(
        name: "paws-g3", clusterTemplateID: "5d4c2f4e", masterCount: 1, nodeCount: 4, createTimeout: 120,
        keypair: "paws-deploy", labels: ["kube_tag": "v1.29.7"]
      )
    )
    #expect(uuid == "b3f1d2c4-6e8a-4f0b-9c1d-2e3f4a5b6c7d")
    let request = try #require(transport.serviceRequests.first)
    #expect(request.method == "POST")
    #expect(request.path == "/v1/clusters")
    let body = try #require(request.jsonObject)
    #expect(body["name"] as? String == "paws-g3")
    #expect(body["cluster_template_id"] as? String == "5d4c2f4e")
    #expect(body["master_count"] as? Int == 1)
    #expect(body["node_count"] as? Int == 4)
    #expect(body["create_timeout"] as? Int == 120)
    #expect(body["keypair"] as? String == "paws-deploy")
    #expect(body["flavor_id"] == nil)
    #expect(body["master_flavor_id"] == nil)
  }

  @Test("reading a cluster decodes the full body; a 404 is nil")
  func getCluster() async throws {
    let (magnum, _) = client { request in
      request.path.hasSuffix("/paws-g3")
        ? .json(200, try Fixture.text("cluster-get-one-resp")) : .json(404, try Fixture.text("magnum-error-404"))
    }
    let cluster = try #require(try await magnum.cluster(id: "paws-g3"))
    #expect(cluster.status == "CREATE_COMPLETE")
    #expect(cluster.nodeAddresses?.count == 4)
    #expect(try await magnum.cluster(id: "paws-g9") == nil)
    #expect(try await magnum.clusterTemplate(id: "paws-g9") == nil)
  }

  @Test("deleting something already gone counts as done")
  func deleteNotFound() async throws {
    let (magnum, transport) = client { _ in .json(404, try Fixture.text("magnum-error-404")) }
    try await magnum.deleteCluster(id: "paws-g9")
    try await magnum.deleteClusterTemplate(id: "t-9")
    #expect(transport.serviceRequests.map(\.method) == ["DELETE", "DELETE"])
    #expect(transport.serviceRequests.map(\.path) == ["/v1/clusters/paws-g9", "/v1/clustertemplates/t-9"])
  }

  @Test("deleting a template still in use throws Magnum's 400")
  func deleteTemplateInUse() async throws {
    let (magnum, _) = client { _ in .json(400, try Fixture.text("magnum-error-400")) }
    let error = try await #require(throws: OpenStackError.self) { try await magnum.deleteClusterTemplate(id: "t") }
    #expect(error.status == 400)
    #expect(error.description.hasPrefix("magnum: DELETE /clustertemplates/t answered 400 Bad Request: ClusterTemplate"))
  }

  @Test("resize at ≥ 1.7 posts the resize action")
  func resizeAction() async throws {
    let (magnum, transport) = client { _ in .json(202, #"{"uuid": "b3f1"}"#) }
    try await magnum.resizeCluster(id: "b3f1", nodeCount: 6)
    let request = try #require(transport.serviceRequests.first)
    #expect(request.method == "POST")
    #expect(request.path == "/v1/clusters/b3f1/actions/resize")
    #expect(request.bodyText == #"{"node_count":6}"#)
  }

  @Test("resize below 1.7 patches node_count")
  func resizePatch() async throws {
    let (magnum, transport) = client(microversion: "1.6") { _ in .json(202, #"{"uuid": "b3f1"}"#) }
    try await magnum.resizeCluster(id: "b3f1", nodeCount: 2)
    let request = try #require(transport.serviceRequests.first)
    #expect(request.method == "PATCH")
    #expect(request.path == "/v1/clusters/b3f1")
    #expect(request.header("OpenStack-API-Version") == "container-infra 1.6")
    let patch = try #require(try JSONSerialization.jsonObject(with: request.body ?? Data()) as? [[String: Any]])
    #expect(patch.count == 1)
    #expect(patch[0]["op"] as? String == "replace")
    #expect(patch[0]["path"] as? String == "/node_count")
    #expect(patch[0]["value"] as? Int == 2)
  }

  @Test("a 406 lowers the microversion to the server's maximum and repeats the call once")
  func negotiateFromHeader() async throws {
    let (magnum, transport) = client(microversion: "1.12") { request in
      guard request.header("OpenStack-API-Version") == "container-infra 1.8" else {
        return .json(
          406,
          try Fixture.text("magnum-error-406"),
          headers: [
            "OpenStack-API-Minimum-Version": "container-infra 1.1",
            "OpenStack-API-Maximum-Version": "container-infra 1.8",
          ]
        )
      }
      return .json(
        200, try Fixture.text("cluster-get-all-resp"), headers: ["OpenStack-API-Version": "container-infra 1.8"])
    }
    #expect(try await magnum.clusters().count == 1)
    #expect(magnum.microversion == "1.8")
    _ = try await magnum.clusters()
    #expect(
      transport.serviceRequests.map { $0.header("OpenStack-API-Version") ?? "" } == [
        "container-infra 1.12", "container-infra 1.8", "container-infra 1.8",
      ]
    )
  }

  @Test("without the maximum header the range in the error text is used")
  func negotiateFromText() async throws {
    let (magnum, _) = client(microversion: "1.10") { request in
      request.header("OpenStack-API-Version") == "container-infra 1.4"
        ? .json(202, #"{"uuid": "b3f1"}"#)
        : .json(406, try Fixture.text("magnum-error-406-range-only"))
    }
    try await magnum.resizeCluster(id: "b3f1", nodeCount: 3)
    #expect(magnum.microversion == "1.4")
  }

  @Test("a 406 that names no lower version is thrown, not guessed around")
  func negotiationGivesUp() async throws {
    let (magnum, transport) = client { _ in .text(406, "Not Acceptable") }
    let error = try await #require(throws: OpenStackError.self) { try await magnum.clusters() }
    #expect(error.status == 406)
    #expect(transport.serviceRequests.count == 1)
    #expect(magnum.microversion == "1.10")
  }

  @Test("lists follow Magnum's next link")
  func pagination() async throws {
    let (magnum, transport) = client { request in
      if request.url.contains("marker=") {
        return .json(200, try Fixture.text("cluster-get-all-resp"))
      }
      return .json(200, try Fixture.text("cluster-get-all-page1"))
    }
    let clusters = try await magnum.clusters()
    #expect(clusters.map(\.name) == ["paws-g1", "paws-g3"])
    #expect(transport.serviceRequests.last?.url == FakeCloud.magnumURL + "/clusters?limit=1&marker=a1")
  }

  @Test("a body that is not a cluster is an unreadable-response error naming the field")
  func invalidBody() async throws {
    let (magnum, _) = client { _ in .json(200, #"{"uuid": "u", "name": "n"}"#) }
    let error = try await #require(throws: OpenStackError.self) { try await magnum.cluster(id: "u") }
    #expect(error.kind == .invalidResponse)
    #expect(error.message.contains("missing \"status\""))
  }

  @Test("microversions compare numerically")
  func microversionOrder() throws {
    let v110 = try #require(Microversion("1.10"))
    let v19 = try #require(Microversion("container-infra 1.9"))
    #expect(v19 < v110)
    #expect(Microversion("latest") == nil)
    #expect(v110 >= MagnumClient.resizeAction)
  }
}
