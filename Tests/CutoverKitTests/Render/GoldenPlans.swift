import CutoverKit
import Foundation
import Testing

/// The plans the golden files show, each computed by the planner from fixtures, with a fixed creation time, lineage
/// and serial so that rendering them is reproducible.
enum GoldenPlan: String, CaseIterable, CustomTestStringConvertible, Sendable {
  /// `eqiad1-before.yaml` as applied, planned against `eqiad1-after.yaml`: 128b created, 127d resized (and its
  /// proxies updated), 128a replaced for a new kube_tag, 127c deleted.
  case everyKindOfChange = "plan-every-kind-of-change"
  /// `eqiad1.yaml` as applied, planned against itself.
  case noChanges = "plan-no-changes"
  /// A catalog with a sensitive attribute: one secret created, one rotated.
  case sensitive = "plan-sensitive"

  /// Tokens of the sensitive plan; none may ever appear in a rendered plan.
  static let secrets = ["hub": "s3cr3t-hub-token-new-0451", "notebook": "s3cr3t-notebook-token-8812"]
  static let oldSecret = "s3cr3t-hub-token-old-2207"

  var testDescription: String { rawValue }

  func plan() throws -> Plan {
    var plan: Plan
    switch self {
    case .everyKindOfChange:
      let before = try Fixture.desiredState("eqiad1-before.yaml")
      plan = try Self.plan(Fixture.desiredState("eqiad1-after.yaml"), recorded: AppliedState.recording(before))
    case .noChanges:
      let desired = try Fixture.desiredState("eqiad1.yaml")
      plan = try Self.plan(desired, recorded: AppliedState.recording(desired))
    case .sensitive:
      let recorded = RecordedResource(
        address: ResourceAddress("app_secret.hub"), remoteID: "secret-hub",
        attributes: ["name": "hub", "token": .string(Self.oldSecret), "id": "secret-hub"])
      plan = try Self.plan(
        Fixture.desiredState("eqiad1.yaml"), recorded: [recorded],
        catalog: ResourceCatalog(types: [SecretTestResource(tokens: Self.secrets)]))
    }
    plan.createdAt = .fixedPlanTime
    return plan
  }

  private static func plan(
    _ desired: DesiredState, recorded: [RecordedResource], catalog: ResourceCatalog = .standard
  ) throws -> Plan {
    try Planner(catalog: catalog).plan(
      Planner.Request(
        environment: desired.environment, desired: desired, recorded: recorded, stateVersion: .fixed,
        digester: .test))
  }
}

/// The three renderings of a plan.
enum PlanFormat: String, CaseIterable, Sendable {
  case text = "txt"
  case json
  case markdown = "md"

  func render(_ plan: Plan) throws -> String {
    switch self {
    case .text: return TextPlanRenderer(color: false).render(plan)
    case .json: return try JSONPlanRenderer().render(plan)
    case .markdown: return MarkdownPlanRenderer().render(plan)
    }
  }
}
