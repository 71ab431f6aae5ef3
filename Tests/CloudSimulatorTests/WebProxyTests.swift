import NIOHTTP1
import Testing

@testable import CloudSimulator

/// The Cloud VPS web-proxy API, with its quirks.
@Suite struct WebProxyTests {
  private static let domain = "hub-paws.wmcloud.org"

  @Test func putCreatesThenAppendsAndPostReplaces() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let put = try await cloud.send(
        .PUT, "/proxy/v1/paws/mapping", token: token,
        body: ["domain": .string(Self.domain), "backends": ["http://127.0.1.1:30001"]])
      #expect(put.status == 200)
      #expect(put.json["error"] == nil)
      _ = try await cloud.send(
        .PUT, "/proxy/v1/paws/mapping", token: token,
        body: ["domain": .string(Self.domain), "backends": ["http://127.0.1.2:30001"]])
      let appended = try await cloud.send(.GET, "/proxy/v1/paws/mapping/\(Self.domain)", token: token)
      #expect(appended.status == 200)
      #expect(appended.json["domain"]?.stringValue == Self.domain)
      #expect(appended.json["backends"] == ["http://127.0.1.1:30001", "http://127.0.1.2:30001"])

      let post = try await cloud.send(
        .POST, "/proxy/v1/paws/mapping/\(Self.domain)", token: token,
        body: ["domain": .string(Self.domain), "backends": ["http://127.0.2.7:30001"]])
      #expect(post.status == 200)
      let all = try await cloud.send(.GET, "/proxy/v1/paws/mapping", token: token)
      #expect(all.json["project"] == "paws")
      #expect(all.json["routes"] == [["domain": .string(Self.domain), "backends": ["http://127.0.2.7:30001"]]])

      #expect(try await cloud.send(.DELETE, "/proxy/v1/paws/mapping/\(Self.domain)", token: token).status == 200)
      #expect(try await cloud.send(.GET, "/proxy/v1/paws/mapping", token: token).json["routes"] == [])
    }
  }

  @Test func unknownDomainIsABadRequest() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let body: JSONValue = ["domain": "nope.wmcloud.org", "backends": ["http://127.0.1.1:30001"]]
      for (method, sendsBody) in [(HTTPMethod.GET, false), (.POST, true), (.DELETE, false)] {
        let response = try await cloud.send(
          method, "/proxy/v1/paws/mapping/nope.wmcloud.org", token: token, body: sendsBody ? body : nil)
        #expect(response.status == 400)
        #expect(response.text.contains("No such domain"))
      }
    }
  }

  @Test func malformedBodyAnswers200WithAnError() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let missingBackends = try await cloud.send(
        .PUT, "/proxy/v1/paws/mapping", token: token, body: ["domain": .string(Self.domain)])
      #expect(missingBackends.status == 200)
      #expect(missingBackends.json["error"]?.stringValue?.isEmpty == false)
      let missingDomain = try await cloud.send(
        .PUT, "/proxy/v1/paws/mapping", token: token, body: ["backends": ["http://127.0.1.1:30001"]])
      #expect(missingDomain.status == 200)
      #expect(missingDomain.json["error"] != nil)
      #expect(try await cloud.send(.GET, "/proxy/v1/paws/mapping", token: token).json["routes"] == [])

      _ = try await cloud.send(
        .PUT, "/proxy/v1/paws/mapping", token: token,
        body: ["domain": .string(Self.domain), "backends": ["http://127.0.1.1:30001"]])
      let malformedReplace = try await cloud.send(
        .POST, "/proxy/v1/paws/mapping/\(Self.domain)", token: token, body: ["backends": "http://127.0.9.9:1"])
      #expect(malformedReplace.status == 200)
      #expect(malformedReplace.json["error"] != nil)
      let unchanged = try await cloud.send(.GET, "/proxy/v1/paws/mapping/\(Self.domain)", token: token)
      #expect(unchanged.json["backends"] == ["http://127.0.1.1:30001"])
    }
  }

  @Test func anotherProjectInThePathIsForbidden() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let response = try await cloud.send(.GET, "/proxy/v1/pawsdev/mapping", token: token)
      #expect(response.status == 403)
      let write = try await cloud.send(
        .PUT, "/proxy/v1/pawsdev/mapping", token: token,
        body: ["domain": .string(Self.domain), "backends": ["http://127.0.1.1:30001"]])
      #expect(write.status == 403)
    }
  }

  @Test func deletedClusterBackendsAreScrubbedFromRoutes() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      let old = try await cloud.createCluster(token: token, name: "paws-1", template: template, workers: 1)
      let new = try await cloud.createCluster(token: token, name: "paws-2", template: template, workers: 1)
      let oldWorker = try #require(
        try await cloud.cluster(old, token: token).json["node_addresses"]?.arrayValue?.first?.stringValue)
      let newWorker = try #require(
        try await cloud.cluster(new, token: token).json["node_addresses"]?.arrayValue?.first?.stringValue)
      _ = try await cloud.send(
        .PUT, "/proxy/v1/paws/mapping", token: token,
        body: [
          "domain": .string(Self.domain),
          "backends": .strings(["http://\(oldWorker):30001", "http://\(newWorker):30001"]),
        ])
      _ = try await cloud.send(
        .PUT, "/proxy/v1/paws/mapping", token: token,
        body: ["domain": "old-only.wmcloud.org", "backends": .strings(["http://\(oldWorker):30001"])])

      #expect(try await cloud.magnum(.DELETE, "/clusters/\(old)", token: token).status == 204)
      let routes = try await cloud.send(.GET, "/proxy/v1/paws/mapping", token: token).json["routes"]
      #expect(routes == [["domain": .string(Self.domain), "backends": .strings(["http://\(newWorker):30001"])]])
    }
  }
}
