/// The blue-green guards, checked on every plan before anything can run: the live generation is never replaced or
/// deleted, and no generation is deleted while a web proxy still sends traffic to its nodes.
struct GenerationGuards {
  var catalog: ResourceCatalog

  /// One message per violation, naming the generation and what to do instead.
  func violations(of plan: Plan, desiredLive: String?, recorded: [RecordedResource]) -> [String] {
    var messages: [String] = []
    let removing = plan.changes.filter { $0.action == .delete || $0.action == .replace }
    let deletedAddresses = Set(plan.changes.filter { $0.action == .delete && $0.deposedKey == nil }.map(\.address))

    // Recorded proxies that survive this plan, and the hosts they send traffic to.
    let proxies = recorded.filter { $0.address.type == "web_proxy" && $0.deposedKey == nil }
      .filter { !deletedAddresses.contains($0.address) }
    var proxiesByHost: [String: [ResourceAddress]] = [:]
    for proxy in proxies {
      for backend in proxy.attributes["backends"]?.stringList ?? [] {
        if let host = Self.host(of: backend) { proxiesByHost[host, default: []].append(proxy.address) }
      }
    }

    let objects = Dictionary(
      recorded.map { ("\($0.address)#\($0.deposedKey ?? "")", $0) }, uniquingKeysWith: { first, _ in first })
    var reported = Set<String>()
    for change in removing {
      guard let generation = catalog.generation(of: change.address) else { continue }
      let verb = change.action == .replace ? "replace" : "delete"
      // A tainted object never finished building, so it never served: replacing it takes nothing down.
      if change.deposedKey == nil, generation == desiredLive, change.reason != .replaceBecauseTainted,
        reported.insert("live \(generation)").inserted
      {
        let why =
          change.replacePaths.isEmpty ? "" : " (\(change.replacePaths.joined(separator: ", ")) cannot change in place)"
        messages.append(
          "generation \(generation) is live: this plan would \(verb) \(change.address)\(why);"
            + " add a new generation, switch live to it, then retire \(generation)")
        continue
      }
      guard change.address.type == "cluster" else { continue }
      let object = objects["\(change.address)#\(change.deposedKey ?? "")"]
      let addresses =
        (object?.attributes["node_addresses"]?.stringList ?? [])
        + (object?.attributes["master_addresses"]?.stringList ?? [])
      let pointing = Set(addresses.flatMap { proxiesByHost[$0] ?? [] }).sorted()
      if !pointing.isEmpty, reported.insert("proxied \(generation)").inserted {
        messages.append(
          "generation \(generation): \(pointing.map(\.description).joined(separator: ", "))"
            + " still \(pointing.count == 1 ? "points" : "point") at its nodes;"
            + " this plan would \(verb) \(change.displayAddress); switch the proxies away and apply first")
      }
    }
    return messages
  }

  /// The host of a backend URL such as `http://127.0.1.3:30001`.
  static func host(of backend: String) -> String? {
    guard let schemeEnd = backend.range(of: "://") else { return nil }
    let rest = backend[schemeEnd.upperBound...]
    let hostPort = rest.split(separator: "/", maxSplits: 1).first.map(String.init) ?? String(rest)
    if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
      return String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
    }
    return hostPort.split(separator: ":").first.map(String.init)
  }
}
