/// Records, after an apply that ran every action of its plan and saw each succeed, the fingerprint of each generation
/// the plan compared on each of that generation's objects (``GenerationFingerprints``): the next plan whose
/// fingerprint for the generation is the same leaves it out of the comparison.
///
/// A generation is recorded only when the plan that ran still holds every change the planner made for it: a plan
/// cut down after planning (the switch's part of one) converges nothing of what it dropped. It is not recorded when
/// an object of it is deposed or not ready.
struct ConvergedGenerations {
  var catalog: ResourceCatalog
  var store: any StateJournal

  func record(_ plan: Plan) throws {
    guard let generations = plan.generations else { return }
    let acting = catalog.actions(byGeneration: plan.changes)
    let converged = generations.filter { !$0.value.unchanged && acting[$0.key, default: 0] == $0.value.actions }
    guard !converged.isEmpty else { return }

    let recorded = try store.resources()
    var fingerprints: [ResourceAddress: String] = [:]
    for (generation, indices) in catalog.settledGenerations(recorded) {
      guard let fingerprint = converged[generation]?.fingerprint else { continue }
      let value = GenerationFingerprints.recorded(fingerprint, resources: indices.count)
      for index in indices { fingerprints[recorded[index].address] = value }
    }
    try store.recordFingerprints(fingerprints)
  }
}
