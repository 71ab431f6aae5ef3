import Foundation
import NIOHTTP1
import Testing

@testable import CloudSimulator

/// Nova server groups: per-microversion shapes and validation, create answering 200, Nova's error bodies.
@Suite struct NovaTests {
  private func nova(
    _ cloud: SimulatorHarness, _ method: HTTPMethod, _ path: String, token: String, body: JSONValue? = nil,
    microversion: String? = "2.64", legacy: Bool = false
  ) async throws -> WireResponse {
    let headers: [(String, String)] =
      microversion.map {
        legacy ? [("X-OpenStack-Nova-API-Version", $0)] : [("OpenStack-API-Version", "compute \($0)")]
      }
      ?? []
    return try await cloud.send(method, "/compute/v2.1" + path, token: token, body: body, headers: headers)
  }

  @Test func serverGroupLifecycleAt264() async throws {
    try await SimulatorHarness.with { cloud in
      let versions = try await cloud.send(.GET, "/compute/v2.1")
      #expect(versions.status == 200)
      #expect(versions.json["version"]?["min_version"] == "2.1")
      let token = try await cloud.issueToken()
      let created = try await nova(
        cloud, .POST, "/os-server-groups", token: token,
        body: ["server_group": ["name": "paws-cp", "policy": "anti-affinity", "rules": ["max_server_per_host": 1]]])
      #expect(created.status == 200)
      #expect(created.header("OpenStack-API-Version") == "compute 2.64")
      #expect(created.header("X-OpenStack-Nova-API-Version") == "2.64")
      let group = try #require(created.json["server_group"])
      let id = try #require(group["id"]?.stringValue)
      #expect(group["name"] == "paws-cp")
      #expect(group["policy"] == "anti-affinity")
      #expect(group["rules"] == ["max_server_per_host": 1])
      #expect(group["members"] == [])
      #expect(group["project_id"] == "paws")
      #expect(group["user_id"]?.stringValue?.isEmpty == false)
      #expect(group["policies"] == nil)
      #expect(group["metadata"] == nil)

      let shown = try await nova(cloud, .GET, "/os-server-groups/\(id)", token: token)
      #expect(shown.status == 200)
      #expect(shown.json["server_group"] == group)
      let listed = try await nova(cloud, .GET, "/os-server-groups", token: token)
      #expect(listed.json["server_groups"] == [group])

      #expect(try await nova(cloud, .DELETE, "/os-server-groups/\(id)", token: token).status == 204)
      let missing = try await nova(cloud, .GET, "/os-server-groups/\(id)", token: token)
      #expect(missing.status == 404)
      #expect(missing.json["itemNotFound"]?["code"] == 404)
      #expect(missing.json["itemNotFound"]?["message"]?.stringValue == "Instance group \(id) could not be found.")
      #expect(try await nova(cloud, .DELETE, "/os-server-groups/\(id)", token: token).status == 404)
    }
  }

  @Test func olderMicroversionsUsePoliciesAndRefuseSoftPoliciesBefore215() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let plain = try await nova(
        cloud, .POST, "/os-server-groups", token: token,
        body: ["server_group": ["name": "haproxy", "policies": ["anti-affinity"]]], microversion: nil)
      #expect(plain.status == 200)
      #expect(plain.header("OpenStack-API-Version") == "compute 2.1")
      let group = try #require(plain.json["server_group"])
      #expect(group["policies"] == ["anti-affinity"])
      #expect(group["metadata"] == [:])
      #expect(group["policy"] == nil)
      #expect(group["project_id"] == nil)

      let soft = try await nova(
        cloud, .POST, "/os-server-groups", token: token,
        body: ["server_group": ["name": "workers", "policies": ["soft-anti-affinity"]]], microversion: "2.15",
        legacy: true)
      #expect(soft.status == 200)
      #expect(soft.header("X-OpenStack-Nova-API-Version") == "2.15")
      #expect(soft.json["server_group"]?["project_id"] == "paws")

      let tooOld = try await nova(
        cloud, .POST, "/os-server-groups", token: token,
        body: ["server_group": ["name": "workers", "policies": ["soft-anti-affinity"]]], microversion: "2.14")
      #expect(tooOld.status == 400)
      #expect(tooOld.json["badRequest"]?["message"]?.stringValue?.contains("soft-anti-affinity") == true)
      #expect(tooOld.json["badRequest"]?["code"] == 400)

      let softNew = try await nova(
        cloud, .POST, "/os-server-groups", token: token,
        body: ["server_group": ["name": "workers", "policy": "soft-anti-affinity"]])
      #expect(softNew.status == 200)
      // Shown at 2.64, an old group reads with a policy, and at 2.1 a new one with policies.
      let all = try await nova(cloud, .GET, "/os-server-groups", token: token, microversion: "2.1")
      #expect(
        all.json["server_groups"]?.arrayValue?.map { $0["policies"] } == [
          ["anti-affinity"], ["soft-anti-affinity"], ["soft-anti-affinity"],
        ])
    }
  }

  @Test func bodiesAreValidatedPerMicroversion() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let cases: [(JSONValue, String?, String)] = [
        (["server_group": ["name": "x", "policies": ["affinity"]]], "2.64", "'policies' was unexpected"),
        (["server_group": ["name": "x", "policy": "affinity"]], "2.63", "'policy' was unexpected"),
        (["server_group": ["name": "x"]], "2.64", "'policy' is a required property"),
        (["server_group": ["name": "x", "policy": "mostly-affinity"]], "2.64", "is not one of"),
        (["server_group": ["name": "x", "policies": ["affinity", "anti-affinity"]]], "2.1", "exactly one"),
        (["server_group": ["policy": "affinity"]], "2.64", "name"),
        (
          ["server_group": ["name": "x", "policy": "affinity", "rules": ["max_server_per_host": 2]]], "2.64",
          "Only anti-affinity"
        ),
        (
          ["server_group": ["name": "x", "policy": "anti-affinity", "rules": ["max_server_per_host": 0]]], "2.64",
          "max_server_per_host"
        ),
        (["name": "x"], "2.64", "server_group"),
      ]
      for (body, version, text) in cases {
        let response = try await nova(
          cloud, .POST, "/os-server-groups", token: token, body: body, microversion: version)
        #expect(response.status == 400, "\(body): \(response.text)")
        #expect(response.json["badRequest"]?["message"]?.stringValue?.contains(text) == true, "\(response.text)")
      }
      #expect(try await nova(cloud, .GET, "/os-server-groups", token: token).json["server_groups"] == [])
    }
  }

  @Test func microversionNegotiation() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let tooNew = try await nova(cloud, .GET, "/os-server-groups", token: token, microversion: "2.999")
      #expect(tooNew.status == 406)
      let message = try #require(tooNew.json["computeFault"]?["message"]?.stringValue)
      #expect(message.contains("Minimum is 2.1 and maximum is \(ComputeMicroversion.maximum)."))
      let malformed = try await nova(cloud, .GET, "/os-server-groups", token: token, microversion: "two")
      #expect(malformed.status == 400)
      #expect(malformed.json["badRequest"] != nil)
      let latest = try await nova(cloud, .GET, "/os-server-groups", token: token, microversion: "latest")
      #expect(latest.header("OpenStack-API-Version") == ComputeMicroversion.maximum.headerValue)
      #expect(try await nova(cloud, .GET, "/os-server-groups", token: "bogus").status == 401)
    }
  }
}
