import Foundation
import NIOHTTP1
import Testing

@testable import CloudSimulator

/// Keystone v3: both auth methods, the rules about scope and credentials, and the catalog.
@Suite struct KeystoneTests {
  // MARK: - Application credentials

  @Test func applicationCredentialByIDIssuesAnUnscopedRequestToken() async throws {
    try await SimulatorHarness.with { cloud in
      let response = try await cloud.send(
        .POST, "/identity/v3/auth/tokens", body: RequestBodies.applicationCredential())
      #expect(response.status == 201)
      let token = try #require(response.header("X-Subject-Token"))
      #expect(token.count >= 32)
      #expect(response.header("x-openstack-request-id")?.hasPrefix("req-") == true)
      let body = response.json["token"]
      #expect(body?["methods"] == ["application_credential"])
      #expect(body?["project"]?["id"] == "paws")
      #expect(body?["project"]?["name"] == "paws")
      #expect(body?["project"]?["domain"]?["id"] == "default")
      #expect(body?["user"]?["name"] == "simulator")
      #expect(body?["application_credential_restricted"] == true)
      #expect(body?["roles"]?.arrayValue?.isEmpty == false)
      #expect(body?["audit_ids"]?.arrayValue?.count == 1)
    }
  }

  @Test func expiryIsOneHourAheadWithMicrosecondsAndZ() async throws {
    try await SimulatorHarness.with { cloud in
      let body = try await cloud.send(.POST, "/identity/v3/auth/tokens", body: RequestBodies.applicationCredential())
        .json["token"]
      let expires = try #require(body?["expires_at"]?.stringValue)
      let issued = try #require(body?["issued_at"]?.stringValue)
      #expect(expires.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z/) != nil)
      let formatter = ISO8601DateFormatter()
      formatter.formatOptions = [.withInternetDateTime]
      let expiresAt = try #require(formatter.date(from: String(expires.prefix(19)) + "Z"))
      let issuedAt = try #require(formatter.date(from: String(issued.prefix(19)) + "Z"))
      #expect(abs(expiresAt.timeIntervalSince(issuedAt) - 3600) <= 1)
      #expect(abs(issuedAt.timeIntervalSinceNow) < 60)
    }
  }

  @Test func applicationCredentialByNameAndUserIsAccepted() async throws {
    try await SimulatorHarness.with { cloud in
      let response = try await cloud.send(
        .POST, "/identity/v3/auth/tokens", body: RequestBodies.applicationCredentialByName())
      #expect(response.status == 201)
      #expect(response.header("X-Subject-Token") != nil)
    }
  }

  @Test func applicationCredentialWithAScopeIsRefused() async throws {
    try await SimulatorHarness.with { cloud in
      let body = RequestBodies.applicationCredential(scope: ["project": ["id": "paws"]])
      let response = try await cloud.send(.POST, "/identity/v3/auth/tokens", body: body)
      #expect(response.status == 401)
      #expect(response.header("X-Subject-Token") == nil)
      #expect(response.json["error"]?["code"] == 401)
      #expect(response.json["error"]?["title"] == "Unauthorized")
      #expect(response.json["error"]?["message"]?.stringValue?.contains("scope") == true)
    }
  }

  @Test func wrongSecretIsRefused() async throws {
    try await SimulatorHarness.with { cloud in
      let response = try await cloud.send(
        .POST, "/identity/v3/auth/tokens", body: RequestBodies.applicationCredential(secret: "not-the-secret"))
      #expect(response.status == 401)
      #expect(response.json["error"]?["code"] == 401)
      let unknown = try await cloud.send(
        .POST, "/identity/v3/auth/tokens", body: RequestBodies.applicationCredential(id: "someone-else"))
      #expect(unknown.status == 401)
    }
  }

  // MARK: - Password

  @Test(arguments: [
    JSONValue(dictionaryLiteral: ("name", "paws"), ("domain", ["name": "Default"])),
    JSONValue(dictionaryLiteral: ("id", "paws")),
  ])
  func passwordScopedToTheProjectByNameOrID(project: JSONValue) async throws {
    try await SimulatorHarness.with { cloud in
      let response = try await cloud.send(
        .POST, "/identity/v3/auth/tokens", body: RequestBodies.password(project: project))
      #expect(response.status == 201)
      #expect(response.header("X-Subject-Token") != nil)
      #expect(response.json["token"]?["methods"] == ["password"])
      #expect(response.json["token"]?["project"]?["id"] == "paws")
    }
  }

  @Test func passwordForAnotherProjectOrWithAWrongPasswordIsRefused() async throws {
    try await SimulatorHarness.with { cloud in
      let otherProject = try await cloud.send(
        .POST, "/identity/v3/auth/tokens", body: RequestBodies.password(project: ["id": "pawsdev"]))
      #expect(otherProject.status == 401)
      let wrongPassword = try await cloud.send(
        .POST, "/identity/v3/auth/tokens", body: RequestBodies.password(secret: "guess"))
      #expect(wrongPassword.status == 401)
    }
  }

  @Test func malformedAuthBodyIsABadRequest() async throws {
    try await SimulatorHarness.with { cloud in
      let notJSON = try await cloud.send(.POST, "/identity/v3/auth/tokens", rawBody: "{not json")
      #expect(notJSON.status == 400)
      #expect(notJSON.json["error"]?["code"] == 400)
      let noIdentity = try await cloud.send(.POST, "/identity/v3/auth/tokens", body: ["auth": [:]])
      #expect(noIdentity.status == 400)
    }
  }

  // MARK: - Catalog

  @Test func catalogListsEveryServiceInTheRegion() async throws {
    try await SimulatorHarness.with { cloud in
      let response = try await cloud.send(
        .POST, "/identity/v3/auth/tokens", body: RequestBodies.applicationCredential())
      let catalog = try #require(response.json["token"]?["catalog"]?.arrayValue)
      let byType = Dictionary(
        uniqueKeysWithValues: catalog.compactMap { entry in
          entry["type"]?.stringValue.map { ($0, entry) }
        })
      #expect(Set(byType.keys) == ["identity", "container-infra", "network", "compute", "proxy", "object-store"])
      let expectedURLs = [
        "identity": "\(cloud.baseURL)/identity/v3",
        "container-infra": "\(cloud.baseURL)/magnum/v1",
        "network": "\(cloud.baseURL)/network",
        "compute": "\(cloud.baseURL)/compute/v2.1",
        "proxy": "\(cloud.baseURL)/proxy/v1/$(tenant_id)s",
      ]
      #expect(cloud.cloud.authURL == expectedURLs["identity"])
      for (type, url) in expectedURLs {
        let entry = try #require(byType[type])
        #expect(entry["id"]?.stringValue?.isEmpty == false)
        #expect(entry["name"]?.stringValue?.isEmpty == false)
        let endpoints = try #require(entry["endpoints"]?.arrayValue)
        #expect(Set(endpoints.compactMap { $0["interface"]?.stringValue }) == ["public", "internal"])
        for endpoint in endpoints {
          #expect(endpoint["url"]?.stringValue == url)
          #expect(endpoint["region"] == "eqiad1-r")
          #expect(endpoint["region_id"] == "eqiad1-r")
          #expect(endpoint["id"]?.stringValue?.isEmpty == false)
        }
      }
    }
  }

  // MARK: - Versions and token checks

  @Test func versionDocumentAndTokenValidation() async throws {
    try await SimulatorHarness.with { cloud in
      let version = try await cloud.send(.GET, "/identity/v3")
      #expect(version.status == 200)
      #expect(version.json["version"]?["id"] == "v3.14")
      #expect(version.json["version"]?["status"] == "stable")
      #expect(version.json["version"]?["links"]?.arrayValue?.isEmpty == false)

      let token = try await cloud.issueToken()
      let validated = try await cloud.send(
        .GET, "/identity/v3/auth/tokens", token: token, headers: [("X-Subject-Token", token)])
      #expect(validated.status == 200)
      #expect(validated.header("X-Subject-Token") == token)

      let revoked = try await cloud.send(
        .DELETE, "/identity/v3/auth/tokens", token: token, headers: [("X-Subject-Token", token)])
      #expect(revoked.status == 204)
      let afterRevoke = try await cloud.magnum(.GET, "/clusters", token: token)
      #expect(afterRevoke.status == 401)
    }
  }

  @Test func expiredTokenIsUnauthorized() async throws {
    var configuration = SimulatorConfiguration(buildSeconds: 0)
    configuration.tokenLifetimeSeconds = 0.3
    try await SimulatorHarness.with(configuration) { cloud in
      let token = try await cloud.issueToken()
      _ = try await Polling.until(timeout: .seconds(10), "the token never expired") { () async throws -> Bool? in
        let response = try await cloud.magnum(.GET, "/clusters", token: token)
        return response.status == 401 ? true : nil
      }
      let response = try await cloud.magnum(.GET, "/clusters", token: token)
      #expect(response.json["error"]?["code"] == 401)
    }
  }

  @Test func missingOrUnknownTokenIsUnauthorizedInKeystoneShape() async throws {
    try await SimulatorHarness.with { cloud in
      for token in [nil, "not-a-token"] as [String?] {
        let magnum = try await cloud.send(.GET, "/magnum/v1/clusters", token: token)
        #expect(magnum.status == 401)
        #expect(magnum.json["error"]?["code"] == 401)
        #expect(magnum.json["error"]?["title"] == "Unauthorized")
        #expect(magnum.header("x-openstack-request-id")?.hasPrefix("req-") == true)
        let proxy = try await cloud.send(.GET, "/proxy/v1/paws/mapping", token: token)
        #expect(proxy.status == 401)
        #expect(proxy.json["error"]?["code"] == 401)
      }
    }
  }
}
