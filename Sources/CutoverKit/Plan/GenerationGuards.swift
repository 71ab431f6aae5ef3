/// The blue-green guards, checked on every plan and again before a saved plan runs: the live generation is never
/// replaced or deleted, no generation is deleted while a web proxy still sends traffic to its nodes, and only
/// `destroy` deletes a web proxy (whose route and DNS record go with it).
///
/// The guards know resource types only through `ResourceType`: which objects serve from hosts, which route traffic
/// to hosts, and which may be deleted only by `destroy`.
struct GenerationGuards {
  var catalog: ResourceCatalog

  /// One message per violation, naming the generation (or object) and what to do instead.
  func violations(of plan: Plan, desiredLive: String?, recorded: [RecordedResource]) -> [String] {
    var messages: [String] = []
    // Only destroy deletes routers (refused below otherwise), so only there do they stop routing within the plan.
    let deleted =
      plan.mode == .destroy
      ? Set(plan.changes.filter { $0.action == .delete && $0.deposedKey == nil }.map(\.address)) : []

    // Recorded routers (web proxies, haproxy hosts) that survive this plan, by the hosts they send traffic to. They
    // stand in front of the generations, never in one: a generation's objects are not read for routes (a plan leaves
    // the objects of unchanged generations unread).
    let removing = plan.changes.filter { $0.action == .delete || $0.action == .replace }
    guard !removing.isEmpty else { return messages }
    var routersByHost: [String: [ResourceAddress]] = [:]
    for router in recorded
    where router.deposedKey == nil && !deleted.contains(router.address) && catalog.generation(of: router.address) == nil
    {
      for host in catalog[router.address.type]?.routedHosts(router.attributes) ?? [] {
        routersByHost[host, default: []].append(router.address)
      }
    }
    let objects = Dictionary(
      recorded.map { (ObjectKey(address: $0.address, deposedKey: $0.deposedKey), $0) },
      uniquingKeysWith: { first, _ in first })

    var reported = Set<String>()
    for change in removing {
      guard let type = catalog[change.address.type] else { continue }
      let verb = change.action == .replace ? "replace" : "delete"
      if change.action == .replace, change.deposedKey == nil, !type.isReplaceable {
        messages.append(
          "\(change.address) cannot be replaced (\(type.replacementRefusal)):"
            + " \(change.replacePaths.joined(separator: ", ")) differs from what the state records")
        continue
      }
      if plan.mode == .apply, change.action == .delete, change.deposedKey == nil, type.onlyDestroyDeletes {
        messages.append(
          "\(change.address): \(type.deletionRisk); if that is meant, run"
            + " `cutover destroy \(plan.environment) --target \(change.address)`")
        continue
      }
      guard let generation = catalog.generation(of: change.address) else { continue }
      // A tainted object never finished building, so it never served: replacing it takes nothing down.
      if change.deposedKey == nil, generation == desiredLive, change.reason != .replaceBecauseTainted {
        if reported.insert("live \(generation)").inserted {
          let why =
            change.replacePaths.isEmpty
            ? "" : " (\(change.replacePaths.joined(separator: ", ")) cannot change in place)"
          messages.append(
            "generation \(generation) is live: this plan would \(verb) \(change.address)\(why);"
              + " add a new generation, switch live to it, then retire \(generation)")
        }
        continue
      }
      guard let object = objects[ObjectKey(address: change.address, deposedKey: change.deposedKey)] else { continue }
      let pointing = Set(type.servingHosts(object.attributes).flatMap { routersByHost[$0] ?? [] }).sorted()
      if !pointing.isEmpty, reported.insert("routed \(generation)").inserted {
        let routers = pointing.map(\.description).joined(separator: ", ")
        messages.append(
          "generation \(generation): \(routers) still \(pointing.count == 1 ? "points" : "point") at its nodes;"
            + " this plan would \(verb) \(change.displayAddress); switch the proxies away and apply first")
      }
    }
    return messages
  }

  private struct ObjectKey: Hashable {
    var address: ResourceAddress
    var deposedKey: String?
  }
}
