import CutoverKit
import Foundation
import Testing
import Yams

/// The rendered kubeconfig and how it is written.
@Suite struct KubeconfigDocumentTests {
  private static let authorityPEM = "-----BEGIN CERTIFICATE-----\nQ0EtY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"
  private static let clientPEM = "-----BEGIN CERTIFICATE-----\nY2xpZW50LWNlcnQ=\n-----END CERTIFICATE-----\n"

  private static func document(named name: String = "paws-128a") throws -> (KubeconfigDocument, ClientCredentials) {
    let credentials = try ClientCredentials()
    let document = KubeconfigDocument(
      clusterName: name, server: "https://172.16.1.20:6443", certificateAuthorityPEM: authorityPEM,
      clientCertificatePEM: clientPEM, credentials: credentials)
    return (document, credentials)
  }

  private static func decoded(_ field: Any?) -> String? {
    (field as? String).flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
  }

  @Test func theYAMLHoldsClusterUserAndCurrentContext() throws {
    let (document, credentials) = try Self.document()
    let yaml = try #require(try Yams.load(yaml: try document.rendered()) as? [String: Any])
    #expect(yaml["apiVersion"] as? String == "v1")
    #expect(yaml["kind"] as? String == "Config")
    #expect(yaml["current-context"] as? String == "paws-128a")

    let clusters = try #require(yaml["clusters"] as? [[String: Any]])
    #expect(clusters.count == 1)
    #expect(clusters.first?["name"] as? String == "paws-128a")
    let cluster = try #require(clusters.first?["cluster"] as? [String: Any])
    #expect(cluster["server"] as? String == "https://172.16.1.20:6443")
    #expect(Self.decoded(cluster["certificate-authority-data"]) == Self.authorityPEM)

    let users = try #require(yaml["users"] as? [[String: Any]])
    #expect(users.first?["name"] as? String == "paws-128a-admin")
    let user = try #require(users.first?["user"] as? [String: Any])
    #expect(Self.decoded(user["client-certificate-data"]) == Self.clientPEM)
    #expect(Self.decoded(user["client-key-data"]) == credentials.privateKeyPEM)

    let contexts = try #require(yaml["contexts"] as? [[String: Any]])
    #expect(contexts.first?["name"] as? String == "paws-128a")
    let context = try #require(contexts.first?["context"] as? [String: Any])
    #expect(context["cluster"] as? String == "paws-128a")
    #expect(context["user"] as? String == "paws-128a-admin")
  }

  @Test func aNameThatLooksLikeANumberStaysAString() throws {
    let (document, _) = try Self.document(named: "128")
    let yaml = try #require(try Yams.load(yaml: try document.rendered()) as? [String: Any])
    #expect(yaml["current-context"] as? String == "128")
  }

  @Test func writingCreatesAFileReadableByItsOwnerOnly() throws {
    try withTemporaryDirectory { directory in
      let (document, _) = try Self.document()
      let path = directory + "/128a.config"
      try document.write(to: path)
      let attributes = try FileManager.default.attributesOfItem(atPath: path)
      #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
      #expect(try String(contentsOfFile: path, encoding: .utf8) == document.rendered())
      #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["128a.config"])
    }
  }

  @Test func rewritingReplacesAnOpenFileAtomicallyAndTightensItsMode() throws {
    try withTemporaryDirectory { directory in
      let path = directory + "/kube.config"
      #expect(
        FileManager.default.createFile(atPath: path, contents: Data("old".utf8), attributes: [.posixPermissions: 0o644])
      )
      let (document, _) = try Self.document()
      try document.write(to: path)
      let attributes = try FileManager.default.attributesOfItem(atPath: path)
      #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
      #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("apiVersion"))
      #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["kube.config"])
    }
  }

  @Test func aFailedWriteNamesThePathAndNoKey() throws {
    try withTemporaryDirectory { directory in
      let (document, credentials) = try Self.document()
      let path = directory + "/missing/128a.config"
      let error = #expect(throws: KubeconfigError.self) { try document.write(to: path) }
      let text = String(describing: try #require(error))
      #expect(text.contains(path))
      #expect(text.contains("No such file or directory"))
      #expect(!KeyMaterial.appears(in: text, key: credentials.privateKeyPEM))
      #expect(!KeyMaterial.appears(in: String(reflecting: try #require(error)), key: credentials.privateKeyPEM))
    }
  }

  @Test func theDocumentNeverDescribesItsKey() throws {
    let (document, credentials) = try Self.document()
    var dumped = ""
    dump(document, to: &dumped)
    for text in [String(describing: document), String(reflecting: document), dumped] {
      #expect(!KeyMaterial.appears(in: text, key: credentials.privateKeyPEM), "\(text)")
    }
    #expect(String(describing: document).contains("paws-128a"))
  }
}
