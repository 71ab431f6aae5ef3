import Foundation

/// Builds the helm command lines Cutover runs. Pure: no process, no file system, so every flag is unit-tested.
///
/// Choices, with the facts behind them:
/// - `set:` values go as `--set-json KEY=JSON` (Helm 3.10.0 and later). `--set` guesses types from text, so a
///   string `"30001"` or `"true"` would arrive as a number or a boolean; `--set-string` makes everything a string,
///   so `enableHttps: false` would arrive as the non-empty, truthy string `"false"`. `--set-json` decodes the value
///   as JSON, so each keeps the type it has in the desired state, maps and lists included, exactly as it would from
///   a values file (both go through Go's JSON decoding).
/// - `--create-namespace`: PAWS's namespaces (`prod`, `metrics`, `ingress-nginx`) do not exist on a new generation.
/// - `--timeout` is written in Go's duration form (`50m0s`), which every Helm accepts.
/// - Rolling back on failure is `--atomic` in Helm 3 and `--rollback-on-failure` in Helm 4 (where `--atomic` is
///   deprecated on upgrade and gone from install); the flag follows the version ``KubernetesToolCheck`` read.
/// - The kubeconfig is always named with `--kubeconfig`; see ``KubernetesTarget``.
public enum HelmCommands {
  /// `helm upgrade --install NAME CHART --namespace NS --create-namespace [--version V] [-f FILE]…
  /// [--set-json K=JSON]… [--timeout D] [--wait] [--atomic] --kubeconfig PATH [--kube-context C]`.
  ///
  /// Installs the release when it does not exist and upgrades it otherwise, so the same command serves create and
  /// update. Values files keep their declared order; `set:` values follow, sorted by key.
  ///
  /// - Parameters:
  ///   - helmVersion: The helm that will run it, which decides the rollback flag; Helm 3's when `nil`.
  public static func upgradeInstall(
    _ release: HelmReleaseRequest, target: KubernetesTarget, helm: String = "helm", helmVersion: ToolVersion? = nil
  ) -> KubernetesCommand {
    var arguments = ["upgrade", "--install", release.name, release.chart]
    arguments += ["--namespace", release.namespace, "--create-namespace"]
    if let version = release.version { arguments += ["--version", version] }
    for file in release.valuesFiles { arguments += ["-f", file] }
    // The sensitive values' private file comes after the declared ones, before the flags (which set other keys).
    if let hidden = release.hiddenValuesFile { arguments += ["-f", hidden] }
    var display = arguments
    for key in release.orderedSetKeys where release.hiddenValuesFile == nil || !release.isHidden(key) {
      let value = release.set[key] ?? .null
      arguments += ["--set-json", "\(key)=\(value.jsonText)"]
      // A hidden value prints bare, `KEY=(sensitive)`, not as the JSON string `"(sensitive)"` Helm would accept.
      let shown = release.sensitivity.redacted(value, at: key)
      let placeholder = Value.string(SensitiveValuePolicy.placeholder)
      display += ["--set-json", "\(key)=" + (shown == placeholder ? SensitiveValuePolicy.placeholder : shown.jsonText)]
    }
    var tail: [String] = []
    if let timeout = release.timeout { tail += ["--timeout", goDuration(timeout)] }
    if release.wait { tail.append("--wait") }
    if release.rollbackOnFailure {
      tail.append((helmVersion?.major ?? 3) >= 4 ? "--rollback-on-failure" : "--atomic")
    }
    tail += connection(target)
    return KubernetesCommand(
      tool: helm, arguments: arguments + tail, displayArguments: display + tail,
      secretTexts: release.sensitivity.secretTexts(in: release.set))
  }

  /// `helm dependency update PATH`: fetches a local chart's subcharts (PAWS's `./paws` pulls jupyterhub) into its
  /// `charts/` directory, as `deploy.sh` did before each install. Talks to chart repositories, not to a cluster.
  public static func dependencyUpdate(chartPath: String, helm: String = "helm") -> KubernetesCommand {
    KubernetesCommand(tool: helm, arguments: ["dependency", "update", chartPath])
  }

  /// `helm repo add --force-update NAME URL`: makes `NAME/chart` references resolvable; `--force-update` makes it
  /// succeed when the name is already there, so it can run before every deploy.
  public static func repoAdd(name: String, url: String, helm: String = "helm") -> KubernetesCommand {
    KubernetesCommand(tool: helm, arguments: ["repo", "add", "--force-update", name, url])
  }

  /// `helm status NAME --namespace NS -o json --kubeconfig PATH`: the release's revision, state and chart.
  public static func status(
    release: String, namespace: String, target: KubernetesTarget, helm: String = "helm"
  ) -> KubernetesCommand {
    KubernetesCommand(
      tool: helm, arguments: ["status", release, "--namespace", namespace, "-o", "json"] + connection(target))
  }

  /// `helm get values NAME --namespace NS -o json --kubeconfig PATH`: the values the release was installed with
  /// (user-supplied only, without the chart's defaults), to compare with the desired state. The answer holds the
  /// values files' secrets, so it is never journaled.
  public static func getValues(
    release: String, namespace: String, target: KubernetesTarget, helm: String = "helm"
  ) -> KubernetesCommand {
    KubernetesCommand(
      tool: helm, arguments: ["get", "values", release, "--namespace", namespace, "-o", "json"] + connection(target))
  }

  /// `helm uninstall NAME --namespace NS --wait --kubeconfig PATH`: `--wait` (Helm 3.7 and later) returns only once
  /// the release's objects are deleted, so a retired generation's namespace is really empty when the next step runs.
  public static func uninstall(
    release: String, namespace: String, target: KubernetesTarget, timeout: Duration? = nil, helm: String = "helm"
  ) -> KubernetesCommand {
    var arguments = ["uninstall", release, "--namespace", namespace, "--wait"]
    if let timeout { arguments += ["--timeout", goDuration(timeout)] }
    return KubernetesCommand(tool: helm, arguments: arguments + connection(target))
  }

  /// `helm version --template {{.Version}}`: just `v3.14.4`, with no cluster needed.
  public static func version(helm: String = "helm") -> KubernetesCommand {
    KubernetesCommand(tool: helm, arguments: ["version", "--template", "{{.Version}}"])
  }

  /// `--kubeconfig PATH [--kube-context C]`, Helm's names for the connection flags.
  static func connection(_ target: KubernetesTarget) -> [String] {
    var flags = ["--kubeconfig", target.kubeconfig]
    if let context = target.context { flags += ["--kube-context", context] }
    return flags
  }

  /// A duration as Go's `time.Duration.String()` writes it for whole seconds: `50m0s`, `1h0m0s`, `1h30m0s`, `45s`.
  /// Fractions of a second are rounded up, so a timeout is never shortened.
  public static func goDuration(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    let total = max(0, seconds + (attoseconds > 0 ? 1 : 0))
    let hours = total / 3600
    let minutes = (total % 3600) / 60
    let rest = total % 60
    if hours > 0 { return "\(hours)h\(minutes)m\(rest)s" }
    if minutes > 0 { return "\(minutes)m\(rest)s" }
    return "\(rest)s"
  }
}
