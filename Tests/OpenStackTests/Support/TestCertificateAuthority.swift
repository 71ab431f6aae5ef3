import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import X509

// MARK: - TestCertificateAuthority

/// A throw-away CA made for one test, and a server certificate it signed for `127.0.0.1` and `localhost`: what a
/// cloud with a private CA looks like to the client.
struct TestCertificateAuthority {
  /// The CA certificate, PEM: what `cacert` names.
  let certificatePEM: String
  /// The server side of a loopback HTTPS server presenting the signed certificate.
  let serverTLS: TLSConfiguration

  init() throws {
    let now = Date()
    let authorityKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
    let authorityName = try DistinguishedName { CommonName("Cutover test CA") }
    let authority = try Certificate(
      version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: authorityKey.publicKey,
      notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86400),
      issuer: authorityName, subject: authorityName, signatureAlgorithm: .ecdsaWithSHA256,
      extensions: try Certificate.Extensions {
        Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
        Critical(KeyUsage(keyCertSign: true, cRLSign: true))
        SubjectKeyIdentifier(hash: authorityKey.publicKey)
      },
      issuerPrivateKey: authorityKey)

    let serverSigningKey = P256.Signing.PrivateKey()
    let serverKey = Certificate.PrivateKey(serverSigningKey)
    let server = try Certificate(
      version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: serverKey.publicKey,
      notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86400),
      issuer: authorityName, subject: try DistinguishedName { CommonName("127.0.0.1") },
      signatureAlgorithm: .ecdsaWithSHA256,
      extensions: try Certificate.Extensions {
        Critical(BasicConstraints.notCertificateAuthority)
        Critical(KeyUsage(digitalSignature: true))
        try ExtendedKeyUsage([.serverAuth])
        SubjectAlternativeNames([.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
      },
      issuerPrivateKey: authorityKey)

    certificatePEM = try authority.serializeAsPEM().pemString
    let serverPEM = try server.serializeAsPEM().pemString
    serverTLS = TLSConfiguration.makeServerConfiguration(
      certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(serverPEM.utf8), format: .pem))],
      privateKey: .privateKey(
        try NIOSSLPrivateKey(bytes: Array(serverSigningKey.pemRepresentation.utf8), format: .pem))
    )
  }

  /// Writes the CA certificate to `path` and returns the path.
  @discardableResult
  func writeCertificate(to path: String) throws -> String {
    try Data(certificatePEM.utf8).write(to: URL(fileURLWithPath: path))
    return path
  }
}
