import Crypto
import SwiftASN1
import X509

/// A cluster client identity made the way `openstack coe cluster config` makes one: a private key generated
/// here, never sent anywhere, and a PKCS#10 certificate request for `CN=admin, O=system:masters` that Magnum's
/// certificates API signs with the cluster's CA.
///
/// The key is P-256: Magnum signs whatever public key the request carries with its own CA key, and the
/// Kubernetes API server accepts ECDSA client certificates, so there is no reason for RSA; P-256 keys are made
/// instantly, are small in a kubeconfig, and need only swift-crypto's stable API (RSA lives in the underscored
/// `_CryptoExtras`).
///
/// The private key never appears in `description`, `debugDescription`, a mirror (`dump`) or an error; only
/// ``privateKeyPEM`` hands it out, for writing the kubeconfig.
public struct ClientCredentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
  /// The subject's common name (`CN`), the user Kubernetes sees.
  public static let commonName = "admin"
  /// The subject's organization (`O`), the group Kubernetes sees: cluster administrators.
  public static let organization = "system:masters"

  private let privateKey: P256.Signing.PrivateKey
  /// The certificate request, PEM (`-----BEGIN CERTIFICATE REQUEST-----`).
  public let csrPEM: String

  /// Generates a new key and its certificate request.
  public init() throws {
    try self.init(privateKey: P256.Signing.PrivateKey())
  }

  /// Rebuilds the credentials from a key written earlier (a new request is made for it).
  public init(privateKeyPEM: String) throws {
    let key: P256.Signing.PrivateKey
    do {
      key = try P256.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
    } catch {
      throw KubeconfigError.invalidPrivateKey
    }
    try self.init(privateKey: key)
  }

  private init(privateKey: P256.Signing.PrivateKey) throws {
    self.privateKey = privateKey
    let subject: DistinguishedName
    do {
      subject = try DistinguishedName {
        OrganizationName(Self.organization)
        CommonName(Self.commonName)
      }
    } catch {
      throw KubeconfigError.requestFailed("building the subject")
    }
    do {
      let request = try CertificateSigningRequest(
        version: .v1, subject: subject, privateKey: Certificate.PrivateKey(privateKey),
        attributes: CertificateSigningRequest.Attributes(), signatureAlgorithm: .ecdsaWithSHA256)
      self.csrPEM = try request.serializeAsPEM().pemString
    } catch {
      throw KubeconfigError.requestFailed("signing the request")
    }
  }

  /// The private key, PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`); for the kubeconfig's `client-key-data` only.
  public var privateKeyPEM: String { privateKey.pemRepresentation }

  /// Whether `certificatePEM` certifies this key (the signed certificate's public key is ours).
  public func matches(certificatePEM: String) throws -> Bool {
    let certificate: Certificate
    do {
      certificate = try Certificate(pemEncoded: certificatePEM)
    } catch {
      throw KubeconfigError.invalidCertificate(what: "signed client certificate")
    }
    return certificate.publicKey == Certificate.PublicKey(privateKey.publicKey)
  }

  public var description: String {
    "ClientCredentials(CN=\(Self.commonName), O=\(Self.organization), P-256 key: redacted)"
  }

  public var debugDescription: String { description }

  public var customMirror: Mirror { Mirror(self, children: [:]) }
}
