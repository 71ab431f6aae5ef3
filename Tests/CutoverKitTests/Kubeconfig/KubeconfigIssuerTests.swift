import CutoverKit
import Foundation
import OpenStack
import SwiftASN1
import TestSupport
import Testing
import X509
import Yams

/// A kubeconfig issued end to end against the simulated cloud's certificates API.
@Suite struct KubeconfigIssuerTests {
  @Test func aKubeconfigIsIssuedFromTheClusterCAAndASignedRequest() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cutover-kube-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("128a.config").path

    let (document, cluster) = try await SimulatedCloud.withClients(
      databasePath: directory.appendingPathComponent("cloud.sqlite").path
    ) { clients in
      let template = try await clients.magnum.createClusterTemplate(
        ClusterTemplateCreateRequest(
          name: "template_128a", imageID: "Fedora-CoreOS-38", keypairID: "paws-magnum-vm",
          flavorID: "g4.cores8.ram32.disk20"))
      let uuid = try await clients.magnum.createCluster(
        ClusterCreateRequest(
          name: "paws-128a", clusterTemplateID: template.uuid, masterCount: 1, nodeCount: 2, createTimeout: 60))
      let cluster = try #require(try await clients.magnum.cluster(id: uuid))
      let document = try await KubeconfigIssuer(magnum: clients.magnum).issue(for: cluster)
      try document.write(to: path)
      return (document, cluster)
    }

    #expect(document.clusterName == "paws-128a")
    #expect(document.server == cluster.apiAddress)
    let authority = try Certificate(pemEncoded: document.certificateAuthorityPEM)
    let client = try Certificate(pemEncoded: document.clientCertificatePEM)
    #expect(authority.publicKey.isValidSignature(client.signature, for: client))
    #expect(client.subject.description.contains("CN=admin"))
    #expect(client.subject.description.contains("O=system:masters"))

    let yaml = try #require(try Yams.load(yaml: String(contentsOfFile: path, encoding: .utf8)) as? [String: Any])
    #expect(yaml["current-context"] as? String == "paws-128a")
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
  }

  @Test func aClusterWithoutAnAPIAddressIsRefusedBeforeAnyKeyIsMade() async throws {
    let cluster = Cluster(uuid: "b3f1d2c4", name: "paws-128a", status: "CREATE_IN_PROGRESS", clusterTemplateID: "t")
    let session = OpenStackSession(
      config: CloudConfig(
        name: "unused", authURL: "http://127.0.0.1:9/v3",
        auth: .applicationCredential(
          id: "id", name: nil, secret: "secret", userName: nil, userID: nil, userDomainName: nil)),
      transport: RefusingTransport())
    let error = await #expect(throws: KubeconfigError.self) {
      _ = try await KubeconfigIssuer(magnum: MagnumClient(session: session)).issue(for: cluster)
    }
    #expect(error == .noAPIAddress(cluster: "paws-128a"))
  }
}

/// A transport that fails the test if anything is sent.
private struct RefusingTransport: HTTPTransport {
  struct Refused: Error {}

  func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
    Issue.record("no request was expected, got \(request.method) \(request.url)")
    throw Refused()
  }
}
