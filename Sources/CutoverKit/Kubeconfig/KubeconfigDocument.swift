import Foundation
import Yams

/// A kubeconfig for one cluster, as `openstack coe cluster config` writes it: the cluster (its API address and
/// CA certificate), a user holding the client certificate and key, and a context named after the cluster that is
/// the current one. The user is named `<cluster>-admin` so kubeconfigs of several generations merge cleanly.
///
/// `description` and `dump` never show the client key; only ``rendered()`` (the file's text) holds it.
public struct KubeconfigDocument: Sendable, CustomStringConvertible, CustomDebugStringConvertible,
  CustomReflectable
{
  /// The cluster's name; also the name of the cluster entry and of the context.
  public var clusterName: String
  /// The Kubernetes API URL: the cluster's `api_address`, e.g. `https://172.16.0.10:6443`.
  public var server: String
  /// The cluster CA's certificate, PEM.
  public var certificateAuthorityPEM: String
  /// The client certificate signed by the cluster's CA, PEM.
  public var clientCertificatePEM: String
  private var clientKeyPEM: String

  public init(
    clusterName: String, server: String, certificateAuthorityPEM: String, clientCertificatePEM: String,
    clientKeyPEM: String
  ) {
    self.clusterName = clusterName
    self.server = server
    self.certificateAuthorityPEM = certificateAuthorityPEM
    self.clientCertificatePEM = clientCertificatePEM
    self.clientKeyPEM = clientKeyPEM
  }

  /// The document for credentials whose request the cluster's CA signed.
  public init(
    clusterName: String, server: String, certificateAuthorityPEM: String, clientCertificatePEM: String,
    credentials: ClientCredentials
  ) {
    self.init(
      clusterName: clusterName, server: server, certificateAuthorityPEM: certificateAuthorityPEM,
      clientCertificatePEM: clientCertificatePEM, clientKeyPEM: credentials.privateKeyPEM)
  }

  /// The user entry's name.
  public var userName: String { clusterName + "-admin" }

  // MARK: - Rendering

  /// The kubeconfig YAML (with the client key: write it, never print it).
  public func rendered() throws -> String {
    let clusterEntry: Node = [
      "name": Self.string(clusterName),
      "cluster": [
        "certificate-authority-data": Self.base64(certificateAuthorityPEM),
        "server": Self.string(server),
      ],
    ]
    let userEntry: Node = [
      "name": Self.string(userName),
      "user": [
        "client-certificate-data": Self.base64(clientCertificatePEM),
        "client-key-data": Self.base64(clientKeyPEM),
      ],
    ]
    let contextEntry: Node = [
      "name": Self.string(clusterName),
      "context": ["cluster": Self.string(clusterName), "user": Self.string(userName)],
    ]
    let document: Node = [
      "apiVersion": "v1",
      "kind": "Config",
      "preferences": Node.mapping(Node.Mapping([])),
      "clusters": [clusterEntry],
      "users": [userEntry],
      "contexts": [contextEntry],
      "current-context": Self.string(clusterName),
    ]
    do {
      return try Yams.serialize(node: document)
    } catch {
      throw KubeconfigError.requestFailed("rendering the kubeconfig")
    }
  }

  /// A double-quoted string scalar, so that a name like `128` or `yes` stays a string.
  private static func string(_ text: String) -> Node {
    .scalar(Node.Scalar(text, .implicit, .doubleQuoted))
  }

  /// Kubeconfig `*-data` fields hold the base64 of the PEM text.
  private static func base64(_ pem: String) -> Node {
    .scalar(Node.Scalar(Data(pem.utf8).base64EncodedString()))
  }

  // MARK: - Writing

  /// Writes the kubeconfig to `path` with mode 0600, atomically: a private temporary file in the same directory
  /// is written, flushed and renamed over `path`, so a reader sees the old file or the new one, never a part.
  public func write(to path: String) throws {
    try PrivateFileWriter.write(Data(try rendered().utf8), to: path)
  }

  // MARK: - Redacted descriptions

  public var description: String {
    "KubeconfigDocument(cluster: \(clusterName), server: \(server), client key: redacted)"
  }

  public var debugDescription: String { description }

  public var customMirror: Mirror {
    Mirror(self, children: ["clusterName": clusterName, "server": server])
  }
}
