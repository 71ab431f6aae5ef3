import OpenStack

/// Makes a cluster's kubeconfig the way `openstack coe cluster config` does: reads the cluster's CA from Magnum's
/// certificates API, generates a client key locally, has Magnum's CA sign a request for it, and points the
/// document at the cluster's `api_address`. The key never leaves this process except in the returned document.
public struct KubeconfigIssuer: Sendable {
  /// The Magnum client the certificates API is reached through.
  public let magnum: MagnumClient

  public init(magnum: MagnumClient) {
    self.magnum = magnum
  }

  /// A kubeconfig for `cluster` (read in detail, so that `api_address` is known) with fresh credentials.
  public func issue(for cluster: Cluster) async throws -> KubeconfigDocument {
    guard let server = cluster.apiAddress, !server.isEmpty else {
      throw KubeconfigError.noAPIAddress(cluster: cluster.name)
    }
    let credentials = try ClientCredentials()
    let authorityPEM = try await magnum.certificateAuthority(clusterID: cluster.uuid)
    let certificatePEM = try await magnum.signCertificate(clusterID: cluster.uuid, csrPEM: credentials.csrPEM)
    guard try credentials.matches(certificatePEM: certificatePEM) else {
      throw KubeconfigError.certificateMismatch(cluster: cluster.name)
    }
    return KubeconfigDocument(
      clusterName: cluster.name, server: server, certificateAuthorityPEM: authorityPEM,
      clientCertificatePEM: certificatePEM, credentials: credentials)
  }
}
