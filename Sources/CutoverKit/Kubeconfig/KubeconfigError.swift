/// Why a kubeconfig could not be made or written. No case ever carries key material: the texts name the step
/// and the path, never a key, a request body or an underlying error that might quote one.
public enum KubeconfigError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The client key or its certificate request could not be made.
  case requestFailed(String)
  /// A PEM from the cloud (`what` names it) did not parse as a certificate.
  case invalidCertificate(what: String)
  /// A stored client key did not parse.
  case invalidPrivateKey
  /// The file could not be written; `reason` is the system's error text.
  case writeFailed(path: String, reason: String)
  /// Magnum reports no `api_address` for the cluster yet (it is still being created, or failed).
  case noAPIAddress(cluster: String)
  /// The certificate Magnum signed does not certify the key the request was made for.
  case certificateMismatch(cluster: String)

  public var description: String {
    switch self {
    case .requestFailed(let step):
      return "could not make the client certificate request: \(step) failed"
    case .invalidCertificate(let what):
      return "the \(what) is not a PEM-encoded X.509 certificate"
    case .invalidPrivateKey:
      return "the stored client key is not a PEM-encoded P-256 private key"
    case .writeFailed(let path, let reason):
      return "could not write the kubeconfig \(path): \(reason)"
    case .noAPIAddress(let cluster):
      return "cluster \(cluster) has no api_address yet; a kubeconfig needs a cluster in CREATE_COMPLETE"
    case .certificateMismatch(let cluster):
      return "the certificate Magnum signed for cluster \(cluster) does not match the client key of the request"
    }
  }
}
