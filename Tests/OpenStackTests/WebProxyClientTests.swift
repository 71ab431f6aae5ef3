import Foundation
import Testing

@testable import OpenStack

// MARK: - WebProxyClient

@Suite("WebProxyClient")
struct WebProxyClientTests {
  static let base = "https://proxy-api.example.test:28889/v1/paws"

  private func client(_ service: @escaping FakeTransport.Handler) -> (WebProxyClient, FakeTransport) {
    let transport = FakeCloud.transport(service: service)
    return (WebProxyClient(session: FakeCloud.session(transport: transport)), transport)
  }

  @Test("routes come from GET /mapping under the token's project")
  func routes() async throws {
    let (proxy, transport) = client { _ in .json(200, try Fixture.text("webproxy-mapping")) }
    let routes = try await proxy.routes()
    #expect(routes.count == 2)
    #expect(
      routes[0]
        == ProxyRoute(
          domain: "hub-paws.wmcloud.org", backends: ["http://172.16.2.21:30001", "http://172.16.2.22:30001"]))
    #expect(transport.serviceRequests.first?.url == Self.base + "/mapping")
  }

  @Test("one route by domain; an unknown domain (400 No such domain) is nil")
  func route() async throws {
    let (proxy, transport) = client { request in
      request.url.hasSuffix("/paws.wmcloud.org")
        ? .json(200, #"{"domain": "paws.wmcloud.org", "backends": ["http://172.16.2.21:30001"]}"#)
        : .text(400, "No such domain")
    }
    #expect(try await proxy.route(domain: "paws.wmcloud.org")?.backends == ["http://172.16.2.21:30001"])
    #expect(try await proxy.route(domain: "nothing.wmcloud.org") == nil)
    #expect(transport.serviceRequests.map(\.url).last == Self.base + "/mapping/nothing.wmcloud.org")
  }

  @Test("another 400 is thrown")
  func otherBadRequest() async throws {
    let (proxy, _) = client { _ in .text(400, "Invalid domain name") }
    let error = try await #require(throws: OpenStackError.self) { try await proxy.route(domain: "x") }
    #expect(error.description == "web-proxy: GET /mapping/x answered 400 Bad Request: Invalid domain name")
  }

  @Test("createRoute PUTs the route and is not repeated after a 500 (PUT appends)")
  func createRoute() async throws {
    let (proxy, transport) = client { _ in .text(500, "Internal Server Error") }
    await #expect(throws: OpenStackError.self) {
      try await proxy.createRoute(domain: "hub-paws.wmcloud.org", backends: ["http://172.16.2.21:30001"])
    }
    let request = try #require(transport.serviceRequests.first)
    #expect(transport.serviceRequests.count == 1)
    #expect(request.method == "PUT")
    #expect(request.url == Self.base + "/mapping")
    #expect(request.bodyText == #"{"backends":["http://172.16.2.21:30001"],"domain":"hub-paws.wmcloud.org"}"#)
  }

  @Test("a 200 with {\"error\": …} throws")
  func createRouteErrorBody() async throws {
    let (proxy, _) = client { _ in .json(200, #"{"error": "Missing backends"}"#) }
    let error = try await #require(throws: OpenStackError.self) {
      try await proxy.createRoute(domain: "hub-paws.wmcloud.org", backends: [])
    }
    #expect(error.status == 200)
    #expect(error.message == "Missing backends")
  }

  @Test("replaceBackends POSTs to the domain and is retried like a read")
  func replaceBackends() async throws {
    let calls = Counter()
    let (proxy, transport) = client { _ in
      calls.next() == 1 ? .text(502, "<html><title>502 Bad Gateway</title></html>") : .json(200, "{}")
    }
    try await proxy.replaceBackends(domain: "hub-paws.wmcloud.org", backends: ["http://172.16.3.9:30001"])
    #expect(transport.serviceRequests.count == 2)
    let request = try #require(transport.serviceRequests.last)
    #expect(request.method == "POST")
    #expect(request.url == Self.base + "/mapping/hub-paws.wmcloud.org")
    let body = try #require(request.jsonObject)
    #expect(body["domain"] as? String == "hub-paws.wmcloud.org")
    #expect(body["backends"] as? [String] == ["http://172.16.3.9:30001"])
  }

  @Test("deleting an unknown domain counts as done")
  func deleteUnknown() async throws {
    let (proxy, transport) = client { _ in .text(400, "No such domain") }
    try await proxy.deleteRoute(domain: "gone.wmcloud.org")
    #expect(transport.serviceRequests.first?.method == "DELETE")
  }
}
