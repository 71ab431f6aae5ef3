import Crypto
import Foundation
import NIOHTTP1
import SwiftASN1
import Testing
import X509

@testable import CloudSimulator

/// Magnum's certificates API: each cluster's CA, and client certificates it signs from a CSR.
@Suite struct CertificateTests {
  /// A CSR for `CN=admin, O=system:masters` made with swift-certificates, and its key.
  private static func request() throws -> (csr: CertificateSigningRequest, pem: String) {
    let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
    let subject = try DistinguishedName {
      OrganizationName("system:masters")
      CommonName("admin")
    }
    let csr = try CertificateSigningRequest(
      version: .v1, subject: subject, privateKey: key, attributes: CertificateSigningRequest.Attributes())
    return (csr, try csr.serializeAsPEM().pemString)
  }

  private static func clusterWithToken(_ cloud: SimulatorHarness) async throws -> (token: String, uuid: String) {
    let token = try await cloud.issueToken()
    let template = try await cloud.createTemplate(token: token)
    let uuid = try await cloud.createCluster(token: token, name: "paws-128a", template: template)
    return (token, uuid)
  }

  // MARK: - Show

  @Test func showAnswersTheClusterCAInMagnumsShape() async throws {
    try await SimulatorHarness.with { cloud in
      let (token, uuid) = try await Self.clusterWithToken(cloud)
      let shown = try await cloud.magnum(.GET, "/certificates/\(uuid)", token: token)
      #expect(shown.status == 200)
      #expect(shown.json.objectValue?.keys.sorted() == ["cluster_uuid", "links", "pem"])
      #expect(shown.json["cluster_uuid"]?.stringValue == uuid)
      let selfLink = shown.json["links"]?.arrayValue?.first?["href"]?.stringValue
      #expect(selfLink?.hasSuffix("/magnum/v1/certificates/\(uuid)") == true)
      let pem = try #require(shown.json["pem"]?.stringValue)
      let authority = try Certificate(pemEncoded: pem)
      #expect(authority.subject == authority.issuer)
      #expect(authority.publicKey.isValidSignature(authority.signature, for: authority))
      #expect(try authority.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))

      let again = try await cloud.magnum(.GET, "/certificates/paws-128a", token: token)
      #expect(again.json["pem"]?.stringValue == pem, "the CA is made once and kept; names are accepted too")
    }
  }

  @Test func eachClusterHasItsOwnCA() async throws {
    try await SimulatorHarness.with { cloud in
      let (token, first) = try await Self.clusterWithToken(cloud)
      let template = try await cloud.createTemplate(token: token, name: "other-template")
      let second = try await cloud.createCluster(token: token, name: "paws-128b", template: template)
      let firstPEM = try await cloud.magnum(.GET, "/certificates/\(first)", token: token).json["pem"]
      let secondPEM = try await cloud.magnum(.GET, "/certificates/\(second)", token: token).json["pem"]
      #expect(firstPEM != nil && firstPEM != secondPEM)
    }
  }

  // MARK: - Sign

  @Test func signIssuesAClientCertificateFromTheCSR() async throws {
    try await SimulatorHarness.with { cloud in
      let (token, uuid) = try await Self.clusterWithToken(cloud)
      let (csr, csrPEM) = try Self.request()
      let signed = try await cloud.magnum(
        .POST, "/certificates", token: token, body: ["cluster_uuid": .string(uuid), "csr": .string(csrPEM)])
      #expect(signed.status == 201)
      #expect(signed.json.objectValue?.keys.sorted() == ["cluster_uuid", "csr", "links", "pem"])
      #expect(signed.json["cluster_uuid"]?.stringValue == uuid)
      #expect(signed.json["csr"]?.stringValue == csrPEM)

      let authorityPEM = try #require(
        try await cloud.magnum(.GET, "/certificates/\(uuid)", token: token).json["pem"]?.stringValue)
      let authority = try Certificate(pemEncoded: authorityPEM)
      let certificate = try Certificate(pemEncoded: try #require(signed.json["pem"]?.stringValue))
      #expect(authority.publicKey.isValidSignature(certificate.signature, for: certificate))
      #expect(certificate.issuer == authority.subject)
      #expect(certificate.subject == csr.subject)
      #expect(certificate.publicKey == csr.publicKey)
      #expect(try certificate.extensions.extendedKeyUsage == ExtendedKeyUsage([.clientAuth]))
      #expect(try certificate.extensions.basicConstraints == .notCertificateAuthority)
      let validity = certificate.notValidAfter.timeIntervalSince(certificate.notValidBefore)
      #expect(abs(validity - 365 * 24 * 60 * 60) < 2)
      #expect(abs(certificate.notValidBefore.timeIntervalSinceNow) < 120)
    }
  }

  @Test func signAcceptsTheClusterName() async throws {
    try await SimulatorHarness.with { cloud in
      let (token, uuid) = try await Self.clusterWithToken(cloud)
      let signed = try await cloud.magnum(
        .POST, "/certificates", token: token,
        body: ["cluster_uuid": "paws-128a", "csr": .string(try Self.request().pem)])
      #expect(signed.status == 201)
      #expect(signed.json["cluster_uuid"]?.stringValue == uuid)
    }
  }

  @Test func aCSRThatDoesNotParseIsABadRequest() async throws {
    try await SimulatorHarness.with { cloud in
      let (token, uuid) = try await Self.clusterWithToken(cloud)
      let signed = try await cloud.magnum(
        .POST, "/certificates", token: token,
        body: ["cluster_uuid": .string(uuid), "csr": "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n"])
      #expect(signed.status == 400)
      #expect(signed.json["errors"]?.arrayValue?.first?["status"] == 400)
      let missing = try await cloud.magnum(.POST, "/certificates", token: token, body: ["cluster_uuid": .string(uuid)])
      #expect(missing.status == 400)
    }
  }

  // MARK: - Unknown cluster

  @Test func unknownClusterIsA404InMagnumsErrorShape() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let shown = try await cloud.magnum(.GET, "/certificates/paws-g9", token: token)
      #expect(shown.status == 404)
      let error = try #require(shown.json["errors"]?.arrayValue?.first)
      #expect(error["status"] == 404)
      #expect(error["code"] == "client")
      #expect(error["title"]?.stringValue == "Cluster paws-g9 could not be found.")

      // As Magnum does for a POST naming a missing cluster, the sign request is refused as a bad request.
      let signed = try await cloud.magnum(
        .POST, "/certificates", token: token, body: ["cluster_uuid": "paws-g9", "csr": .string(try Self.request().pem)])
      #expect(signed.status == 400)
      #expect(signed.json["errors"]?.arrayValue?.first?["title"]?.stringValue == "Cluster paws-g9 could not be found.")
    }
  }

  @Test func aDeletedClusterTakesItsCAAlong() async throws {
    try await SimulatorHarness.with { cloud in
      let (token, uuid) = try await Self.clusterWithToken(cloud)
      #expect(try await cloud.magnum(.GET, "/certificates/\(uuid)", token: token).status == 200)
      #expect(try await cloud.magnum(.DELETE, "/clusters/\(uuid)", token: token).status == 204)
      #expect(try await cloud.magnum(.GET, "/certificates/\(uuid)", token: token).status == 404)
    }
  }

  @Test func theCAOutlivesTheSimulatorProcess() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cutover-ca-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let configuration = SimulatorConfiguration(
      databasePath: directory.appendingPathComponent("cloud.sqlite").path, buildSeconds: 0)
    let (token, uuid, pem) = try await SimulatorHarness.with(configuration) { cloud in
      let (token, uuid) = try await Self.clusterWithToken(cloud)
      let shown = try await cloud.magnum(.GET, "/certificates/\(uuid)", token: token)
      let pem = try #require(shown.json["pem"]?.stringValue, "no CA was shown: \(shown.status) \(shown.text)")
      return (token, uuid, pem)
    }
    #expect(try Certificate(pemEncoded: pem).subject.description.contains("paws-128a"), "\(pem)")
    try await SimulatorHarness.with(configuration) { cloud in
      let shown = try await cloud.magnum(.GET, "/certificates/\(uuid)", token: token)
      #expect(shown.status == 200, "\(shown.text)")
      #expect(shown.json["pem"]?.stringValue == pem, "the second process made another CA")
    }
  }
}
