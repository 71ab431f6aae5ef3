import Foundation
import OpenStack

/// An open connection to one cloud: the HTTP transport, the Keystone session and the service clients over it.
public final class CloudConnection: Sendable {
  public let config: CloudConfig
  public let clients: CloudClients
  /// The Keystone session every client shares.
  public let session: OpenStackSession
  private let transport: AsyncHTTPClientTransport

  /// Builds the clients; makes no network call (authentication happens on the first request).
  /// - Parameter kubernetes: the Kubernetes driver over the connection's session; the real `helm` and `kubectl` when
  ///   nil.
  public init(
    config: CloudConfig, local: LocalWorkspace = .none, retry: RetryPolicy = RetryPolicy(),
    kubernetes: (@Sendable (OpenStackSession) -> any KubernetesDriver)? = nil
  ) throws {
    self.config = config
    do {
      transport = try AsyncHTTPClientTransport(cacertPath: config.cacertPath, insecure: config.insecure)
    } catch {
      throw CutoverError.cloud("cannot set up TLS for \(config.authURL): \(error.localizedDescription)")
    }
    session = OpenStackSession(config: config, transport: transport, retry: retry)
    clients = CloudClients(session: session, local: local, kubernetes: kubernetes?(session) ?? HelmKubectlDriver())
  }

  public func close() async {
    try? await transport.shutdown()
  }
}
