import CutoverKit
import Foundation
import Testing

extension KubernetesTests {
  @Suite("KubectlClient applies manifests and reads nodes through kubectl")
  struct KubectlClientTests {
    let target = KubernetesFixtures.target

    @Test("nodes are read with get nodes -o json and parsed")
    func nodes() async throws {
      try await withStandIn { standIn in
        let answer = try standIn.answer("nodes.json", KubernetesFixtures.nodes)
        let kubectl = try standIn.script("kubectl", "cat '\(answer)'")
        let nodes = try await KubectlClient(executable: kubectl).nodes(target: target)
        #expect(
          nodes.filter(\.isReady).map(\.internalIPs) == [["172.16.1.20"], ["172.16.1.21", "2a02:ec80:a000:1::21"]])
        #expect(try standIn.calls() == [KubectlCommands.getNodes(target: target).arguments])
      }
    }

    @Test("apply and delete run in the environment's directory and return kubectl's output")
    func applyAndDelete() async throws {
      try await withStandIn { standIn in
        let kubectl = try standIn.script(
          "kubectl",
          """
          case "$3" in
            apply) echo "storageclass.storage.k8s.io/standard serverside-applied" ;;
            delete) echo 'storageclass.storage.k8s.io "standard" deleted' ;;
          esac
          """)
        let environment = try standIn.subdirectory("environment")
        let client = KubectlClient(executable: kubectl)
        let applied = try await client.apply(
          file: "manifests/storageclass.yaml", target: target, workingDirectory: environment.path)
        #expect(applied.output == "storageclass.storage.k8s.io/standard serverside-applied\n")
        #expect(
          applied.command
            == "\(kubectl) --kubeconfig state/eqiad1/kube/128a.config apply --server-side --field-manager=cutover"
            + " -f manifests/storageclass.yaml")
        let deleted = try await client.delete(
          file: "manifests/storageclass.yaml", target: target, workingDirectory: environment.path)
        #expect(deleted.output == "storageclass.storage.k8s.io \"standard\" deleted\n")
        #expect(
          try standIn.calls() == [
            KubectlCommands.apply(file: "manifests/storageclass.yaml", target: target).arguments,
            KubectlCommands.delete(file: "manifests/storageclass.yaml", target: target).arguments,
          ])
        let real = environment.resolvingSymlinksInPath().path
        #expect(try standIn.directories() == [real, real])
      }
    }

    @Test("a conflict on apply is a failure carrying kubectl's message")
    func conflict() async throws {
      try await withStandIn { standIn in
        let kubectl = try standIn.script(
          "kubectl",
          """
          echo 'error: Apply failed with 1 conflict: conflict with "kubectl-edit" using storage.k8s.io/v1: .parameters.type' >&2
          echo 'Please review the fields above--they currently have other managers.' >&2
          exit 1
          """)
        let error = await #expect(throws: KubernetesToolError.self) {
          try await KubectlClient(executable: kubectl).apply(file: "sc.yaml", target: target)
        }
        guard case .failed(_, let termination, let lines)? = error else {
          Issue.record("expected a failure, got \(String(describing: error))")
          return
        }
        #expect(termination == .exited(1))
        #expect(lines.first?.hasPrefix("error: Apply failed with 1 conflict") == true)
        #expect(lines.count == 2)
      }
    }

    @Test("the client version is read from kubectl version --client -o json")
    func version() async throws {
      try await withStandIn { standIn in
        let answer = try standIn.answer("version.json", KubernetesFixtures.kubectlVersion)
        let kubectl = try standIn.script("kubectl", "cat '\(answer)'")
        #expect(try await KubectlClient(executable: kubectl).version() == ToolVersion(1, 28, 15))
        #expect(try standIn.calls() == [["version", "--client", "-o", "json"]])
      }
    }
  }
}
