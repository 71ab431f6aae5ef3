/// Which cluster a command talks to: a generation's own kubeconfig file, and optionally a context in it.
///
/// Cutover always names the file explicitly (`--kubeconfig`), never relying on `KUBECONFIG` or `~/.kube/config`:
/// with two generations side by side, a command run against whatever the environment points at is how a release
/// lands on the wrong cluster.
public struct KubernetesTarget: Sendable, Equatable {
  /// The kubeconfig file of the generation (`state/eqiad1/kube/128a.config`).
  public var kubeconfig: String
  /// The context to use; the file's `current-context` when `nil`.
  public var context: String?

  public init(kubeconfig: String, context: String? = nil) {
    self.kubeconfig = kubeconfig
    self.context = context
  }
}
