/// Whether a plan needs helm or kubectl, and what stops this machine from running them, so a plan says so before
/// anything runs and an apply refuses to start one it cannot finish.
public enum KubernetesWork {
  /// The resource types whose actions run helm or kubectl.
  public static let types: Set<String> = [HelmReleaseResource.typeName, ManifestResource.typeName]

  /// Whether any change of the plan deploys, upgrades or removes a release or a manifest.
  public static func needed(by plan: Plan) -> Bool {
    plan.changes.contains { types.contains($0.address.type) && $0.action != .noop }
  }

  /// The driver's problems (helm missing, kubectl too old) when the plan needs it; empty otherwise.
  public static func problems(for plan: Plan, driver: any KubernetesDriver) async -> [String] {
    guard needed(by: plan) else { return [] }
    return await driver.toolProblems()
  }

  /// The plan warning for each problem.
  public static func warnings(_ problems: [String]) -> [String] {
    problems.map { "\($0); the releases and manifests of this plan cannot be applied from this machine" }
  }
}
