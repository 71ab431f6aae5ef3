import CutoverKit
import Foundation
import Testing

extension KubernetesTests {
  @Suite("KubernetesToolCheck says before anything runs when helm or kubectl is missing or too old")
  struct KubernetesToolCheckTests {
    /// A check of stand-ins that print these versions.
    func check(_ standIn: StandInTool, helm helmVersion: String, kubectl kubectlVersion: String) throws
      -> KubernetesToolCheck
    {
      let answer = try standIn.answer("kubectl-version.json", KubernetesFixtures.kubectlVersion(kubectlVersion))
      let helm = try standIn.script("helm", "echo '\(helmVersion)'")
      let kubectl = try standIn.script("kubectl", "cat '\(answer)'")
      return KubernetesToolCheck(helm: HelmClient(executable: helm), kubectl: KubectlClient(executable: kubectl))
    }

    @Test("current helm and kubectl pass with their paths and versions")
    func usable() async throws {
      try await withStandIn { standIn in
        let report = try await check(standIn, helm: "v3.14.4", kubectl: "v1.28.15").check()
        #expect(report.problems.isEmpty)
        #expect(
          report.helm
            == ToolStatus(
              tool: "helm", path: standIn.directory.appendingPathComponent("helm").path,
              version: ToolVersion(3, 14, 4)))
        #expect(report.kubectl.version == ToolVersion(1, 28, 15))
        #expect(report.helm.isUsable && report.kubectl.isUsable)
        #expect(try standIn.calls().count == 2)
      }
    }

    @Test("the minimums are helm 3.10.0 (--set-json) and kubectl 1.22.0 (server-side apply GA), inclusive")
    func minimums() async throws {
      #expect(KubernetesToolCheck.minimumHelm == ToolVersion(3, 10, 0))
      #expect(KubernetesToolCheck.minimumKubectl == ToolVersion(1, 22, 0))
      try await withStandIn { standIn in
        let report = try await check(standIn, helm: "v3.10.0", kubectl: "v1.22.0").check()
        #expect(report.problems.isEmpty)
      }
    }

    @Test("a too-old helm and a too-old kubectl each get one line saying what is needed and why")
    func tooOld() async throws {
      try await withStandIn { standIn in
        let report = try await check(standIn, helm: "v3.9.4+gdbc6d8e", kubectl: "v1.21.14").check()
        let helm = standIn.directory.appendingPathComponent("helm").path
        let kubectl = standIn.directory.appendingPathComponent("kubectl").path
        #expect(
          report.problems == [
            "helm v3.9.4 at \(helm) is too old: Cutover needs helm v3.10.0 or later, for --set-json, which keeps the "
              + "types of set: values",
            "kubectl v1.21.14 at \(kubectl) is too old: Cutover needs kubectl v1.22.0 or later, for server-side apply "
              + "(GA in Kubernetes 1.22)",
          ])
      }
    }

    @Test("helm 4 is accepted; a helm major Cutover does not know is refused")
    func majors() async throws {
      try await withStandIn { standIn in
        let report = try await check(standIn, helm: "v4.0.1", kubectl: "v1.31.2").check()
        #expect(report.problems.isEmpty)
      }
      try await withStandIn { standIn in
        let problem = try await check(standIn, helm: "v5.0.0", kubectl: "v1.31.2").checkHelm().problem
        #expect(problem?.hasSuffix("is newer than Cutover knows: it builds command lines for helm 3 and 4") == true)
      }
    }

    @Test("a missing tool is a problem line, looked up on PATH or at its configured path")
    func missing() async throws {
      try await withStandIn { standIn in
        let empty = try standIn.subdirectory("empty")
        let onPath = KubernetesToolCheck(
          helm: HelmClient(runner: ProcessRunner(fallbackDirectories: []), environment: ["PATH": empty.path]),
          kubectl: KubectlClient(executable: "/nonexistent/kubectl"))
        let report = await onPath.check()
        #expect(
          report.problems == [
            "helm not found on PATH or in \(empty.path); install helm or configure its path",
            "kubectl not found at /nonexistent/kubectl; install kubectl or configure its path",
          ])
        #expect(report.helm == ToolStatus(tool: "helm", problem: report.problems[0]))
      }
    }

    @Test("a version that cannot be read, or a tool that fails, is a problem line with its words")
    func unreadable() async throws {
      try await withStandIn { standIn in
        let helm = try standIn.script("helm", "echo 'this is not helm'")
        let kubectl = try standIn.script("kubectl", "echo 'error: unknown flag: --client' >&2; exit 1")
        let report = await KubernetesToolCheck(
          helm: HelmClient(executable: helm), kubectl: KubectlClient(executable: kubectl)
        ).check()
        #expect(
          report.helm.problem
            == "could not read the version of helm at \(helm): `\(helm) version --template '{{.Version}}'` succeeded, "
            + #"but could not read the output of helm version: no version in "this is not helm\n""#)
        #expect(
          report.kubectl.problem
            == "could not read the version of kubectl at \(kubectl): `\(kubectl) version --client -o json` exited with "
            + "status 1:\n  error: unknown flag: --client")
      }
    }
  }
}
