import CutoverKit
import Foundation
import Testing

extension KubernetesTests {
  @Suite("HelmKubectlDriver deploys and reads releases and manifests with helm and kubectl")
  struct HelmKubectlDriverTests {
    let cluster = KubernetesCluster(clusterID: "b3f1d2c4", kubeconfig: "state/eqiad1/kube/128a.config")

    /// A cookie secret the values and a sensitive `set:` value hold; it must never reach a note or an error.
    static let secret = "0123456789abcdef"

    /// `helm status paws -o json` after a fourth, successful revision.
    static let pawsStatus = """
      {"name":"paws","info":{"first_deployed":"2026-11-21T13:00:01Z","last_deployed":"2026-11-22T06:00:00.5Z",\
      "deleted":"","description":"Upgrade complete","status":"deployed"},\
      "chart":{"metadata":{"name":"paws","version":"0.1.0","appVersion":"1.0"}},\
      "config":{"jupyterhub":{"hub":{"cookieSecret":"\(secret)"}}},"version":4,"namespace":"prod"}
      """

    /// `helm get values paws -o json`.
    static let pawsValues = #"{"jupyterhub":{"hub":{"cookieSecret":"\#(secret)","baseUrl":"/"}}}"#

    /// PAWS with a sensitive `set:` value and rollback on failure, whose flag depends on helm's major version.
    static var pawsDeployment: ReleaseDeployment {
      var request = KubernetesFixtures.paws
      request.set = ["jupyterhub.hub.cookieSecret": .string(secret)]
      request.rollbackOnFailure = true
      return ReleaseDeployment(
        request: request, valuesSHA256: "sha256:aa", setSHA256: "sha256:bb", workingDirectory: "/nonexistent")
    }

    static func storageClass(in directory: String) -> ManifestApplication {
      ManifestApplication(
        name: "storage-class", file: "manifests/storageclass.yaml", sha256: "sha256:cc", kinds: ["StorageClass"],
        workingDirectory: directory)
    }

    /// A kubectl stand-in in its own directory (so its calls are logged apart from helm's) that reports 1.28.15 and
    /// otherwise runs `body`.
    static func kubectl(_ standIn: StandInTool, _ body: String = "") throws -> (StandInTool, String) {
      let tool = StandInTool(directory: try standIn.subdirectory("kubectl"))
      let version = try tool.answer("kubectl-version.json", KubernetesFixtures.kubectlVersion)
      let path = try tool.script(
        "kubectl",
        """
        if [ "$1" = version ]; then cat '\(version)'; exit 0; fi
        \(body)
        """)
      return (tool, path)
    }

    /// Collects the lines a driver notes.
    actor Notes {
      private(set) var lines: [String] = []
      func add(_ line: String) { lines.append(line) }
      nonisolated var note: @Sendable (String) async -> Void { { line in await self.add(line) } }
    }

    // MARK: - Tools

    @Test("a missing helm is a problem line, and the check runs once however often it is asked")
    func helmMissing() async throws {
      try await withStandIn { standIn in
        let (kubectlCalls, kubectl) = try Self.kubectl(standIn)
        let driver = HelmKubectlDriver(
          helm: HelmClient(executable: "/nonexistent/helm"), kubectl: KubectlClient(executable: kubectl))
        let expected = ["helm not found at /nonexistent/helm; install helm or configure its path"]
        async let first = driver.toolProblems()
        async let second = driver.toolProblems()
        #expect(await [first, second] == [expected, expected])
        #expect(await driver.toolProblems() == expected)
        #expect(try kubectlCalls.calls() == [["version", "--client", "-o", "json"]])
        #expect(driver.name == "helm and kubectl")
      }
    }

    @Test("a helm too old for --set-json is a problem line")
    func helmTooOld() async throws {
      try await withStandIn { standIn in
        let helm = try standIn.script("helm", "echo v3.9.4")
        let (_, kubectl) = try Self.kubectl(standIn)
        let driver = HelmKubectlDriver(helm: HelmClient(executable: helm), kubectl: KubectlClient(executable: kubectl))
        let problems = await driver.toolProblems()
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("helm v3.9.4 at \(helm) is too old: Cutover needs helm v3.10.0") == true)
      }
    }

    // MARK: - Releases

    @Test("deploy runs dependency update and upgrade with the checked helm's flags, notes them, returns the status")
    func deploy() async throws {
      try await withStandIn { standIn in
        let status = try standIn.answer("status.json", Self.pawsStatus)
        let values = try standIn.answer("values.json", Self.pawsValues)
        let helm = try standIn.script(
          "helm",
          """
          case "$1" in
            version) echo v4.0.1 ;;
            dependency) echo "Saving 1 charts" ;;
            upgrade) echo 'Release "paws" has been upgraded. Happy Helming!'; echo "received: $*" ;;
            status) cat '\(status)' ;;
            get) cat '\(values)' ;;
            *) echo "unexpected: $*" >&2; exit 2 ;;
          esac
          """)
        let (_, kubectl) = try Self.kubectl(standIn)
        let environment = try standIn.subdirectory("environment")
        var deployment = Self.pawsDeployment
        deployment.workingDirectory = environment.path
        let driver = HelmKubectlDriver(helm: HelmClient(executable: helm), kubectl: KubectlClient(executable: kubectl))
        #expect(await driver.toolProblems().isEmpty)
        let notes = Notes()
        let deployed = try await driver.deploy(deployment, on: cluster, note: notes.note)

        let upgrade = HelmCommands.upgradeInstall(
          deployment.request, target: cluster.target, helm: helm, helmVersion: ToolVersion(4, 0, 1))
        #expect(upgrade.arguments.contains("--rollback-on-failure"))
        // The secret `set:` value went to helm in a private values file, whose path changes with every run.
        let calls = try standIn.calls()
        #expect(calls.count == 5)
        #expect(
          Array(calls.prefix(2)) == [["version", "--template", "{{.Version}}"], ["dependency", "update", "./paws"]])
        let sent = calls.count > 2 ? calls[2] : []
        #expect(Array(sent.prefix(4)) == ["upgrade", "--install", "paws", "./paws"])
        #expect(sent.contains("--rollback-on-failure"))
        #expect(Array(sent.suffix(2)) == Array(upgrade.arguments.suffix(2)))
        #expect(sent.contains { $0.hasSuffix("/values.json") })
        #expect(!sent.joined(separator: " ").contains(Self.secret))
        #expect(
          Array(calls.suffix(2)) == [
            HelmCommands.status(release: "paws", namespace: "prod", target: cluster.target).arguments,
            HelmCommands.getValues(release: "paws", namespace: "prod", target: cluster.target).arguments,
          ])
        let real = environment.resolvingSymlinksInPath().path
        #expect(try standIn.directories().dropFirst().prefix(2) == [real, real])

        let fingerprint = HelmKubectlDriverTests.fingerprint(Self.pawsValues)
        #expect(
          deployed
            == DeployedRelease(
              name: "paws", namespace: "prod", revision: 4, status: "deployed", chart: "paws", version: "0.1.0",
              valuesFingerprint: fingerprint,
              lastDeployed: ISO8601DateFormatter().date(from: "2026-11-22T06:00:00Z")?.addingTimeInterval(0.5)))
        #expect(fingerprint.hasPrefix("sha256:") && fingerprint.count == 71)

        let lines = await notes.lines
        #expect(lines.count == 2)
        #expect(lines.first == "\(helm) dependency update ./paws\nSaving 1 charts")
        #expect(lines.last?.contains("upgrade --install paws ./paws") == true)
        #expect(lines.last?.contains("\nRelease \"paws\" has been upgraded.") == true)
        #expect(!lines.joined().contains(Self.secret))
      }
    }

    @Test(
      "declared chart repositories are added before the first deploy, once each however many deploys, concurrent or not"
    )
    func repositoriesAddedOnce() async throws {
      try await withStandIn { standIn in
        let status = try standIn.answer("status.json", Self.pawsStatus)
        let values = try standIn.answer("values.json", Self.pawsValues)
        let helm = try standIn.script(
          "helm",
          """
          case "$1" in
            version) echo v3.16.2 ;;
            repo) echo "\"$4\" has been added to your repositories" ;;
            dependency) echo "Saving 1 charts" ;;
            upgrade) echo 'Release "paws" has been upgraded.' ;;
            status) cat '\(status)' ;;
            get) cat '\(values)' ;;
            *) echo "unexpected: $*" >&2; exit 2 ;;
          esac
          """)
        let (_, kubectl) = try Self.kubectl(standIn)
        var deployment = Self.pawsDeployment
        deployment.workingDirectory = try standIn.subdirectory("environment").path
        deployment.repositories = [
          "jupyterhub": "https://hub.jupyter.org/helm-chart/",
          "ingress-nginx": "https://kubernetes.github.io/ingress-nginx",
        ]
        let driver = HelmKubectlDriver(helm: HelmClient(executable: helm), kubectl: KubectlClient(executable: kubectl))
        let notes = Notes()
        // Two at once (both wait for the same add), then one more.
        async let first = driver.deploy(deployment, on: cluster, note: notes.note)
        async let second = driver.deploy(deployment, on: cluster, note: notes.note)
        _ = try await (first, second)
        _ = try await driver.deploy(deployment, on: cluster, note: notes.note)
        let repoCalls = try standIn.calls().filter { $0.first == "repo" }
        #expect(
          repoCalls == [
            ["repo", "add", "--force-update", "ingress-nginx", "https://kubernetes.github.io/ingress-nginx"],
            ["repo", "add", "--force-update", "jupyterhub", "https://hub.jupyter.org/helm-chart/"],
          ])
        // Before the first dependency update, which needs them.
        let order = try standIn.calls().map { $0.first ?? "" }
        #expect(order.firstIndex(of: "repo")! < order.firstIndex(of: "dependency")!)
        #expect(await notes.lines.first?.contains("has been added to your repositories") == true)
      }
    }

    @Test("a failing helm throws helm's last line, secrets scrubbed")
    func failingHelm() async throws {
      try await withStandIn { standIn in
        let helm = try standIn.script(
          "helm",
          """
          case "$1" in
            version) echo v3.14.4 ;;
            dependency) echo "Saving 1 charts" ;;
            *) echo "received: $*" >&2; echo 'Error: UPGRADE FAILED: context deadline exceeded' >&2; exit 1 ;;
          esac
          """)
        let (_, kubectl) = try Self.kubectl(standIn)
        let driver = HelmKubectlDriver(helm: HelmClient(executable: helm), kubectl: KubectlClient(executable: kubectl))
        let notes = Notes()
        var deployment = Self.pawsDeployment
        deployment.workingDirectory = standIn.directory.path
        let error = await #expect(throws: KubernetesDriverError.self) {
          try await driver.deploy(deployment, on: cluster, note: notes.note)
        }
        let message = error?.message ?? ""
        #expect(message.hasSuffix("Error: UPGRADE FAILED: context deadline exceeded"), "\(message)")
        #expect(message.contains("exited with status 1"))
        #expect(message.contains("--atomic"), "helm 3 gets --atomic")
        #expect(!message.contains(Self.secret))
      }
    }

    @Test("a release helm does not know is nil; one it knows reads with status and values")
    func release() async throws {
      try await withStandIn { standIn in
        let status = try standIn.answer("status.json", Self.pawsStatus)
        let values = try standIn.answer("values.json", Self.pawsValues)
        let helm = try standIn.script(
          "helm",
          """
          case " $* " in *" paws "*) ;; *) echo "Error: release: not found" >&2; exit 1 ;; esac
          case "$1" in
            status) cat '\(status)' ;;
            get) cat '\(values)' ;;
          esac
          """)
        let driver = HelmKubectlDriver(helm: HelmClient(executable: helm))
        #expect(try await driver.release(name: "prometheus", namespace: "metrics", on: cluster) == nil)
        #expect(try standIn.calls().count == 1, "no values are read for a release that is not there")
        let read = try await driver.release(name: "paws", namespace: "prod", on: cluster)
        #expect(read?.revision == 4)
        #expect(read?.valuesFingerprint == Self.fingerprint(Self.pawsValues))
      }
    }

    @Test("the fingerprint follows the values helm reports, not their key order")
    func fingerprintFollowsValues() async throws {
      try await withStandIn { standIn in
        let status = try standIn.answer("status.json", Self.pawsStatus)
        let values = try standIn.answer("values.json", Self.pawsValues)
        let helm = try standIn.script(
          "helm",
          """
          case "$1" in
            status) cat '\(status)' ;;
            get) cat '\(values)' ;;
          esac
          """)
        let driver = HelmKubectlDriver(helm: HelmClient(executable: helm))
        let first = try await driver.release(name: "paws", namespace: "prod", on: cluster)?.valuesFingerprint
        _ = try standIn.answer(
          "values.json", #"{"jupyterhub":{"hub":{"baseUrl":"/","cookieSecret":"\#(Self.secret)"}}}"#)
        let reordered = try await driver.release(name: "paws", namespace: "prod", on: cluster)?.valuesFingerprint
        _ = try standIn.answer("values.json", #"{"jupyterhub":{"hub":{"baseUrl":"/","cookieSecret":"changed"}}}"#)
        let changed = try await driver.release(name: "paws", namespace: "prod", on: cluster)?.valuesFingerprint
        _ = try standIn.answer("values.json", KubernetesFixtures.noValues)
        let none = try await driver.release(name: "paws", namespace: "prod", on: cluster)?.valuesFingerprint
        #expect(first != nil)
        #expect(first == reordered)
        #expect(changed != first)
        #expect(none != nil && none != first && none != changed)
        #expect(![first, changed, none].contains { $0?.contains(Self.secret) == true })
      }
    }

    @Test("uninstall notes helm's words, and a release already gone is noted, not an error")
    func uninstall() async throws {
      try await withStandIn { standIn in
        let helm = try standIn.script(
          "helm",
          """
          if [ "$2" = paws ]; then echo 'release "paws" uninstalled'; exit 0; fi
          echo "Error: uninstall: Release not loaded: $2: release: not found" >&2; exit 1
          """)
        let driver = HelmKubectlDriver(helm: HelmClient(executable: helm))
        let notes = Notes()
        try await driver.uninstall(name: "paws", namespace: "prod", timeout: nil, on: cluster, note: notes.note)
        try await driver.uninstall(name: "gone", namespace: "prod", timeout: nil, on: cluster, note: notes.note)
        let command = HelmCommands.uninstall(release: "paws", namespace: "prod", target: cluster.target, helm: helm)
        #expect(
          await notes.lines == [
            command.displayLine + "\nrelease \"paws\" uninstalled",
            "helm: no release gone in namespace prod, nothing to uninstall",
          ])
      }
    }

    // MARK: - Manifests and nodes

    @Test("a manifest whose objects kubectl cannot find is nil; one with objects reads as applied")
    func manifest() async throws {
      try await withStandIn { standIn in
        let environment = try standIn.subdirectory("environment")
        let objects = try standIn.answer("objects.txt", "")
        let (calls, kubectl) = try Self.kubectl(standIn, "cat '\(objects)'")
        let driver = HelmKubectlDriver(kubectl: KubectlClient(executable: kubectl))
        let storageClass = Self.storageClass(in: environment.path)
        #expect(try await driver.manifest(storageClass, on: cluster) == nil)
        _ = try standIn.answer(
          "objects.txt", "Warning: the kubeconfig is group-readable\nstorageclass.storage.k8s.io/standard\n")
        #expect(
          try await driver.manifest(storageClass, on: cluster)
            == AppliedManifest(name: "storage-class", status: "applied", sha256: nil))
        let get = KubectlCommands.get(file: "manifests/storageclass.yaml", target: cluster.target).arguments
        #expect(try calls.calls() == [get, get])
        let real = environment.resolvingSymlinksInPath().path
        #expect(try calls.directories() == [real, real])
      }
    }

    @Test("apply and delete note kubectl's words; nodes are read from kubectl get nodes")
    func applyDeleteAndNodes() async throws {
      try await withStandIn { standIn in
        let nodes = try standIn.answer("nodes.json", KubernetesFixtures.nodes)
        let (calls, kubectl) = try Self.kubectl(
          standIn,
          """
          case "$3" in
            apply) echo "storageclass.storage.k8s.io/standard serverside-applied" ;;
            delete) echo 'storageclass.storage.k8s.io "standard" deleted' ;;
            get) cat '\(nodes)' ;;
          esac
          """)
        let driver = HelmKubectlDriver(kubectl: KubectlClient(executable: kubectl))
        let notes = Notes()
        let storageClass = Self.storageClass(in: standIn.directory.path)
        let applied = try await driver.apply(storageClass, on: cluster, note: notes.note)
        #expect(applied == AppliedManifest(name: "storage-class", status: "applied", sha256: "sha256:cc"))
        try await driver.delete(storageClass, on: cluster, note: notes.note)
        let file = "manifests/storageclass.yaml"
        let apply = KubectlCommands.apply(file: file, target: cluster.target, kubectl: kubectl)
        let delete = KubectlCommands.delete(file: file, target: cluster.target, kubectl: kubectl)
        #expect(
          await notes.lines == [
            apply.displayLine + "\nstorageclass.storage.k8s.io/standard serverside-applied",
            delete.displayLine + "\nstorageclass.storage.k8s.io \"standard\" deleted",
          ])
        #expect(try await driver.nodes(on: cluster) == KubernetesNode.parseList(KubernetesFixtures.nodes))
        #expect(try calls.calls().count == 3)
      }
    }

    /// What the driver should report for these `helm get values` answers.
    static func fingerprint(_ values: String) -> String {
      (try? Value.map(HelmReleaseValues.parse(values)).sha256Digest) ?? "unreadable"
    }
  }
}
