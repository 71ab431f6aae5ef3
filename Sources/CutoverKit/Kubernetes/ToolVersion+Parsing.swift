import Foundation

extension ToolVersion {
  /// Reads what `helm version --template {{.Version}}` prints (`v3.14.4`), tolerating the `--short` form
  /// (`v3.14.4+g81c902a`), the long `version.BuildInfo{Version:"v3.14.4",…}` form and warnings around it.
  ///
  /// - Throws: ``KubernetesOutputError`` when no version is in the output.
  public static func parseHelmVersion(_ output: String) throws(KubernetesOutputError) -> ToolVersion {
    for line in output.split(separator: "\n") where !line.hasPrefix("WARNING") {
      if let version = ToolVersion(parsing: String(line)) { return version }
    }
    throw KubernetesOutputError(what: "helm version", problem: "no version in \(Value.quoted(output))")
  }

  /// Reads what `kubectl version --client -o json` prints: `clientVersion.gitVersion` (`v1.28.15`), or
  /// `clientVersion.major` and `.minor` (`"1"`, `"28+"` on some vendor builds) when the git version is missing.
  ///
  /// - Throws: ``KubernetesOutputError`` when there is no client version.
  public static func parseKubectlVersion(_ output: String) throws(KubernetesOutputError) -> ToolVersion {
    let what = "kubectl version --client -o json"
    let json = try KubernetesOutput.json(in: output, what: what)
    if let git = json.at("clientVersion", "gitVersion")?.stringValue, let version = ToolVersion(parsing: git) {
      return version
    }
    if let major = json.at("clientVersion", "major")?.stringValue.flatMap({ Int($0.filter(\.isNumber)) }),
      let minor = json.at("clientVersion", "minor")?.stringValue.flatMap({ Int($0.filter(\.isNumber)) })
    {
      return ToolVersion(major, minor)
    }
    throw KubernetesOutputError(what: what, problem: "no clientVersion.gitVersion in it")
  }
}
