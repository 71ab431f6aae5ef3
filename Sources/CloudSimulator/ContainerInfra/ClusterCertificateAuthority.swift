import Crypto
import Foundation
import SwiftASN1
import X509

/// A cluster's CA in memory: makes a self-signed CA (P-256, ten years) and signs client certificate requests
/// with it the way Magnum's `x509.sign` does (subject and public key from the request, `clientAuth`, one year).
struct ClusterCertificateAuthority {
  let certificate: Certificate
  let privateKey: Certificate.PrivateKey

  /// How long a signed client certificate is valid.
  static let clientValidity: TimeInterval = 365 * 24 * 60 * 60
  /// How long the CA itself is valid.
  static let authorityValidity: TimeInterval = 10 * 365 * 24 * 60 * 60

  /// The CA of a stored record.
  init(record: CertificateAuthorityRecord) throws {
    self.certificate = try Certificate(pemEncoded: record.certificatePEM)
    self.privateKey = try Certificate.PrivateKey(pemEncoded: record.privateKeyPEM)
  }

  // MARK: - Making a CA

  /// A new self-signed CA named after the cluster; returns its certificate and private key as PEM.
  static func make(clusterName: String, at now: Double) throws -> (certificatePEM: String, privateKeyPEM: String) {
    let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
    let name = try DistinguishedName { CommonName(clusterName) }
    let notBefore = Date(timeIntervalSince1970: now)
    let certificate = try Certificate(
      version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey, notValidBefore: notBefore,
      notValidAfter: notBefore.addingTimeInterval(authorityValidity), issuer: name, subject: name,
      signatureAlgorithm: .ecdsaWithSHA256,
      extensions: try Certificate.Extensions {
        Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
        Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
        SubjectKeyIdentifier(hash: key.publicKey)
      },
      issuerPrivateKey: key)
    return (try certificate.serializeAsPEM().pemString, try key.serializeAsPEM().pemString)
  }

  // MARK: - Signing

  /// Signs a PEM certificate request; a request that does not parse or whose self-signature is wrong is refused
  /// as Magnum refuses an invalid CSR (400).
  func sign(csrPEM: String, at now: Double) throws -> String {
    let request: CertificateSigningRequest
    do {
      request = try CertificateSigningRequest(pemEncoded: csrPEM)
    } catch {
      throw ServiceError.badRequest("Received invalid csr: it is not a PEM-encoded PKCS#10 certificate request.")
    }
    guard request.publicKey.isValidSignature(request.signature, for: request) else {
      throw ServiceError.badRequest("Received invalid csr: its signature does not match its public key.")
    }
    let notBefore = Date(timeIntervalSince1970: now)
    let signed = try Certificate(
      version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: request.publicKey,
      notValidBefore: notBefore, notValidAfter: notBefore.addingTimeInterval(Self.clientValidity),
      issuer: certificate.subject, subject: request.subject, signatureAlgorithm: .ecdsaWithSHA256,
      extensions: try Certificate.Extensions {
        Critical(BasicConstraints.notCertificateAuthority)
        Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
        try ExtendedKeyUsage([.clientAuth])
        AuthorityKeyIdentifier(keyIdentifier: authorityKeyIdentifier)
      },
      issuerPrivateKey: privateKey)
    return try signed.serializeAsPEM().pemString
  }

  private var authorityKeyIdentifier: ArraySlice<UInt8>? {
    (try? certificate.extensions.subjectKeyIdentifier)?.keyIdentifier
  }
}
