import Foundation
import Testing

@testable import OpenStack

// MARK: - MagnumClient certificates

@Suite("MagnumClient certificates")
struct MagnumCertificateTests {
  private static let clusterUUID = "b3f1d2c4-6e8a-4f0b-9c1d-2e3f4a5b6c7d"
  private static let csr = "-----BEGIN CERTIFICATE REQUEST-----\nMIHTMHoCAQAw\n-----END CERTIFICATE REQUEST-----\n"

  private func client(_ service: @escaping FakeTransport.Handler) -> (MagnumClient, FakeTransport) {
    let transport = FakeCloud.transport(service: service)
    return (MagnumClient(session: FakeCloud.session(transport: transport)), transport)
  }

  @Test("the CA is read from GET /certificates/{cluster_uuid} and its pem returned")
  func showCertificateAuthority() async throws {
    let (magnum, transport) = client { _ in .json(200, try Fixture.text("certificates-ca-show-resp")) }
    let pem = try await magnum.certificateAuthority(clusterID: Self.clusterUUID)
    #expect(pem.hasPrefix("-----BEGIN CERTIFICATE-----\nMIIBfzCC"))
    #expect(pem.hasSuffix("-----END CERTIFICATE-----\n"))
    let request = try #require(transport.serviceRequests.first)
    #expect(request.method == "GET")
    #expect(request.path == "/v1/certificates/\(Self.clusterUUID)")
    #expect(request.header("OpenStack-API-Version") == "container-infra 1.10")
    #expect(request.body == nil)
  }

  @Test("a CSR is posted to /certificates with cluster_uuid and csr, and the signed pem returned")
  func signCertificate() async throws {
    let (magnum, transport) = client { _ in .json(201, try Fixture.text("certificates-ca-sign-resp")) }
    let pem = try await magnum.signCertificate(clusterID: Self.clusterUUID, csrPEM: Self.csr)
    #expect(pem.hasPrefix("-----BEGIN CERTIFICATE-----\nMIIBmjCC"))
    let request = try #require(transport.serviceRequests.first)
    #expect(request.method == "POST")
    #expect(request.path == "/v1/certificates")
    #expect(request.header("content-type") == "application/json")
    #expect(request.header("OpenStack-API-Version") == "container-infra 1.10")
    let body = try #require(request.jsonObject)
    #expect(body.keys.sorted() == ["cluster_uuid", "csr"])
    #expect(body["cluster_uuid"] as? String == Self.clusterUUID)
    #expect(body["csr"] as? String == Self.csr)
  }

  @Test("signing is repeated after a 500, since posting the same CSR again is harmless")
  func signIsRetriedAsIdempotent() async throws {
    let attempts = Counter()
    let (magnum, transport) = client { _ in
      attempts.next() == 1
        ? .json(500, try Fixture.text("magnum-error-500")) : .json(201, try Fixture.text("certificates-ca-sign-resp"))
    }
    _ = try await magnum.signCertificate(clusterID: Self.clusterUUID, csrPEM: Self.csr)
    #expect(transport.serviceRequests.count == 2)
    #expect(transport.serviceRequests.allSatisfy { $0.path == "/v1/certificates" })
  }

  @Test("an unknown cluster's CA is a 404 OpenStackError")
  func unknownCluster() async throws {
    let (magnum, _) = client { _ in .json(404, try Fixture.text("magnum-error-404")) }
    let error = await #expect(throws: OpenStackError.self) {
      _ = try await magnum.certificateAuthority(clusterID: "paws-g9")
    }
    #expect(error?.isNotFound == true)
  }

  @Test("a body without pem is a decoding error, not an empty certificate")
  func missingPEM() async throws {
    let (magnum, _) = client { _ in .json(200, #"{"cluster_uuid": "b3f1d2c4"}"#) }
    await #expect(throws: (any Error).self) {
      _ = try await magnum.certificateAuthority(clusterID: Self.clusterUUID)
    }
  }
}
