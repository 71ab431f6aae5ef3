import Foundation

/// The steps of a plan and the order they must run in.
///
/// Creates and updates run after the creates and updates of what they depend on. Deleting an object waits until
/// everything that used it has been deleted or has moved away from it, and a replacement deletes its old object only
/// once the new one exists (create before destroy).
struct ExecutionGraph {
  private(set) var labels: [ActionLabel] = []
  private(set) var changes: [ActionLabel: PlannedChange] = [:]
  private(set) var dependencies: [ActionLabel: Set<ActionLabel>] = [:]
  private(set) var dependents: [ActionLabel: Set<ActionLabel>] = [:]
  /// For the create step of a replacement, the key under which the object it replaces is deposed.
  private(set) var deposeKeys: [ActionLabel: String] = [:]

  init(plan: Plan) {
    var applyStep: [ResourceAddress: ActionLabel] = [:]
    var deleteSteps: [ResourceAddress: [ActionLabel]] = [:]
    var stepsOfChange: [(change: PlannedChange, apply: ActionLabel?, delete: ActionLabel?)] = []
    for change in plan.changes {
      var apply: ActionLabel?
      var delete: ActionLabel?
      switch change.action {
      case .noop:
        continue
      case .create, .update:
        apply = ActionLabel(address: change.address, kind: change.action == .create ? .create : .update)
      case .replace:
        let key = String(UUID().uuidString.prefix(8)).lowercased()
        apply = ActionLabel(address: change.address, kind: .create)
        delete = ActionLabel(address: change.address, kind: .delete, deposedKey: key)
        deposeKeys[apply!] = key
      case .delete:
        delete = ActionLabel(address: change.address, kind: .delete, deposedKey: change.deposedKey)
      }
      if let apply {
        applyStep[change.address] = apply
        add(apply, change)
      }
      if let delete {
        deleteSteps[change.address, default: []].append(delete)
        add(delete, change)
      }
      if let apply, let delete { link(delete, after: apply) }
      stepsOfChange.append((change, apply, delete))
    }

    for (change, apply, delete) in stepsOfChange {
      if let apply {
        for dependency in change.dependencies {
          if let before = applyStep[dependency] { link(apply, after: before) }
        }
      }
      // Whatever this object used is deleted only after this object is deleted or has moved on.
      for used in change.priorDependencies {
        for usedDelete in deleteSteps[used] ?? [] {
          if let delete { link(usedDelete, after: delete) }
          if let apply { link(usedDelete, after: apply) }
        }
      }
    }
  }

  var dependencyCounts: [ActionLabel: Int] {
    Dictionary(uniqueKeysWithValues: labels.map { ($0, dependencies[$0]?.count ?? 0) })
  }

  func transitiveDependents(of label: ActionLabel) -> Set<ActionLabel> {
    var seen = Set<ActionLabel>()
    var stack = Array(dependents[label] ?? [])
    while let next = stack.popLast() {
      guard seen.insert(next).inserted else { continue }
      stack.append(contentsOf: dependents[next] ?? [])
    }
    return seen
  }

  private mutating func add(_ label: ActionLabel, _ change: PlannedChange) {
    labels.append(label)
    changes[label] = change
    dependencies[label] = dependencies[label] ?? []
  }

  private mutating func link(_ label: ActionLabel, after dependency: ActionLabel) {
    guard label != dependency else { return }
    dependencies[label, default: []].insert(dependency)
    dependents[dependency, default: []].insert(label)
  }
}
