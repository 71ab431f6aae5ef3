import Foundation

/// Builds the kubectl command lines Cutover runs. Pure, so every flag is unit-tested.
///
/// The connection flags come first (`kubectl --kubeconfig PATH [--context C] VERB …`): they are global flags, and
/// reading the target at the start of a logged line makes it obvious which generation a command touched.
public enum KubectlCommands {
  /// The field manager Cutover applies as, so `metadata.managedFields` shows which fields Cutover owns.
  public static let fieldManager = "cutover"

  /// `kubectl --kubeconfig PATH apply --server-side --field-manager=cutover -f FILE`.
  ///
  /// Server-side apply (GA in Kubernetes 1.22) lets the API server merge and track field ownership, instead of the
  /// `last-applied-configuration` annotation client-side apply keeps, which breaks on large objects (CRDs) and
  /// silently fights other writers. A field another manager owns with a different value is a conflict, reported
  /// as an error unless `forceConflicts`: someone changed the object by hand, and an operator should see that
  /// before Cutover takes the field over.
  public static func apply(
    file: String, target: KubernetesTarget, forceConflicts: Bool = false, kubectl: String = "kubectl"
  ) -> KubernetesCommand {
    var arguments = connection(target) + ["apply", "--server-side", "--field-manager=\(fieldManager)"]
    if forceConflicts { arguments.append("--force-conflicts") }
    return KubernetesCommand(tool: kubectl, arguments: arguments + ["-f", file])
  }

  /// `kubectl --kubeconfig PATH delete --ignore-not-found -f FILE`: deleting what is already gone succeeds, so a
  /// retry after a half-done destroy does not fail.
  public static func delete(file: String, target: KubernetesTarget, kubectl: String = "kubectl") -> KubernetesCommand {
    KubernetesCommand(tool: kubectl, arguments: connection(target) + ["delete", "--ignore-not-found", "-f", file])
  }

  /// `kubectl --kubeconfig PATH get -f FILE -o name --ignore-not-found`: one `kind/name` line per object of the file
  /// that exists, nothing when none does (so a manifest whose objects are gone reads as gone, not as an error).
  public static func get(file: String, target: KubernetesTarget, kubectl: String = "kubectl") -> KubernetesCommand {
    KubernetesCommand(
      tool: kubectl, arguments: connection(target) + ["get", "-f", file, "-o", "name", "--ignore-not-found"])
  }

  /// `kubectl --kubeconfig PATH get nodes -o json`: every node's Ready condition and addresses, for verification
  /// and for the web proxies' backends.
  public static func getNodes(target: KubernetesTarget, kubectl: String = "kubectl") -> KubernetesCommand {
    KubernetesCommand(tool: kubectl, arguments: connection(target) + ["get", "nodes", "-o", "json"])
  }

  /// `kubectl version --client -o json`: the client's version only, so it answers with no cluster reachable.
  public static func version(kubectl: String = "kubectl") -> KubernetesCommand {
    KubernetesCommand(tool: kubectl, arguments: ["version", "--client", "-o", "json"])
  }

  static func connection(_ target: KubernetesTarget) -> [String] {
    var flags = ["--kubeconfig", target.kubeconfig]
    if let context = target.context { flags += ["--context", context] }
    return flags
  }
}
