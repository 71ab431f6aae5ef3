import Foundation

@testable import OpenStack

// MARK: - FakeCloud

/// Keystone answers and catalogs for session tests, and sessions wired to a ``FakeTransport``.
enum FakeCloud {
  static let authURL = "https://keystone.example.test:25000/v3"
  static let region = "eqiad1-r"
  static let magnumURL = "https://magnum.example.test:29511/v1"
  static let proxyURL = "https://proxy-api.example.test:28889/v1/$(tenant_id)s"
  static let neutronURL = "https://openstack.example.test:29696"
  static let novaURL = "https://openstack.example.test:28774/v2.1"
  static let applicationCredentialSecret = "app-cred-Secret-0451-must-not-leak"
  static let password = "Password-8812-must-not-leak"

  static let applicationCredentialConfig = CloudConfig(
    name: "paws-eqiad1",
    authURL: authURL,
    auth: .applicationCredential(
      id: "0f1e2d3c4b5a", name: nil, secret: applicationCredentialSecret, userName: nil, userID: nil,
      userDomainName: nil
    ),
    regionName: region
  )

  static let passwordConfig = CloudConfig(
    name: "paws-password",
    authURL: authURL,
    auth: .password(
      username: "paws-deployer", password: password, userDomainName: "Default", projectName: "paws",
      projectID: nil, projectDomainName: "Default"
    ),
    regionName: region
  )

  // MARK: - Catalogs

  /// One catalog entry with one endpoint per interface.
  static func entry(
    type: String, url: String, region: String = region, regionID: String? = nil,
    interfaces: [String] = ["public"]
  ) -> [String: Any] {
    [
      "type": type,
      "name": type,
      "id": UUID().uuidString,
      "endpoints": interfaces.map { interface in
        [
          "id": UUID().uuidString, "interface": interface, "region": region, "region_id": regionID ?? region,
          "url": url,
        ]
      },
    ]
  }

  static var standardCatalog: [[String: Any]] {
    [
      entry(type: "identity", url: authURL, interfaces: ["admin", "public"]),
      entry(type: "container-infra", url: magnumURL),
      entry(type: "proxy", url: proxyURL),
    ]
  }

  /// The standard catalog plus Neutron (`network`, unversioned) and Nova (`compute`, ending in `/v2.1`).
  static var networkAndComputeCatalog: [[String: Any]] {
    standardCatalog + [entry(type: "network", url: neutronURL), entry(type: "compute", url: novaURL)]
  }

  /// A `POST /auth/tokens` body (the application-credential sample's shape).
  static func tokenBody(
    projectID: String = "paws", catalog: [[String: Any]] = standardCatalog,
    expiresAt: String = "2099-05-20T18:30:00.000000Z"
  ) -> Data {
    let token: [String: Any] = [
      "token": [
        "methods": ["application_credential"],
        "expires_at": expiresAt,
        "issued_at": "2025-05-20T17:30:00.000000Z",
        "project": ["id": projectID, "name": projectID, "domain": ["id": "default", "name": "Default"]],
        "user": ["id": "7b8c9d0e", "name": "paws-deployer", "domain": ["id": "default", "name": "Default"]],
        "roles": [["id": "3e1f", "name": "member"]],
        "catalog": catalog,
      ]
    ]
    // A literal of plain strings, lists and maps always serializes; an empty body would fail the tests that read it.
    return (try? JSONSerialization.data(withJSONObject: token)) ?? Data()
  }

  /// A transport that issues tokens `token-1`, `token-2`… and hands every other request to `service`.
  static func transport(
    tokenBody: Data = tokenBody(), service: @escaping FakeTransport.Handler
  ) -> FakeTransport {
    let issued = Counter()
    return FakeTransport { request in
      if request.url.hasSuffix("/auth/tokens") {
        return HTTPResponse(
          status: 201,
          headers: ["X-Subject-Token": "token-\(issued.next())", "Content-Type": "application/json"],
          body: tokenBody
        )
      }
      return try await service(request)
    }
  }

  static func session(
    transport: FakeTransport, config: CloudConfig = applicationCredentialConfig,
    retry: RetryPolicy = RetryPolicy(), sleeper: SleepRecorder = SleepRecorder()
  ) -> OpenStackSession {
    OpenStackSession(config: config, transport: transport, retry: retry, sleep: sleeper.sleep)
  }
}

// MARK: - Fixtures

/// The JSON files in `Fixtures/`.
enum Fixture {
  static func data(_ name: String) throws -> Data {
    guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures") else {
      throw FixtureMissing(name: name)
    }
    return try Data(contentsOf: url)
  }

  static func text(_ name: String) throws -> String {
    String(decoding: try data(name), as: UTF8.self)
  }

  struct FixtureMissing: Error {
    var name: String
  }
}
