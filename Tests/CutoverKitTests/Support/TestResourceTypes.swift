import CutoverKit

/// A resource type that only the planner and renderers see: its cloud actions are never run.
protocol PlanOnlyResourceType: ResourceType {}

extension PlanOnlyResourceType {
  func generation(of address: ResourceAddress) -> String? { nil }

  func create(
    _ attributes: Attributes, address: ResourceAddress, context: ActionContext
  ) async throws -> AppliedResource {
    throw ResourceActionError("\(name) is a plan-only test type")
  }

  func update(
    _ attributes: Attributes, prior: RecordedResource, context: ActionContext
  ) async throws -> AppliedResource {
    throw ResourceActionError("\(name) is a plan-only test type")
  }

  func delete(_ prior: RecordedResource, context: ActionContext) async throws {
    throw ResourceActionError("\(name) is a plan-only test type")
  }

  func read(_ prior: RecordedResource, context: ActionContext) async throws -> AppliedResource? { nil }

  func find(_ attributes: Attributes, context: ActionContext) async throws -> AppliedResource? { nil }
}

/// `app_secret.<name>`: a resource type with a sensitive `token`, to check that no output ever shows it.
struct SecretTestResource: PlanOnlyResourceType {
  /// The tokens the desired state asks for, by resource name.
  var tokens: [String: String]

  let name = "app_secret"

  let schema = ResourceSchema([
    AttributeSchema("name", .forcesReplacement),
    AttributeSchema("token", .updatable, sensitive: true),
    AttributeSchema("id", .computed(changesOnUpdate: false)),
  ])

  func expand(_ state: DesiredState) -> [DesiredResource] {
    tokens.sorted { $0.key < $1.key }.map { secret, token in
      DesiredResource(
        address: ResourceAddress(type: name, name: secret),
        attributes: ["name": .value(.string(secret)), "token": .value(.string(token))])
    }
  }
}

/// `loop.a` and `loop.b`, each declared to depend on the other: a catalog no plan can order.
struct LoopTestResource: PlanOnlyResourceType {
  let name = "loop"

  let schema = ResourceSchema([AttributeSchema("name", .forcesReplacement)])

  func expand(_ state: DesiredState) -> [DesiredResource] {
    let first = ResourceAddress(type: name, name: "a")
    let second = ResourceAddress(type: name, name: "b")
    return [
      DesiredResource(address: first, attributes: ["name": .value("a")], dependsOn: [second]),
      DesiredResource(address: second, attributes: ["name": .value("b")], dependsOn: [first]),
    ]
  }
}
