import Foundation
import Testing

@testable import OpenStack

// MARK: - NovaClient

@Suite("NovaClient")
struct NovaClientTests {
  private func client(
    microversion: String = "2.64", _ service: @escaping FakeTransport.Handler
  ) -> (NovaClient, FakeTransport) {
    let transport = FakeCloud.transport(
      tokenBody: FakeCloud.tokenBody(catalog: FakeCloud.networkAndComputeCatalog), service: service)
    return (NovaClient(session: FakeCloud.session(transport: transport), microversion: microversion), transport)
  }

  @Test("the API reference's 2.64 server group decodes every field")
  func fixture() throws {
    struct Body: Decodable {
      var group: ServerGroup
      enum CodingKeys: String, CodingKey { case group = "server_group" }
    }
    let group = try JSONDecoder().decode(Body.self, from: Fixture.data("nova-server-group-create-resp-v2.64"))
      .group
    #expect(
      group
        == ServerGroup(
          id: "5bbcc3c4-1da2-4437-a48a-66f15b1b13f9", name: "test", policy: "anti-affinity",
          rules: ["max_server_per_host": 3], members: [], projectID: "6f70656e737461636b20342065766572",
          userID: "fake"))
    #expect(group.effectivePolicy == "anti-affinity")
  }

  @Test("create at 2.64 sends policy and rules with both microversion headers and reads the 200")
  func createAt264() async throws {
    let (nova, transport) = client { _ in
      .json(
        200, try Fixture.text("nova-server-group-create-resp-v2.64"), headers: ["OpenStack-API-Version": "compute 2.64"]
      )
    }
    let group = try await nova.createServerGroup(
      ServerGroupCreateRequest(name: "test", policy: "anti-affinity", rules: ["max_server_per_host": 3]))
    #expect(group.id == "5bbcc3c4-1da2-4437-a48a-66f15b1b13f9")
    let request = try #require(transport.serviceRequests.first)
    #expect(request.method == "POST")
    #expect(request.url == FakeCloud.novaURL + "/os-server-groups")
    #expect(request.header("OpenStack-API-Version") == "compute 2.64")
    #expect(request.header("X-OpenStack-Nova-API-Version") == "2.64")
    #expect(
      request.bodyText
        == #"{"server_group":{"name":"test","policy":"anti-affinity","rules":{"max_server_per_host":3}}}"#)
  }

  @Test("below 2.64 create sends policies: [policy] and reads policies back")
  func createBelow264() async throws {
    let (nova, transport) = client(microversion: "2.15") { _ in
      .json(200, try Fixture.text("nova-server-group-create-resp-v2.1"))
    }
    let group = try await nova.createServerGroup(
      ServerGroupCreateRequest(name: "paws-haproxy", policy: "anti-affinity"))
    #expect(group.policy == nil)
    #expect(group.policies == ["anti-affinity"])
    #expect(group.effectivePolicy == "anti-affinity")
    #expect(group.rules == nil)
    #expect(group.projectID == nil)
    #expect(transport.serviceRequests.first?.header("X-OpenStack-Nova-API-Version") == "2.15")
    #expect(
      transport.serviceRequests.first?.bodyText
        == #"{"server_group":{"name":"paws-haproxy","policies":["anti-affinity"]}}"#)
  }

  @Test("a 406 lowers to the maximum named in Nova's text, and the body follows the lower version")
  func negotiation() async throws {
    let (nova, transport) = client(microversion: "2.70") { request in
      guard request.header("X-OpenStack-Nova-API-Version") == "2.60" else {
        return .json(
          406,
          #"{"computeFault": {"code": 406, "message": "Version 2.70 is not supported by the API. "#
            + #"Minimum is 2.1 and maximum is 2.60."}}"#)
      }
      return .json(200, try Fixture.text("nova-server-group-create-resp-v2.1"))
    }
    _ = try await nova.createServerGroup(ServerGroupCreateRequest(name: "workers", policy: "soft-anti-affinity"))
    #expect(nova.microversion == "2.60")
    #expect(
      transport.serviceRequests.map { $0.header("OpenStack-API-Version") ?? "" } == ["compute 2.70", "compute 2.60"])
    #expect(transport.serviceRequests[0].bodyText.contains(#""policy":"soft-anti-affinity""#))
    #expect(
      transport.serviceRequests[1].bodyText == #"{"server_group":{"name":"workers","policies":["soft-anti-affinity"]}}"#
    )
  }

  @Test("a 406 at 2.64 naming no maximum falls back to 2.15 and creates with policies")
  func fallbackTo215() async throws {
    let (nova, transport) = client { request in
      switch (request.header("X-OpenStack-Nova-API-Version"), request.method) {
      case ("2.15", "POST"): .json(200, try Fixture.text("nova-server-group-create-resp-v2.1"))
      case ("2.15", _): .json(200, #"{"server_groups": []}"#)
      default: .text(406, "Not Acceptable")
      }
    }
    let group = try await nova.createServerGroup(
      ServerGroupCreateRequest(name: "paws-haproxy", policy: "anti-affinity"))
    #expect(group.effectivePolicy == "anti-affinity")
    #expect(nova.microversion == NovaClient.fallbackVersion)
    #expect(
      transport.serviceRequests.map { $0.header("OpenStack-API-Version") ?? "" } == ["compute 2.64", "compute 2.15"])
    #expect(
      transport.serviceRequests[1].bodyText == #"{"server_group":{"name":"paws-haproxy","policies":["anti-affinity"]}}"#
    )
    _ = try await nova.serverGroups()
    #expect(transport.serviceRequests.last?.header("X-OpenStack-Nova-API-Version") == "2.15")
  }

  @Test("a 406 at the fallback version, or a second 406, is thrown")
  func negotiationGivesUp() async throws {
    let (old, oldTransport) = client(microversion: "2.15") { _ in .text(406, "Not Acceptable") }
    let error = try await #require(throws: OpenStackError.self) { try await old.serverGroups() }
    #expect(error.status == 406)
    #expect(oldTransport.serviceRequests.count == 1)
    #expect(old.microversion == "2.15")

    let (nova, transport) = client { _ in .text(406, "Not Acceptable") }
    let again = try await #require(throws: OpenStackError.self) { try await nova.serverGroups() }
    #expect(again.status == 406)
    #expect(transport.serviceRequests.count == 2)
  }

  @Test("show, list (filtered by name) and delete; itemNotFound reads as nil and as done")
  func reads() async throws {
    let (nova, transport) = client { request in
      switch (request.method, request.path) {
      case ("GET", "/v2.1/os-server-groups"):
        return .json(
          200,
          #"{"server_groups": [{"id": "a", "name": "paws-cp", "policy": "anti-affinity", "rules": {}, "#
            + #""members": ["s1"]}, {"id": "b", "name": "paws-workers", "policy": "soft-anti-affinity"}]}"#)
      default: return .json(404, try Fixture.text("nova-error-404"))
      }
    }
    #expect(try await nova.serverGroups().map(\.id) == ["a", "b"])
    let workers = try await nova.serverGroups(name: "paws-workers")
    #expect(workers.map(\.id) == ["b"])
    #expect(workers[0].members == [])
    #expect(try await nova.serverGroups(name: "paws-cp").first?.members == ["s1"])
    #expect(try await nova.serverGroup(id: "gone") == nil)
    try await nova.deleteServerGroup(id: "gone")
    #expect(transport.serviceRequests.last?.method == "DELETE")
    #expect(transport.serviceRequests.last?.url == FakeCloud.novaURL + "/os-server-groups/gone")
    for request in transport.serviceRequests {
      #expect(request.header("OpenStack-API-Version") == "compute 2.64")
    }
  }

  @Test("a badRequest body gives its message")
  func badRequest() async throws {
    let (nova, _) = client(microversion: "2.14") { _ in .json(400, try Fixture.text("nova-error-400")) }
    let error = try await #require(throws: OpenStackError.self) {
      try await nova.createServerGroup(ServerGroupCreateRequest(name: "w", policy: "soft-anti-affinity"))
    }
    #expect(error.status == 400)
    #expect(error.service == "nova")
    #expect(error.message.hasPrefix("Invalid input for field/attribute 0. Value: soft-anti-affinity."))
  }
}
