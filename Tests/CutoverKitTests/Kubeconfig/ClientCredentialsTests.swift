import Crypto
import CutoverKit
import Foundation
import SwiftASN1
import Testing
import X509

/// The locally generated client key and its certificate request.
@Suite struct ClientCredentialsTests {
  @Test func theRequestNamesAdminInSystemMastersAndIsSelfSigned() throws {
    let credentials = try ClientCredentials()
    #expect(credentials.csrPEM.hasPrefix("-----BEGIN CERTIFICATE REQUEST-----\n"))
    let request = try CertificateSigningRequest(pemEncoded: credentials.csrPEM)
    let expected = try DistinguishedName {
      OrganizationName("system:masters")
      CommonName("admin")
    }
    #expect(request.subject == expected)
    #expect(request.version == .v1)
    #expect(request.signatureAlgorithm == .ecdsaWithSHA256)
    #expect(request.publicKey.isValidSignature(request.signature, for: request))
    #expect(P256.Signing.PublicKey(request.publicKey) != nil, "the key is P-256")

    let key = try P256.Signing.PrivateKey(pemRepresentation: credentials.privateKeyPEM)
    #expect(request.publicKey == Certificate.PublicKey(key.publicKey), "the request carries our public key")
  }

  @Test func everyCredentialHasItsOwnKey() throws {
    #expect(try ClientCredentials().privateKeyPEM != ClientCredentials().privateKeyPEM)
  }

  @Test func aStoredKeyIsReloaded() throws {
    let credentials = try ClientCredentials()
    let reloaded = try ClientCredentials(privateKeyPEM: credentials.privateKeyPEM)
    #expect(reloaded.privateKeyPEM == credentials.privateKeyPEM)
    let request = try CertificateSigningRequest(pemEncoded: reloaded.csrPEM)
    #expect(request.publicKey.isValidSignature(request.signature, for: request))
  }

  @Test func matchesTellsOurCertificateFromAnother() throws {
    let credentials = try ClientCredentials()
    let request = try CertificateSigningRequest(pemEncoded: credentials.csrPEM)
    #expect(try credentials.matches(certificatePEM: Self.certificate(for: request.publicKey)))
    let stranger = Certificate.PrivateKey(P256.Signing.PrivateKey()).publicKey
    #expect(try !credentials.matches(certificatePEM: Self.certificate(for: stranger)))
  }

  @Test func noDescriptionShowsTheKey() throws {
    let credentials = try ClientCredentials()
    var dumped = ""
    dump(credentials, to: &dumped)
    for text in [String(describing: credentials), String(reflecting: credentials), dumped, "\(credentials)"] {
      #expect(!KeyMaterial.appears(in: text, key: credentials.privateKeyPEM), "\(text)")
    }
    #expect(String(describing: credentials).contains("redacted"))
  }

  @Test func errorsNeverQuoteTheKeyOrTheCertificate() throws {
    let credentials = try ClientCredentials()
    let mangled = String(credentials.privateKeyPEM.dropLast(20))
    let keyError = #expect(throws: KubeconfigError.self) { try ClientCredentials(privateKeyPEM: mangled) }
    #expect(keyError == .invalidPrivateKey)
    let certificateError = #expect(throws: KubeconfigError.self) {
      try credentials.matches(certificatePEM: credentials.privateKeyPEM)
    }
    for error in [keyError, certificateError].compactMap(\.self) {
      #expect(!KeyMaterial.appears(in: String(describing: error), key: credentials.privateKeyPEM))
      #expect(!KeyMaterial.appears(in: String(reflecting: error), key: credentials.privateKeyPEM))
    }
  }

  /// A certificate for `publicKey`, self-issued by a throwaway CA.
  static func certificate(for publicKey: Certificate.PublicKey) throws -> String {
    let issuerKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
    let name = try DistinguishedName { CommonName("test-ca") }
    let subject = try DistinguishedName {
      OrganizationName("system:masters")
      CommonName("admin")
    }
    let now = Date()
    let certificate = try Certificate(
      version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey, notValidBefore: now,
      notValidAfter: now.addingTimeInterval(3600), issuer: name, subject: subject,
      signatureAlgorithm: .ecdsaWithSHA256, extensions: Certificate.Extensions(), issuerPrivateKey: issuerKey)
    return try certificate.serializeAsPEM().pemString
  }
}

// MARK: - KeyMaterial

/// Looks for any trace of a private key in a text: its PEM armor, its base64 body (whole or any 16-character run),
/// or the base64 of the whole PEM as a kubeconfig holds it.
enum KeyMaterial {
  static func appears(in text: String, key pem: String) -> Bool {
    if text.contains("PRIVATE KEY") { return true }
    let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
    let encodedPEM = Data(pem.utf8).base64EncodedString()
    for source in [body, encodedPEM] {
      let characters = Array(source)
      var start = 0
      while start + 16 <= characters.count {
        if text.contains(String(characters[start..<start + 16])) { return true }
        start += 8
      }
    }
    return false
  }
}
