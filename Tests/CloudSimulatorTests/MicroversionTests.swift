import NIOHTTP1
import Testing

@testable import CloudSimulator

/// Magnum's `OpenStack-API-Version: container-infra X.Y` negotiation.
@Suite struct MicroversionTests {
  @Test func missingHeaderMeansOnePointOneAndRejectsTheResizeAction() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let uuid = try await cloud.createCluster(
        token: token, name: "paws-1", template: try await cloud.createTemplate(token: token))
      let response = try await cloud.magnum(
        .POST, "/clusters/\(uuid)/actions/resize", token: token, body: ["node_count": 3], microversion: nil)
      #expect(response.status == 406)
      #expect(response.header("OpenStack-API-Version") == "container-infra 1.1")
      #expect(response.json["errors"]?.arrayValue?.first?["status"] == 406)
      let old = try await cloud.magnum(
        .POST, "/clusters/\(uuid)/actions/resize", token: token, body: ["node_count": 3], microversion: "1.6")
      #expect(old.status == 406)
      #expect(try await cloud.cluster(uuid, token: token).json["node_count"] == 2)
      let patch = try await cloud.magnum(
        .PATCH, "/clusters/\(uuid)", token: token, body: [["op": "replace", "path": "/node_count", "value": 3]],
        microversion: nil)
      #expect(patch.status == 202)
    }
  }

  @Test func tooHighIsNotAcceptableAndLatestIsTheMaximum() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let tooHigh = try await cloud.magnum(.GET, "/clusters", token: token, microversion: "1.11")
      #expect(tooHigh.status == 406)
      #expect(tooHigh.json["errors"]?.arrayValue?.first?["code"] == "client")
      let tooLow = try await cloud.magnum(.GET, "/clusters", token: token, microversion: "1.0")
      #expect(tooLow.status == 406)
      let latest = try await cloud.magnum(.GET, "/clusters", token: token, microversion: "latest")
      #expect(latest.status == 200)
      #expect(latest.header("OpenStack-API-Version") == "container-infra 1.10")
      #expect(latest.header("OpenStack-API-Maximum-Version") == "container-infra 1.10")
      #expect(latest.header("OpenStack-API-Minimum-Version") == "container-infra 1.1")
      let chosen = try await cloud.magnum(.GET, "/clusters", token: token, microversion: "1.8")
      #expect(chosen.header("OpenStack-API-Version") == "container-infra 1.8")
      let malformed = try await cloud.magnum(.GET, "/clusters", token: token, microversion: "one")
      #expect(malformed.status == 400)
    }
  }

  @Test func versionDocumentsArePublic() async throws {
    try await SimulatorHarness.with { cloud in
      for path in ["/magnum/", "/magnum"] {
        let root = try await cloud.send(.GET, path)
        #expect(root.status == 200)
        let version = try #require(root.json["versions"]?.arrayValue?.first)
        #expect(version["id"] == "v1")
        #expect(version["min_version"] == "1.1")
        #expect(version["max_version"] == "1.10")
      }
      let v1 = try await cloud.send(.GET, "/magnum/v1")
      #expect(v1.status == 200)
      #expect(v1.json["id"] == "v1")
      #expect(v1.json["clusters"]?.arrayValue?.count == 2)
      #expect(v1.json["clustertemplates"]?.arrayValue?.count == 2)
    }
  }

  @Test(
    arguments: [
      (nil, "1.1"), ("container-infra 1.7", "1.7"), ("compute 2.1, container-infra latest", "1.10"),
      ("compute 2.90", "1.1"),
    ] as [(String?, String)])
  func negotiationParsesTheHeader(header: String?, expected: String) throws {
    let version = try Microversion.negotiate(header: header).get()
    #expect(version.description == expected)
  }
}
