import CutoverKit
import Testing

extension KubernetesTests {
  @Suite("helm command lines for PAWS's releases, argument by argument")
  struct HelmCommandsTests {
    let target = KubernetesFixtures.target

    /// The argument after each `--set-json`.
    func setJSONValues(_ arguments: [String]) -> [String] {
      zip(arguments, arguments.dropFirst()).filter { $0.0 == "--set-json" }.map(\.1)
    }

    @Test("ingress-nginx: repository chart and version, set values typed with --set-json in key order")
    func ingressNginx() {
      let command = HelmCommands.upgradeInstall(KubernetesFixtures.ingressNginx, target: target)
      #expect(command.tool == "helm")
      #expect(
        command.arguments == [
          "upgrade", "--install", "ingress-nginx", "ingress-nginx/ingress-nginx",
          "--namespace", "ingress-nginx", "--create-namespace", "--version", "4.14.3",
          "--set-json", #"controller.config.proxy-body-size="4m""#,
          "--set-json", "controller.service.enableHttps=false",
          "--set-json", "controller.service.nodePorts.http=30001",
          "--set-json", #"controller.service.type="NodePort""#,
          "--wait", "--kubeconfig", "state/eqiad1/kube/128a.config",
        ])
      #expect(command.displayArguments == command.arguments, "nothing in ingress-nginx's values is sensitive")
      #expect(command.secretTexts.isEmpty)
    }

    @Test("paws: local chart, values files in declared order, 50 minute timeout as Go writes it")
    func paws() {
      let command = HelmCommands.upgradeInstall(KubernetesFixtures.paws, target: target)
      #expect(
        command.arguments == [
          "upgrade", "--install", "paws", "./paws", "--namespace", "prod", "--create-namespace",
          "-f", "paws/secrets.yaml", "-f", "paws/production.yaml",
          "--timeout", "50m0s", "--wait", "--kubeconfig", "state/eqiad1/kube/128a.config",
        ])
      #expect(KubernetesFixtures.paws.isLocalChart)
      #expect(
        HelmCommands.dependencyUpdate(chartPath: "./paws").arguments == ["dependency", "update", "./paws"])
    }

    @Test("prometheus: chart version, namespace metrics, no values, a kube context when one is named")
    func prometheus() {
      let withContext = KubernetesTarget(kubeconfig: "/srv/cutover/state/eqiad1/kube/127d.config", context: "default")
      let command = HelmCommands.upgradeInstall(KubernetesFixtures.prometheus, target: withContext)
      #expect(
        command.arguments == [
          "upgrade", "--install", "prometheus", "prometheus-community/prometheus",
          "--namespace", "metrics", "--create-namespace", "--version", "25.26.0",
          "--wait", "--kubeconfig", "/srv/cutover/state/eqiad1/kube/127d.config", "--kube-context", "default",
        ])
      #expect(!KubernetesFixtures.prometheus.isLocalChart)
    }

    @Test("a release from the desired state keeps its fields: values order, set, timeout, wait, dependency update")
    func fromReleaseSpec() {
      let spec = ReleaseSpec(
        name: "paws", chart: "./paws", namespace: "prod", values: ["paws/secrets.yaml", "paws/production.yaml"],
        set: ["hub.cookieSecret": "s3cr3t-cookie"], timeoutMinutes: 50, wait: false, dependencyUpdate: true,
        sensitive: ["jupyterhub.proxy"])
      let request = HelmReleaseRequest(spec)
      #expect(request.valuesFiles == ["paws/secrets.yaml", "paws/production.yaml"])
      #expect(request.timeout == .seconds(3000))
      #expect(!request.wait)
      #expect(request.dependencyUpdate)
      #expect(request.sensitivity.listedKeys == ["jupyterhub.proxy"])
      let arguments = HelmCommands.upgradeInstall(request, target: target).arguments
      #expect(!arguments.contains("--wait"))
      #expect(arguments.contains(#"hub.cookieSecret="s3cr3t-cookie""#))
    }

    @Test("strings that look like numbers or booleans stay strings; maps, lists and null pass as JSON")
    func typesSurvive() {
      let request = HelmReleaseRequest(
        name: "demo", chart: "repo/demo", namespace: "demo",
        set: [
          "image.tag": "1.10", "flag": "true", "port": 8080, "enabled": true, "empty": nil,
          "tolerations": [["key": "dedicated", "operator": "Equal", "value": "paws"]],
          "annotations": ["prometheus.io/scrape": "true"], "quote": #"say "hi", then go"#,
        ])
      #expect(
        setJSONValues(HelmCommands.upgradeInstall(request, target: target).arguments) == [
          #"annotations={"prometheus.io/scrape":"true"}"#,
          "empty=null",
          "enabled=true",
          #"flag="true""#,
          #"image.tag="1.10""#,
          "port=8080",
          #"quote="say \"hi\", then go""#,
          #"tolerations=[{"key":"dedicated","operator":"Equal","value":"paws"}]"#,
        ])
    }

    @Test("with a private values file, secrets and the keys set above them go in it, merged; the rest stay flags")
    func hiddenValuesFile() {
      var request = HelmReleaseRequest(
        name: "paws", chart: "./paws", namespace: "prod",
        set: [
          "hub.config": ["JupyterHub": ["admin_access": true]],
          "hub.config.GenericOAuthenticator.client_secret": "0123456789abcdef",
          "singleuser.memory.limit": "3G", "proxy.secretToken[0]": "fedcba9876543210",
        ])
      request.hiddenValuesFile = "/tmp/private/values.json"
      #expect(request.isHidden("hub.config"))
      #expect(request.isHidden("hub.config.GenericOAuthenticator.client_secret"))
      #expect(!request.isHidden("singleuser.memory.limit"))
      #expect(request.isHidden("proxy.secretToken[0]"), "the file holds the list with the secret at its index")
      #expect(
        request.hiddenValues
          == .map([
            "hub": .map([
              "config": .map([
                "JupyterHub": .map(["admin_access": true]),
                "GenericOAuthenticator": .map(["client_secret": "0123456789abcdef"]),
              ])
            ]),
            "proxy": .map(["secretToken": .list(["fedcba9876543210"])]),
          ]))
      let command = HelmCommands.upgradeInstall(request, target: target)
      #expect(command.arguments.contains("/tmp/private/values.json"))
      #expect(setJSONValues(command.arguments) == [#"singleuser.memory.limit="3G""#])
      #expect(!command.arguments.joined().contains("fedcba9876543210"))
    }

    @Test("sensitive set values print as (sensitive); the real command keeps them; their texts are collected")
    func redaction() {
      let request = HelmReleaseRequest(
        name: "paws", chart: "./paws", namespace: "prod",
        set: [
          "jupyterhub.hub.cookieSecret": "0123456789abcdef",
          "jupyterhub.proxy.secretToken": "feedfacecafebeef",
          "mediawiki.apiKey": "k-9f8e7d",
          "dbPassword": "hunter22",
          "jupyterhub.hub.config.MediaWikiOAuthenticator": ["client_id": "paws-id", "client_secret": "oauth-secret-1"],
          "custom.value": "listed-as-sensitive",
          "controller.config.proxy-body-size": "4m",
        ],
        sensitiveKeys: ["custom"])
      let command = HelmCommands.upgradeInstall(request, target: target)
      #expect(
        setJSONValues(command.displayArguments) == [
          "controller.config.proxy-body-size=\"4m\"",
          "custom.value=(sensitive)",
          "dbPassword=(sensitive)",
          "jupyterhub.hub.config.MediaWikiOAuthenticator="
            + #"{"client_id":"paws-id","client_secret":"(sensitive)"}"#,
          "jupyterhub.hub.cookieSecret=(sensitive)",
          "jupyterhub.proxy.secretToken=(sensitive)",
          "mediawiki.apiKey=(sensitive)",
        ])
      #expect(command.arguments.contains(#"jupyterhub.hub.cookieSecret="0123456789abcdef""#))
      #expect(
        command.displayLine
          == "helm upgrade --install paws ./paws --namespace prod --create-namespace"
          + " --set-json 'controller.config.proxy-body-size=\"4m\"' --set-json 'custom.value=(sensitive)'"
          + " --set-json 'dbPassword=(sensitive)'"
          + #" --set-json 'jupyterhub.hub.config.MediaWikiOAuthenticator={"client_id":"paws-id","#
          + #""client_secret":"(sensitive)"}' --set-json 'jupyterhub.hub.cookieSecret=(sensitive)'"#
          + " --set-json 'jupyterhub.proxy.secretToken=(sensitive)' --set-json 'mediawiki.apiKey=(sensitive)'"
          + " --wait --kubeconfig state/eqiad1/kube/128a.config")
      for secret in ["0123456789abcdef", "feedfacecafebeef", "k-9f8e7d", "hunter22", "oauth-secret-1"] {
        #expect(!command.displayLine.contains(secret))
        #expect(command.secretTexts.contains(secret))
      }
      #expect(!command.secretTexts.contains("paws-id"))
      #expect(command.scrubbed("Error: invalid cookie 0123456789abcdef") == "Error: invalid cookie (sensitive)")
    }

    @Test("set keys Helm would misread are reported before anything runs")
    func setKeyProblems() {
      let request = HelmReleaseRequest(
        name: "x", chart: "repo/x", namespace: "x",
        set: [
          "controller.service.nodePorts.http": 1, #"podAnnotations.prometheus\.io/scrape"#: "true",
          "tolerations[0].key": "dedicated", "a,b": 1, "c=d": 1, "e..f": 1, ".g": 1, "h[x]": 1, "i[0": 1,
          #"j\,k"#: 1,
        ])
      #expect(
        request.setKeyProblems == [
          #"set key ".g": it has an empty path component"#,
          #"set key "a,b": Helm reads an unescaped , as a separator; write \, for a literal one"#,
          #"set key "c=d": Helm reads an unescaped = as a separator; write \= for a literal one"#,
          #"set key "e..f": it has an empty path component"#,
          #"set key "h[x]": a list index between [ and ] must be a number"#,
          #"set key "i[0": [ without ]"#,
        ])
      #expect(KubernetesFixtures.ingressNginx.setKeyProblems.isEmpty)
    }

    @Test("rollback on failure is --atomic for helm 3 and --rollback-on-failure for helm 4")
    func rollbackFlag() {
      var request = KubernetesFixtures.prometheus
      request.rollbackOnFailure = true
      let helm3 = HelmCommands.upgradeInstall(request, target: target, helmVersion: ToolVersion(3, 14, 4)).arguments
      let unknown = HelmCommands.upgradeInstall(request, target: target).arguments
      let helm4 = HelmCommands.upgradeInstall(request, target: target, helmVersion: ToolVersion(4, 0, 1)).arguments
      #expect(helm3.suffix(4) == ["--wait", "--atomic", "--kubeconfig", "state/eqiad1/kube/128a.config"])
      #expect(unknown == helm3)
      #expect(helm4.suffix(4) == ["--wait", "--rollback-on-failure", "--kubeconfig", "state/eqiad1/kube/128a.config"])
    }

    @Test("status, get values, uninstall, version and repo add")
    func readingCommands() {
      #expect(
        HelmCommands.status(release: "paws", namespace: "prod", target: target).arguments == [
          "status", "paws", "--namespace", "prod", "-o", "json", "--kubeconfig", "state/eqiad1/kube/128a.config",
        ])
      #expect(
        HelmCommands.getValues(release: "paws", namespace: "prod", target: target).arguments == [
          "get", "values", "paws", "--namespace", "prod", "-o", "json",
          "--kubeconfig", "state/eqiad1/kube/128a.config",
        ])
      #expect(
        HelmCommands.uninstall(release: "paws", namespace: "prod", target: target).arguments == [
          "uninstall", "paws", "--namespace", "prod", "--wait", "--kubeconfig", "state/eqiad1/kube/128a.config",
        ])
      #expect(
        HelmCommands.uninstall(release: "paws", namespace: "prod", target: target, timeout: .seconds(600)).arguments
          == [
            "uninstall", "paws", "--namespace", "prod", "--wait", "--timeout", "10m0s",
            "--kubeconfig", "state/eqiad1/kube/128a.config",
          ])
      #expect(HelmCommands.version().arguments == ["version", "--template", "{{.Version}}"])
      #expect(HelmCommands.version().displayLine == "helm version --template '{{.Version}}'")
      #expect(
        HelmCommands.repoAdd(name: "ingress-nginx", url: "https://kubernetes.github.io/ingress-nginx").arguments == [
          "repo", "add", "--force-update", "ingress-nginx", "https://kubernetes.github.io/ingress-nginx",
        ])
      #expect(HelmCommands.version(helm: "/opt/helm/bin/helm").displayLine.hasPrefix("/opt/helm/bin/helm version"))
    }

    @Test(
      "durations are written the way Go's time.Duration prints them",
      arguments: [
        (Duration.seconds(50 * 60), "50m0s"), (.seconds(3600), "1h0m0s"), (.seconds(5400), "1h30m0s"),
        (.seconds(45), "45s"), (.seconds(0), "0s"), (.milliseconds(1500), "2s"), (.seconds(3661), "1h1m1s"),
      ])
    func goDurations(duration: Duration, expected: String) {
      #expect(HelmCommands.goDuration(duration) == expected)
    }

    @Test(
      "local charts are told from repository and OCI references by their form",
      arguments: [
        ("./paws", true), ("../charts/paws", true), ("/srv/paws", true), ("~/paws", true), (".", true),
        ("ingress-nginx/ingress-nginx", false), ("oci://registry.example/charts/paws", false), ("paws", false),
      ])
    func localCharts(chart: String, local: Bool) {
      #expect(HelmReleaseRequest(name: "x", chart: chart, namespace: "x").isLocalChart == local)
    }
  }
}
