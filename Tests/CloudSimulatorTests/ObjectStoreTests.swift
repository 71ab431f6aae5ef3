import Foundation
import OpenStack
import Testing

@testable import CloudSimulator

/// Swift's object-store API in the simulator, driven by `ObjectStoreClient` over real HTTP and, for the answers a
/// client does not surface (status codes, listings' plain form, another project's account), by raw requests.
@Suite struct ObjectStoreTests {
  private static func client(_ cloud: SimulatorHarness, transport: AsyncHTTPClientTransport) -> ObjectStoreClient {
    let config = CloudConfig(
      name: "simulator", authURL: cloud.cloud.authURL,
      auth: .applicationCredential(
        id: "cutover-simulator", name: nil, secret: "simulator-secret", userName: nil, userID: nil,
        userDomainName: nil),
      regionName: "eqiad1-r")
    return ObjectStoreClient(
      session: OpenStackSession(config: config, transport: transport, retry: RetryPolicy(maxAttempts: 1)))
  }

  @Test("containers, objects and listings: create once, ETag the MD5, If-None-Match refuses a second, pages follow")
  func roundTrip() async throws {
    try await SimulatorHarness.with { cloud in
      let transport = try AsyncHTTPClientTransport()
      do {
        let store = Self.client(cloud, transport: transport)
        #expect(try await store.container("paws-state") == nil)
        try await store.createContainer("paws-state")
        try await store.createContainer("paws-state")
        let created = try #require(try await store.container("paws-state"))
        #expect(created == ObjectStoreClient.Container(objectCount: 0, bytesUsed: 0, readACL: nil))
        #expect(!created.isPublic)

        let data = Data("hello\n".utf8)
        let stored = try await store.put(
          container: "paws-state", object: "eqiad1/index.json", data: data, contentType: "application/json",
          exclusive: true)
        #expect(stored.etag == "b1946ac92492d2347c6235b4d2611184")
        await #expect(throws: ObjectStoreClient.WriteRefusal.exists(object: "eqiad1/index.json")) {
          try await store.put(
            container: "paws-state", object: "eqiad1/index.json", data: Data("other".utf8),
            contentType: "application/json", exclusive: true)
        }
        #expect(try await store.get(container: "paws-state", object: "eqiad1/index.json") == data)
        // Without the condition a write replaces.
        try await store.put(
          container: "paws-state", object: "eqiad1/index.json", data: Data("v2".utf8), contentType: "text/plain")
        #expect(try await store.get(container: "paws-state", object: "eqiad1/index.json") == Data("v2".utf8))
        #expect(try await store.get(container: "paws-state", object: "missing") == nil)
        #expect(try await store.get(container: "no-such-container", object: "x") == nil)

        for name in ["eqiad1/snapshots/b", "eqiad1/snapshots/a", "codfw/index.json"] {
          try await store.put(container: "paws-state", object: name, data: Data(name.utf8), contentType: "text/plain")
        }
        #expect(
          try await store.list(container: "paws-state", prefix: "eqiad1/").map(\.name) == [
            "eqiad1/index.json", "eqiad1/snapshots/a", "eqiad1/snapshots/b",
          ])
        let entry = try #require(try await store.list(container: "paws-state", prefix: "codfw/").first)
        #expect(entry.bytes == 16 && entry.hash == ObjectStoreClient.md5(Data("codfw/index.json".utf8)))

        try await store.delete(container: "paws-state", object: "eqiad1/snapshots/a")
        try await store.delete(container: "paws-state", object: "eqiad1/snapshots/a")
        #expect(try await store.container("paws-state")?.objectCount == 3)
      } catch {
        try await transport.shutdown()
        throw error
      }
      try await transport.shutdown()
    }
  }

  @Test("the wire: 201 then 202 for a container, 412 for If-None-Match, 422 for a wrong ETag, 409 for a full container")
  func statuses() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let account = "/object-store/v1/AUTH_paws"
      #expect(try await cloud.send(.PUT, account + "/snaps", token: token).status == 201)
      #expect(try await cloud.send(.PUT, account + "/snaps", token: token).status == 202)
      let put = try await cloud.send(
        .PUT, account + "/snaps/a", token: token, rawBody: "x", headers: [("If-None-Match", "*")])
      #expect(put.status == 201)
      #expect(put.headers.first(name: "ETag") == "9dd4e461268c8034f5c8564e155c67a6")
      #expect(
        try await cloud.send(.PUT, account + "/snaps/a", token: token, rawBody: "y", headers: [("If-None-Match", "*")])
          .status == 412)
      #expect(
        try await cloud.send(.PUT, account + "/snaps/b", token: token, rawBody: "y", headers: [("ETag", "0000")]).status
          == 422)
      #expect(try await cloud.send(.DELETE, account + "/snaps", token: token).status == 409)
      let listing = try await cloud.send(.GET, account + "/snaps", token: token)
      #expect(listing.status == 200 && String(decoding: listing.body, as: UTF8.self) == "a\n")
      #expect(try await cloud.send(.GET, account + "/snaps?prefix=zzz", token: token).status == 204)
      // Another project's account is not this token's.
      #expect(try await cloud.send(.GET, "/object-store/v1/AUTH_other", token: token).status == 403)
      #expect(try await cloud.send(.GET, account + "/snaps").status == 401)
      // A read ACL is kept and answered; POST clears it.
      #expect(
        try await cloud.send(
          .POST, account + "/snaps", token: token, headers: [("X-Container-Read", ".r:*,.rlistings")]
        ).status == 204)
      let head = try await cloud.send(.HEAD, account + "/snaps", token: token)
      #expect(head.headers.first(name: "X-Container-Read") == ".r:*,.rlistings")
      #expect(head.headers.first(name: "X-Container-Object-Count") == "1")
      #expect(
        try await cloud.send(.POST, account + "/snaps", token: token, headers: [("X-Remove-Container-Read", "x")])
          .status == 204)
      #expect(
        try await cloud.send(.HEAD, account + "/snaps", token: token).headers.first(name: "X-Container-Read") == nil)
    }
  }

  @Test("a container readable without a token is public; a project-scoped ACL is not")
  func publicACL() {
    #expect(ObjectStoreClient.Container(objectCount: 0, bytesUsed: 0, readACL: ".r:*").isPublic)
    #expect(ObjectStoreClient.Container(objectCount: 0, bytesUsed: 0, readACL: "paws:ci, .rlistings").isPublic)
    #expect(!ObjectStoreClient.Container(objectCount: 0, bytesUsed: 0, readACL: "paws:ci").isPublic)
    #expect(!ObjectStoreClient.Container(objectCount: 0, bytesUsed: 0, readACL: nil).isPublic)
  }
}
