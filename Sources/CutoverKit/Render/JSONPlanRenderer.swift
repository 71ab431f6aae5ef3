import Foundation

/// Renders a plan as machine-readable JSON in the shape CI tooling for Terraform and OpenTofu plans expects:
/// `resource_changes[]` with `actions`, `before`, `after`, `after_unknown`, `replace_paths`, `action_reason`.
public struct JSONPlanRenderer: Sendable {
  public init() {}

  public func render(_ plan: Plan) throws -> String {
    let document = PlanDocument(
      formatVersion: plan.formatVersion,
      environment: plan.environment,
      mode: plan.mode.rawValue,
      lineage: plan.stateVersion.lineage,
      serial: plan.stateVersion.serial,
      desiredDigest: plan.desiredDigest,
      resourceChanges: plan.changes.map(ResourceChange.init),
      resourceDrift: plan.drift.map(ResourceDrift.init),
      warnings: plan.warnings,
      summary: .init(add: plan.summary.add, change: plan.summary.change, destroy: plan.summary.destroy),
      unchangedGenerations: plan.unchangedGenerations.isEmpty ? nil : plan.unchangedGenerations)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
  }

  private struct PlanDocument: Encodable {
    var formatVersion: String
    var environment: String
    var mode: String
    var lineage: String
    var serial: Int
    var desiredDigest: String
    var resourceChanges: [ResourceChange]
    var resourceDrift: [ResourceDrift]
    var warnings: [String]
    var summary: Summary
    /// The generations left out as unchanged (``Plan/unchangedGenerations``): their objects are not in
    /// `resource_changes`.
    var unchangedGenerations: [String]?
  }

  private struct Summary: Encodable {
    var add: Int
    var change: Int
    var destroy: Int
  }

  private struct ResourceChange: Encodable {
    var address: String
    var type: String
    var name: String
    var deposed: String?
    var actions: [String]
    var before: Attributes?
    var after: Attributes?
    var afterUnknown: [String: Bool]
    var afterSensitive: [String: Bool]
    var replacePaths: [[String]]
    var actionReason: String?

    init(_ change: PlannedChange) {
      address = change.address.description
      type = change.address.type
      name = change.address.name
      deposed = change.deposedKey
      switch change.action {
      case .create: actions = ["create"]
      case .update: actions = ["update"]
      case .replace: actions = ["create", "delete"]
      case .delete: actions = ["delete"]
      case .noop: actions = ["no-op"]
      }
      before = change.before
      after = change.after
      afterUnknown = Dictionary(uniqueKeysWithValues: change.unknownAfter.map { ($0, true) })
      afterSensitive = Dictionary(uniqueKeysWithValues: change.sensitive.map { ($0, true) })
      replacePaths = change.replacePaths.map { [$0] }
      actionReason = change.reason?.rawValue
    }
  }

  private struct ResourceDrift: Encodable {
    var address: String
    var kind: String
    var before: Attributes
    var after: Attributes?

    init(_ drift: Drift) {
      address = drift.address.description
      kind = drift.kind.rawValue
      before = drift.before
      after = drift.after
    }
  }
}
