import CutoverKit
import Testing

extension KubernetesTests {
  @Suite("kubectl command lines, argument by argument")
  struct KubectlCommandsTests {
    let target = KubernetesFixtures.target

    @Test("apply is server-side as field manager cutover, connection flags first")
    func apply() {
      #expect(
        KubectlCommands.apply(file: "manifests/storageclass.yaml", target: target).arguments == [
          "--kubeconfig", "state/eqiad1/kube/128a.config", "apply", "--server-side", "--field-manager=cutover",
          "-f", "manifests/storageclass.yaml",
        ])
      let forced = KubectlCommands.apply(
        file: "m.yaml", target: KubernetesTarget(kubeconfig: "k.config", context: "paws"), forceConflicts: true)
      #expect(
        forced.arguments == [
          "--kubeconfig", "k.config", "--context", "paws", "apply", "--server-side", "--field-manager=cutover",
          "--force-conflicts", "-f", "m.yaml",
        ])
      #expect(
        forced.displayLine
          == "kubectl --kubeconfig k.config --context paws apply --server-side --field-manager=cutover"
          + " --force-conflicts -f m.yaml")
    }

    @Test("delete and get ignore what is already gone; get nodes and version ask for JSON")
    func otherCommands() {
      #expect(
        KubectlCommands.delete(file: "manifests/ingress.yaml", target: target).arguments == [
          "--kubeconfig", "state/eqiad1/kube/128a.config", "delete", "--ignore-not-found", "-f",
          "manifests/ingress.yaml",
        ])
      #expect(
        KubectlCommands.getNodes(target: target).arguments == [
          "--kubeconfig", "state/eqiad1/kube/128a.config", "get", "nodes", "-o", "json",
        ])
      #expect(
        KubectlCommands.get(file: "manifests/storageclass.yaml", target: target).arguments == [
          "--kubeconfig", "state/eqiad1/kube/128a.config", "get", "-f", "manifests/storageclass.yaml", "-o", "name",
          "--ignore-not-found",
        ])
      #expect(KubectlCommands.version().arguments == ["version", "--client", "-o", "json"])
      #expect(KubectlCommands.version(kubectl: "/usr/local/bin/kubectl").tool == "/usr/local/bin/kubectl")
    }
  }
}
