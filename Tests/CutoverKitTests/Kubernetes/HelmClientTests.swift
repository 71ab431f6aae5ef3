import CutoverKit
import Foundation
import Testing

extension KubernetesTests {
  @Suite("HelmClient runs helm with deadlines and reports helm's own words")
  struct HelmClientTests {
    let target = KubernetesFixtures.target

    @Test("deploying paws runs dependency update, then upgrade --install, in the environment's directory")
    func deployPaws() async throws {
      try await withStandIn { standIn in
        let helm = try standIn.script(
          "helm",
          """
          case "$1" in
            dependency) echo "Saving 1 charts"; echo "Deleting outdated charts" ;;
            upgrade) echo 'Release "paws" has been upgraded. Happy Helming!'; echo "STATUS: deployed" ;;
            *) echo "unexpected: $*" >&2; exit 2 ;;
          esac
          """)
        let environment = try standIn.subdirectory("environment")
        let client = HelmClient(executable: helm)
        let runs = try await client.upgradeInstall(
          KubernetesFixtures.paws, target: target, workingDirectory: environment.path)
        let upgrade = HelmCommands.upgradeInstall(KubernetesFixtures.paws, target: target, helm: helm)
        #expect(
          runs == [
            ToolRun(command: "\(helm) dependency update ./paws", output: "Saving 1 charts\nDeleting outdated charts\n"),
            ToolRun(
              command: upgrade.displayLine,
              output: "Release \"paws\" has been upgraded. Happy Helming!\nSTATUS: deployed\n"),
          ])
        #expect(try standIn.calls() == [["dependency", "update", "./paws"], upgrade.arguments])
        let real = environment.resolvingSymlinksInPath().path
        #expect(try standIn.directories() == [real, real])
      }
    }

    @Test("a repository chart is deployed without a dependency update; its set values arrive typed")
    func deployIngress() async throws {
      try await withStandIn { standIn in
        let helm = try standIn.script("helm", "echo deployed")
        let runs = try await HelmClient(executable: helm).upgradeInstall(
          KubernetesFixtures.ingressNginx, target: target)
        #expect(runs.count == 1)
        let calls = try standIn.calls()
        #expect(calls.count == 1)
        #expect(calls.first?.contains("controller.service.enableHttps=false") == true)
        #expect(calls.first?.contains(#"controller.service.type="NodePort""#) == true)
      }
    }

    @Test("status and user values are read and parsed; the command is exactly helm's status form")
    func readRelease() async throws {
      try await withStandIn { standIn in
        let status = try standIn.answer("status.json", KubernetesFixtures.ingressStatus)
        let values = try standIn.answer("values.json", KubernetesFixtures.ingressValues)
        let helm = try standIn.script(
          "helm",
          """
          case "$1" in
            status) cat '\(status)' ;;
            get) cat '\(values)' ;;
          esac
          """)
        let client = HelmClient(executable: helm)
        let read = try await client.status(release: "ingress-nginx", namespace: "ingress-nginx", target: target)
        #expect(read?.phase == .deployed)
        #expect(read?.chartVersion == "4.14.3")
        let userValues = try await client.userValues(
          release: "ingress-nginx", namespace: "ingress-nginx", target: target)
        #expect(try userValues == HelmReleaseValues.parse(KubernetesFixtures.ingressValues))
        #expect(
          try standIn.calls() == [
            HelmCommands.status(release: "ingress-nginx", namespace: "ingress-nginx", target: target).arguments,
            HelmCommands.getValues(release: "ingress-nginx", namespace: "ingress-nginx", target: target).arguments,
          ])
      }
    }

    @Test("a release that does not exist is nil for status, values and uninstall, not an error")
    func releaseNotFound() async throws {
      try await withStandIn { standIn in
        let helm = try standIn.script(
          "helm",
          """
          case "$1" in
            uninstall) echo "Error: uninstall: Release not loaded: $2: release: not found" >&2 ;;
            *) echo "Error: release: not found" >&2 ;;
          esac
          exit 1
          """)
        let client = HelmClient(executable: helm)
        #expect(try await client.status(release: "paws", namespace: "prod", target: target) == nil)
        #expect(try await client.userValues(release: "paws", namespace: "prod", target: target) == nil)
        #expect(try await client.uninstall(release: "paws", namespace: "prod", target: target) == nil)
        #expect(try standIn.calls().count == 3)
      }
    }

    @Test("uninstall returns helm's output when the release existed")
    func uninstall() async throws {
      try await withStandIn { standIn in
        let helm = try standIn.script("helm", #"echo "release \"$2\" uninstalled""#)
        let run = try await HelmClient(executable: helm).uninstall(release: "paws", namespace: "prod", target: target)
        #expect(run?.output == "release \"paws\" uninstalled\n")
        #expect(
          try standIn.calls() == [HelmCommands.uninstall(release: "paws", namespace: "prod", target: target).arguments])
      }
    }

    @Test("a failed upgrade throws helm's last ten lines with the redacted command, secrets scrubbed")
    func failedUpgrade() async throws {
      try await withStandIn { standIn in
        let helm = try standIn.script(
          "helm",
          """
          i=1
          while [ $i -le 12 ]; do echo "client.go:$i: creating 1 resource(s)" >&2; i=$((i+1)); done
          echo "   received: $*   " >&2
          echo "" >&2
          echo 'Error: UPGRADE FAILED: context deadline exceeded' >&2
          exit 1
          """)
        var release = KubernetesFixtures.paws
        release.dependencyUpdate = false
        release.set = ["jupyterhub.hub.cookieSecret": "0123456789abcdef"]
        let command = HelmCommands.upgradeInstall(release, target: target, helm: helm)
        let error = await #expect(throws: KubernetesToolError.self) {
          try await HelmClient(executable: helm).upgradeInstall(release, target: target)
        }
        guard case .failed(let shown, let termination, let lines)? = error else {
          Issue.record("expected a failure, got \(String(describing: error))")
          return
        }
        // The secret went in a private values file, not on the command line.
        #expect(!command.displayLine.contains("/values.json"))
        #expect(shown.contains("-f paws/production.yaml -f /"))
        #expect(shown.contains("/values.json --timeout"))
        #expect(!shown.contains("cookieSecret"))
        #expect(termination == .exited(1))
        #expect(lines.count == 10)
        #expect(lines.first == "client.go:5: creating 1 resource(s)")
        #expect(lines.last == "Error: UPGRADE FAILED: context deadline exceeded")
        #expect(lines.contains { $0.hasPrefix("received: upgrade --install paws") && !$0.contains("0123456789abcdef") })
        let message = error?.localizedDescription ?? ""
        #expect(!message.contains("0123456789abcdef"))
        #expect(message.hasPrefix("`\(shown)` exited with status 1:\n  client.go:5:"))
        // The private file is gone once helm is.
        let file = try #require(shown.split(separator: " ").first { $0.hasSuffix("/values.json") })
        #expect(!FileManager.default.fileExists(atPath: String(file)))
        #expect(!FileManager.default.fileExists(atPath: (String(file) as NSString).deletingLastPathComponent))
      }
    }

    @Test("sensitive set: values reach helm in a private 0600 file, as nested values; the others as --set-json")
    func sensitiveValuesFile() async throws {
      try await withStandIn { standIn in
        let log = standIn.directory.appendingPathComponent("seen").path
        let helm = try standIn.script(
          "helm",
          """
          for argument in "$@"; do
            case "$argument" in
              */values.json) stat -c %a "$argument" >> '\(log)'; cat "$argument" >> '\(log)'; echo >> '\(log)' ;;
            esac
          done
          echo "argv: $*" >> '\(log)'
          """)
        var release = KubernetesFixtures.paws
        release.dependencyUpdate = false
        release.set = [
          "jupyterhub.hub.cookieSecret": "0123456789abcdef", "jupyterhub.proxy.secretToken": "fedcba9876543210",
          "jupyterhub.singleuser.memory": "3G",
        ]
        _ = try await HelmClient(executable: helm).upgradeInstall(release, target: target)
        let seen = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(seen.count == 3, "\(seen)")
        #expect(seen.first == "600")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(seen[1].utf8)) as? [String: Any])
        let hub = (document["jupyterhub"] as? [String: Any])?["hub"] as? [String: Any]
        let proxy = (document["jupyterhub"] as? [String: Any])?["proxy"] as? [String: Any]
        #expect(hub?["cookieSecret"] as? String == "0123456789abcdef")
        #expect(proxy?["secretToken"] as? String == "fedcba9876543210")
        #expect((document["jupyterhub"] as? [String: Any])?["singleuser"] == nil)
        let argv = seen[2]
        #expect(argv.contains("--set-json jupyterhub.singleuser.memory=\"3G\""))
        #expect(!argv.contains("0123456789abcdef") && !argv.contains("fedcba9876543210"))
      }
    }

    @Test("a sensitive set: key with a list index goes in the private file as that list element, never on argv")
    func sensitiveListElementInValuesFile() async throws {
      try await withStandIn { standIn in
        let log = standIn.directory.appendingPathComponent("seen").path
        let helm = try standIn.script(
          "helm",
          """
          for argument in "$@"; do
            case "$argument" in */values.json) cat "$argument" >> '\(log)'; echo >> '\(log)' ;; esac
          done
          """)
        var release = KubernetesFixtures.paws
        release.dependencyUpdate = false
        release.set = [
          "controller.extraSecrets[1]": "0123456789abcdef", "controller.tolerations[0].key": "dedicated-ingress",
          "controller.replicaCount": 2,
        ]
        _ = try await HelmClient(executable: helm).upgradeInstall(release, target: target)
        let argv = try #require(try standIn.calls().last)
        #expect(!argv.contains { $0.contains("0123456789abcdef") || $0.contains("dedicated-ingress") }, "\(argv)")
        #expect(!argv.contains { $0.hasPrefix("controller.extraSecrets") || $0.hasPrefix("controller.tolerations") })
        #expect(argv.contains("controller.replicaCount=2"), "\(argv)")
        let written = try String(contentsOfFile: log, encoding: .utf8)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(written.utf8)) as? [String: Any])
        let controller = try #require(document["controller"] as? [String: Any], "\(written)")
        let secrets = try #require(controller["extraSecrets"] as? [Any], "\(written)")
        #expect(secrets.count == 2)
        #expect(secrets.first is NSNull, "the elements before the index are null, as helm's --set pads them")
        #expect(secrets.last as? String == "0123456789abcdef")
        let tolerations = try #require(controller["tolerations"] as? [[String: Any]], "\(written)")
        #expect(tolerations.first?["key"] as? String == "dedicated-ingress")
        #expect(controller["replicaCount"] == nil)
      }
    }

    @Test("a helm that hangs is killed at the deadline, and the error says so with what it printed")
    func hangingRead() async throws {
      try await withStandIn { standIn in
        let helm = try standIn.script("helm", "echo 'waiting for the API server'\nexec sleep 600")
        let client = HelmClient(
          executable: helm, runner: ProcessRunner(killGracePeriod: .milliseconds(200)), readTimeout: .milliseconds(500))
        let clock = ContinuousClock()
        let started = clock.now
        await #expect(
          throws: KubernetesToolError.failed(
            command: HelmCommands.status(release: "paws", namespace: "prod", target: target, helm: helm).displayLine,
            termination: .timedOut(.milliseconds(500)), lastLines: ["waiting for the API server"])
        ) {
          try await client.status(release: "paws", namespace: "prod", target: target)
        }
        #expect(clock.now - started < .seconds(20))
      }
    }

    @Test("a deploy's deadline is twice helm's timeout plus a margin, so helm fails first by itself")
    func deployDeadline() async throws {
      #expect(HelmClient().deadline(forHelmTimeout: .seconds(3000)) == .seconds(6300))
      #expect(HelmClient().deadline(forHelmTimeout: nil) == .seconds(900))
      try await withStandIn { standIn in
        let helm = try standIn.script("helm", "exec sleep 600")
        var release = KubernetesFixtures.prometheus
        release.timeout = .milliseconds(100)
        let client = HelmClient(
          executable: helm, runner: ProcessRunner(killGracePeriod: .milliseconds(200)),
          deadlineMargin: .milliseconds(300))
        let error = await #expect(throws: KubernetesToolError.self) {
          try await client.upgradeInstall(release, target: target)
        }
        guard case .failed(_, let termination, let lines)? = error else {
          Issue.record("expected a timeout, got \(String(describing: error))")
          return
        }
        #expect(termination == .timedOut(.milliseconds(500)))
        #expect(lines.isEmpty)
        #expect(error?.localizedDescription.hasSuffix("was killed and printed nothing") == true)
      }
    }

    @Test("a missing helm is a clear error, whether configured by path or looked up on PATH")
    func missingHelm() async throws {
      try await withStandIn { standIn in
        let path = standIn.directory.appendingPathComponent("bin/helm").path
        await #expect(throws: KubernetesToolError.toolNotFound(tool: path, searched: [path])) {
          try await HelmClient(executable: path).version()
        }
        let empty = try standIn.subdirectory("empty")
        let client = HelmClient(runner: ProcessRunner(fallbackDirectories: []), environment: ["PATH": empty.path])
        let error = await #expect(throws: KubernetesToolError.toolNotFound(tool: "helm", searched: [empty.path])) {
          try await client.status(release: "paws", namespace: "prod", target: target)
        }
        #expect(error?.localizedDescription == "helm not found on PATH or in \(empty.path)")
      }
    }

    @Test("an answer that is not JSON is an error naming the command")
    func unreadableAnswer() async throws {
      try await withStandIn { standIn in
        let helm = try standIn.script("helm", "echo 'NAME: paws'; echo 'STATUS: deployed'")
        let error = await #expect(throws: KubernetesToolError.self) {
          try await HelmClient(executable: helm).status(release: "paws", namespace: "prod", target: target)
        }
        #expect(
          error?.localizedDescription
            == "`\(helm) status paws --namespace prod -o json --kubeconfig state/eqiad1/kube/128a.config` succeeded, but "
            + #"could not read the output of helm status -o json: no JSON document in it; it begins "NAME: paws""#)
      }
    }
  }
}
