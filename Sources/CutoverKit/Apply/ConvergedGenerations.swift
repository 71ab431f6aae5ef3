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
    var acting: [String: Int] = [:]
    for change in plan.changes where change.action != .noop {
      if let generation = catalog.generation(of: change.address) { acting[generation, default: 0] += 1 }
    }
    let converged = generations.filter { !$0.value.unchanged && acting[$0.key, default: 0] == $0.value.actions }
    guard !converged.isEmpty else { return }

    var objects: [String: [ResourceAddress]] = [:]
    var unsettled = Set<String>()
    for object in try store.resources() {
      guard let generation = catalog.generation(of: object.address), converged[generation] != nil else { continue }
      if object.deposedKey != nil || object.status != .ready {
        unsettled.insert(generation)
      } else {
        objects[generation, default: []].append(object.address)
      }
    }
    var fingerprints: [ResourceAddress: String] = [:]
    for (generation, addresses) in objects where !unsettled.contains(generation) {
      guard let fingerprint = converged[generation]?.fingerprint else { continue }
      let recorded = GenerationFingerprints.recorded(fingerprint, resources: addresses.count)
      for address in addresses { fingerprints[address] = recorded }
    }
    try store.recordFingerprints(fingerprints)
  }
}
