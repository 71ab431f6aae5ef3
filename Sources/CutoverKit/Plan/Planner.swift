import Foundation

/// Computes a `Plan` from the desired resources and the recorded state. Pure: no cloud, no disk.
public struct Planner: Sendable {
  public var catalog: ResourceCatalog

  public init(catalog: ResourceCatalog = .standard) {
    self.catalog = catalog
  }

  /// What to plan.
  public struct Request: Sendable {
    public var environment: String
    /// The desired state; nil or ignored for a destroy plan.
    public var desired: DesiredState?
    public var recorded: [RecordedResource]
    public var stateVersion: StateVersion
    public var mode: Plan.Mode
    /// Only these resources (and what they depend on); empty means all.
    public var targets: [ResourceAddress]
    /// Replace these even if nothing changed.
    public var replace: [ResourceAddress]
    public var drift: [Drift]
    /// Objects the cloud holds, by type and name, as a refresh listed them (empty without a refresh).
    public var inventory: [String: [String: String]]
    /// Makes the keyed digests state records of what may hold a secret, so desired values compare with them.
    public var digester: SensitiveDigester
    /// Each desired generation's fingerprint (``GenerationFingerprints``), compared with what each recorded object
    /// holds (``RecordedResource/fingerprint``); empty compares every generation.
    public var fingerprints: [String: String]

    public init(
      environment: String, desired: DesiredState?, recorded: [RecordedResource], stateVersion: StateVersion,
      mode: Plan.Mode = .apply, targets: [ResourceAddress] = [], replace: [ResourceAddress] = [], drift: [Drift] = [],
      inventory: [String: [String: String]] = [:], digester: SensitiveDigester, fingerprints: [String: String] = [:]
    ) {
      self.environment = environment
      self.desired = desired
      self.recorded = recorded
      self.stateVersion = stateVersion
      self.mode = mode
      self.targets = targets
      self.replace = replace
      self.drift = drift
      self.inventory = inventory
      self.digester = digester
      self.fingerprints = fingerprints
    }
  }

  /// Computes the plan.
  /// - Throws: `CutoverError.dependencyCycle`, `.usage` for an unknown target, `.guardViolation` for a plan that
  ///   would take down the live generation.
  public func plan(_ request: Request) throws -> Plan {
    let unchanged = unchangedGenerations(request)
    if !unchanged.isEmpty {
      let plan = try plan(request, leavingOut: unchanged)
      // What a left-out object depends on is about to change (an environment-level object it references): its own
      // desired values may change with it, so it is compared after all.
      let acting = Set(plan.changes.filter { $0.action != .noop }.map(\.address))
      if acting.isEmpty
        || !unchanged.values.joined().contains(where: {
          request.recorded[$0].dependencies.contains(where: acting.contains)
        })
      {
        return plan
      }
    }
    return try plan(request, leavingOut: [:])
  }

  /// The plan with the generations of `unchanged` (the indices of their objects in `recorded`, by generation) left
  /// out: not expanded, not compared, not deleted.
  private func plan(_ request: Request, leavingOut unchanged: [String: [Int]]) throws -> Plan {
    // By index in `recorded`: whether the object is left out.
    var isLeftOut = [Bool](repeating: false, count: request.recorded.count)
    for index in unchanged.values.joined() { isLeftOut[index] = true }
    let current = CurrentObjects(request.recorded, leftOut: unchanged, isLeftOut: isLeftOut, catalog: catalog)
    var expanded = request.desired
    if !unchanged.isEmpty, let generations = expanded?.generations {
      expanded?.generations = generations.filter { unchanged[$0.id] == nil }
    }
    let desiredResources = request.mode == .destroy ? [] : expanded.map(catalog.expand) ?? []
    let graph = try dependencyGraph(of: desiredResources) { address in current.isLeftOut(address) }
    let order = try topologicalOrder(graph)
    let byAddress = Dictionary(desiredResources.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
    let forcedReplacement = Set(request.replace)

    try checkAddresses(request, desired: byAddress, current: current)

    let gone = Set(request.drift.filter { $0.kind == .gone && $0.deposedKey == nil }.map(\.address))
    var planned: [ResourceAddress: PlannedChange] = [:]
    for address in order {
      guard let resource = byAddress[address], let type = catalog[address.type] else { continue }
      var change = change(
        for: resource, type: type, prior: current[address], planned: planned, current: current,
        forceReplace: forcedReplacement.contains(address), digester: request.digester)
      if change.action == .create, change.reason == nil, gone.contains(address) {
        change.reason = .recreateBecauseGone
      }
      planned[address] = change
    }

    var changes = order.compactMap { planned[$0] }
    let removed = request.recorded.indices.filter { index in
      let prior = request.recorded[index]
      return prior.deposedKey != nil || (byAddress[prior.address] == nil && !isLeftOut[index])
    }.map { request.recorded[$0] }
    for prior in removed.sorted(by: { ($0.address, $0.deposedKey ?? "") < ($1.address, $1.deposedKey ?? "") }) {
      let reason: PlannedChange.Reason =
        prior.deposedKey != nil
        ? .deleteDeposed : request.mode == .destroy ? .deleteBecauseDestroy : .deleteBecauseNoResourceConfig
      changes.append(
        PlannedChange(
          address: prior.address, deposedKey: prior.deposedKey, action: .delete, reason: reason,
          before: redacted(prior.attributes, type: prior.address.type), after: nil,
          sensitive: sensitiveNames(prior.address.type).filter { prior.attributes[$0] != nil },
          priorDependencies: prior.dependencies,
          remoteID: prior.remoteID))
    }

    if !request.targets.isEmpty {
      let wanted = graph.closure(of: request.targets).union(request.targets)
      changes = changes.filter { wanted.contains($0.address) }
    }

    let generations = plannedGenerations(request, unchanged: unchanged, changes: changes)
    let compared =
      unchanged.isEmpty
      ? request.recorded : request.recorded.indices.filter { !isLeftOut[$0] }.map { request.recorded[$0] }
    var plan = Plan(
      environment: request.environment, mode: request.mode, stateVersion: request.stateVersion,
      desiredDigest: Self.digest(
        of: desiredResources, unchanged: generations?.filter(\.value.unchanged).mapValues(\.fingerprint) ?? [:],
        digester: request.digester),
      changes: changes, desired: desiredResources, drift: request.drift,
      warnings: failedObjects(compared) + inputWarnings(request.desired) + warnings(changes)
        + foreignDigests(compared, digester: request.digester))
    plan.generations = generations
    var violations = GenerationGuards(catalog: catalog).violations(
      of: plan, desiredLive: request.mode == .destroy ? nil : request.desired?.live, recorded: request.recorded)
    violations += unrecordedConflicts(plan, request: request)
    if !violations.isEmpty { throw CutoverError.guardViolation(violations) }
    return plan
  }

  /// The keyed digest of the desired resources, as saved plans record it: they hold secrets, so a plain digest of
  /// them could be reversed by trying candidates for the one value a public file does not say.
  /// Generations a plan left out as unchanged count by their fingerprints, which cover everything their resources are
  /// made from.
  public static func digest(
    of resources: [DesiredResource], unchanged: [String: String] = [:], digester: SensitiveDigester
  ) -> String {
    var encoding = CanonicalEncoding()
    for resource in resources { encoding.append(resource) }
    for generation in unchanged.keys.sorted() {
      encoding.append("unchanged generation \(generation)")
      encoding.append(unchanged[generation]!)
    }
    return digester.digest(bytes: encoding.bytes)
  }

  // MARK: - Unchanged generations

  /// The generations this plan may leave out, with the indices of their objects in `recorded`: every current object
  /// of the generation is ready, records the generation's fingerprint as it is now and the number of objects it was
  /// recorded with, and nothing asks for one of them (a drift, a `--replace`). Never the live generation (the web
  /// proxies are made from it), and none in a destroy or a targeted plan.
  private func unchangedGenerations(_ request: Request) -> [String: [Int]] {
    guard request.mode == .apply, request.targets.isEmpty, !request.fingerprints.isEmpty else { return [:] }
    var excluded = Set(
      (request.replace + request.drift.map(\.address)).compactMap { catalog.generation(of: $0) })
    if let live = request.desired?.live { excluded.insert(live) }
    return catalog.settledGenerations(request.recorded).filter { generation, indices in
      guard !excluded.contains(generation), let fingerprint = request.fingerprints[generation] else { return false }
      let recorded = GenerationFingerprints.recorded(fingerprint, resources: indices.count)
      return indices.allSatisfy { request.recorded[$0].fingerprint == recorded }
    }
  }

  /// Each desired generation as this plan saw it; nil for a plan that converges no generation as a whole (a destroy,
  /// a targeted plan) or made without fingerprints.
  private func plannedGenerations(
    _ request: Request, unchanged: [String: [Int]], changes: [PlannedChange]
  ) -> [String: PlannedGeneration]? {
    guard request.mode == .apply, request.targets.isEmpty, !request.fingerprints.isEmpty else { return nil }
    let actions = catalog.actions(byGeneration: changes)
    return request.fingerprints.reduce(into: [:]) { result, entry in
      result[entry.key] = PlannedGeneration(
        fingerprint: entry.value, unchanged: unchanged[entry.key] != nil,
        resources: unchanged[entry.key]?.count ?? 0, actions: actions[entry.key] ?? 0)
    }
  }

  /// Creates of objects the cloud already holds under the same name, unrecorded: creating them would make a second
  /// `paws-127d` beside the one PAWS runs, or take over a route someone else manages.
  private func unrecordedConflicts(_ plan: Plan, request: Request) -> [String] {
    guard !request.inventory.isEmpty, plan.changes.contains(where: { $0.action == .create }) else { return [] }
    let recordedIDs = Set(request.recorded.compactMap(\.remoteID))
    return plan.changes.compactMap { change -> String? in
      guard change.action == .create, change.reason == nil || change.reason == .recreateBecauseGone,
        let type = catalog[change.address.type],
        let name = change.after?[type.nameAttribute]?.stringValue,
        let id = request.inventory[type.name]?[name], !recordedIDs.contains(id)
      else { return nil }
      return "\(change.address): the cloud already has \(type.name) \(name) (\(id)), not recorded in this state;"
        + " creating it would make a second one: adopt it with `cutover import \(request.environment) \(change.address) \(id)`"
    }
  }

  // MARK: - One resource

  private func change(
    for resource: DesiredResource, type: any ResourceType, prior: RecordedResource?,
    planned: [ResourceAddress: PlannedChange], current: CurrentObjects, forceReplace: Bool,
    digester: SensitiveDigester
  ) -> PlannedChange {
    var known: Attributes = [:]
    var unknown: [String] = []
    for (name, expression) in resource.attributes {
      switch expression {
      case .value(let value): known[name] = value
      case .reference(let reference):
        if let value = resolve(reference, planned: planned, current: current) {
          known[name] = value
        } else {
          unknown.append(name)
        }
      }
    }
    let schema = type.schema
    // Compared and shown as state records them: what may hold a secret only as its keyed digest.
    known = schema.recordable(known, digester: digester)
    if let prior { known = Self.identifyingEncrypted(known, prior: prior.attributes, schema: schema) }
    let computed = schema.attributes.filter { !$0.isInput }
    // Only the sensitive attributes this resource has (a release without secret values has none to show).
    let sensitive = sensitiveNames(type.name).filter {
      known[$0] != nil || unknown.contains($0) || prior?.attributes[$0] != nil
    }

    if let prior, prior.status == .tainted {
      return PlannedChange(
        address: resource.address, action: .replace, reason: .replaceBecauseTainted,
        before: redacted(prior.attributes, type: type.name), after: redacted(known, type: type.name),
        unknownAfter: (unknown + computed.map(\.name)).sorted(), sensitive: sensitive,
        dependencies: resource.dependencies, priorDependencies: prior.dependencies, remoteID: prior.remoteID)
    }
    if let prior, prior.status == .creating {
      let changed = schema.attributes.filter { attribute in
        attribute.mode == .forcesReplacement
          && (unknown.contains(attribute.name) || known[attribute.name] != prior.attributes[attribute.name])
      }
      if !changed.isEmpty {
        // The object an interrupted apply started is not what is now desired: build the new one, then delete it.
        return PlannedChange(
          address: resource.address, action: .replace, reason: .replaceBecauseCannotUpdate,
          before: redacted(prior.attributes, type: type.name), after: redacted(known, type: type.name),
          unknownAfter: (unknown + computed.map(\.name)).sorted(), replacePaths: changed.map(\.name).sorted(),
          sensitive: sensitive, dependencies: resource.dependencies, priorDependencies: prior.dependencies,
          remoteID: prior.remoteID)
      }
    }
    guard let prior, prior.status == .ready else {
      // A fresh create, or a create an earlier apply started: either way every computed value comes later.
      return PlannedChange(
        address: resource.address, action: .create, reason: prior == nil ? nil : .resumeInterruptedCreate,
        before: nil, after: redacted(known, type: type.name), unknownAfter: (unknown + computed.map(\.name)).sorted(),
        sensitive: sensitive, dependencies: resource.dependencies, remoteID: prior?.remoteID)
    }

    var replacePaths: [String] = []
    var updatePaths: [String] = []
    for attribute in schema.attributes where attribute.isInput {
      let isUnknown = unknown.contains(attribute.name)
      let differs = isUnknown || known[attribute.name] != prior.attributes[attribute.name]
      guard differs else { continue }
      switch attribute.mode {
      case .forcesReplacement: replacePaths.append(attribute.name)
      case .updatable: updatePaths.append(attribute.name)
      case .createOnly, .computed, .recordedOnly: break
      }
    }

    let action: PlannedChange.Action
    var reason: PlannedChange.Reason?
    if forceReplace {
      action = .replace
      reason = .replaceByRequest
    } else if !replacePaths.isEmpty {
      action = .replace
      reason = .replaceBecauseCannotUpdate
    } else if !updatePaths.isEmpty {
      action = .update
    } else {
      action = .noop
    }

    var after = known
    var unknownAfter = unknown
    for attribute in computed {
      switch (action, attribute.mode) {
      case (.replace, _), (.update, .computed(changesOnUpdate: true)):
        unknownAfter.append(attribute.name)
      default:
        after[attribute.name] = prior.attributes[attribute.name]
      }
    }
    // Create-only inputs keep the value the object was created with until it is replaced.
    for attribute in schema.attributes where attribute.mode == .createOnly && action != .replace {
      after[attribute.name] = prior.attributes[attribute.name] ?? known[attribute.name]
    }
    return PlannedChange(
      address: resource.address, action: action, reason: reason, before: redacted(prior.attributes, type: type.name),
      after: redacted(after, type: type.name),
      unknownAfter: unknownAfter.sorted(), replacePaths: replacePaths.sorted(), sensitive: sensitive,
      dependencies: resource.dependencies, priorDependencies: prior.dependencies, remoteID: prior.remoteID)
  }

  /// Each value (or element of an `identifiedBy` list) that stands in for an encrypted file (``GitCryptFiles``)
  /// replaced by the recorded one, when the identity recorded with it is the stand-in's: the file did not change.
  static func identifyingEncrypted(_ known: Attributes, prior: Attributes, schema: ResourceSchema) -> Attributes {
    var result = known
    for attribute in schema.attributes {
      guard let identities = attribute.identifiedBy, let value = known[attribute.name],
        let recorded = prior[attribute.name], let recordedIDs = prior[identities]
      else { continue }
      func unchanged(_ element: Value, identity: Value) -> Bool {
        guard let blob = element.stringValue.flatMap(GitCryptFiles.blob(inStandIn:)) else { return false }
        return identity.stringValue == blob
      }
      var changed = false
      if let elements = value.listValue {
        guard let recordedList = recorded.listValue, let idList = recordedIDs.listValue,
          recordedList.count == elements.count, idList.count == elements.count
        else { continue }
        let merged = elements.enumerated().map { index, element -> Value in
          guard unchanged(element, identity: idList[index]) else { return element }
          changed = true
          return recordedList[index]
        }
        if changed { result[attribute.name] = .list(merged) }
      } else if unchanged(value, identity: recordedIDs) {
        changed = true
        result[attribute.name] = recorded
      }
      if changed { result[identities] = recordedIDs }
    }
    return result
  }

  /// The value a reference will have, or nil when it is known only after apply.
  private func resolve(
    _ reference: Reference, planned: [ResourceAddress: PlannedChange], current: CurrentObjects
  ) -> Value? {
    if let change = planned[reference.address] {
      if change.unknownAfter.contains(reference.attribute) { return nil }
      if let value = change.after?[reference.attribute] { return reference.formatted(value) }
    }
    return reference.resolved(in: current[reference.address])
  }

  // MARK: - Graph and checks

  /// - Parameter declaredElsewhere: the objects of generations left out as unchanged, which the desired state
  ///   declares though they were not expanded.
  private func dependencyGraph(
    of resources: [DesiredResource], declaredElsewhere: (ResourceAddress) -> Bool = { _ in false }
  )
    throws -> DependencyGraph<ResourceAddress>
  {
    var graph = DependencyGraph<ResourceAddress>()
    let addresses = Set(resources.map(\.address))
    for resource in resources {
      graph.add(resource.address)
      for dependency in resource.dependencies {
        guard addresses.contains(dependency) || declaredElsewhere(dependency) else {
          throw CutoverError.state(
            "\(resource.address) depends on \(dependency), which the desired state does not declare")
        }
        graph.add(resource.address, dependsOn: dependency)
      }
    }
    return graph
  }

  private func topologicalOrder(_ graph: DependencyGraph<ResourceAddress>) throws -> [ResourceAddress] {
    do {
      return try graph.topologicalOrder()
    } catch {
      throw CutoverError.dependencyCycle(error.nodes)
    }
  }

  private func checkAddresses(
    _ request: Request, desired: [ResourceAddress: DesiredResource], current: CurrentObjects
  ) throws {
    for address in request.targets where desired[address] == nil && current[address] == nil {
      throw CutoverError.usage("--target \(address): no such resource in the desired state or the state")
    }
    for address in request.replace {
      if let type = catalog[address.type], !type.isReplaceable {
        throw CutoverError.usage(
          "--replace \(address): a \(type.name) cannot be replaced, since its identity is its address;"
            + " deleting the old one would delete the new one too")
      }
      guard current[address] != nil else {
        throw CutoverError.usage("--replace \(address): no such resource in the state (nothing to replace)")
      }
      guard desired[address] != nil else {
        throw CutoverError.usage("--replace \(address): the desired state no longer declares it (it will be deleted)")
      }
    }
  }

  private func sensitiveNames(_ type: String) -> [String] {
    catalog[type].map { $0.schema.sensitiveNames.sorted() } ?? []
  }

  private func redacted(_ attributes: Attributes, type: String) -> Attributes {
    guard let names = catalog[type]?.schema.sensitiveNames, !names.isEmpty else { return attributes }
    return attributes.filter { !names.contains($0.key) }
  }

  /// Objects the cloud reports as failed (`CREATE_FAILED`, `UPDATE_FAILED` after a resize), with the cloud's reason:
  /// an operator must see why before deciding what the plan should do about it.
  private func failedObjects(_ recorded: [RecordedResource]) -> [String] {
    recorded.compactMap { object in
      guard let status = object.attributes["status"]?.stringValue, status.hasSuffix("_FAILED") else { return nil }
      let reason = object.attributes["status_reason"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
      let address = object.deposedKey.map { "\(object.address) (deposed \($0))" } ?? object.address.description
      return "\(address) is \(status) in the cloud" + (reason.map { ": \($0)" } ?? " (no reason given)")
    }
  }

  /// What the resource types cannot read of the desired state here (a secret a CI preview does not have).
  private func inputWarnings(_ desired: DesiredState?) -> [String] {
    guard let desired else { return [] }
    return catalog.types.flatMap { $0.warnings(desired) }
  }

  /// Objects whose recorded digests were made with another key than this run's: they cannot be compared, so they show
  /// as changed, and the operator must know why before an apply sends their secrets again.
  private func foreignDigests(_ recorded: [RecordedResource], digester: SensitiveDigester) -> [String] {
    let addresses = recorded.filter { object in
      catalog[object.address.type]?.schema.holdsForeignDigests(object.attributes, digester: digester) == true
    }.map(\.address.description)
    guard !addresses.isEmpty else { return [] }
    return [
      "\(addresses.joined(separator: ", ")) \(addresses.count == 1 ? "was" : "were") recorded with another digest key"
        + " than this run's (state/<env>/\(SensitiveDigester.keyFileName) or \(SensitiveDigester.keyVariable)):"
        + " their secrets and files show as changed, and an apply sends them again; give this machine the key they"
        + " were recorded with to compare them"
    ]
  }

  private func warnings(_ changes: [PlannedChange]) -> [String] {
    changes.compactMap { change in
      switch change.reason {
      case .resumeInterruptedCreate:
        return "\(change.address): an earlier apply was interrupted while creating \(change.remoteID ?? "it");"
          + " this apply waits for that object instead of creating another"
      case .deleteDeposed:
        return "\(change.displayAddress): left over from an interrupted replacement; it will be deleted"
      default:
        return nil
      }
    }
  }
}

/// The current (not deposed) recorded objects by address, as the planner looks them up: those it compares in a
/// dictionary, and those of the generations it leaves out found through their generation's few objects, only when
/// something asks for one (a reference into a left-out generation). Thousands of objects left out are then never
/// copied into a dictionary.
private struct CurrentObjects {
  private var compared: [ResourceAddress: RecordedResource] = [:]
  private let recorded: [RecordedResource]
  private let leftOut: [String: [Int]]
  private let catalog: ResourceCatalog

  init(_ recorded: [RecordedResource], leftOut: [String: [Int]], isLeftOut: [Bool], catalog: ResourceCatalog) {
    self.recorded = recorded
    self.leftOut = leftOut
    self.catalog = catalog
    compared.reserveCapacity(recorded.count - isLeftOut.count { $0 })
    for (index, object) in recorded.enumerated()
    where !isLeftOut[index] && object.deposedKey == nil && compared[object.address] == nil {
      compared[object.address] = object
    }
  }

  subscript(address: ResourceAddress) -> RecordedResource? {
    compared[address] ?? leftOutObject(address)
  }

  /// Whether the object at `address` is recorded in a generation the plan leaves out.
  func isLeftOut(_ address: ResourceAddress) -> Bool {
    leftOutObject(address) != nil
  }

  private func leftOutObject(_ address: ResourceAddress) -> RecordedResource? {
    guard !leftOut.isEmpty, let generation = catalog.generation(of: address), let indices = leftOut[generation] else {
      return nil
    }
    return indices.lazy.map { recorded[$0] }.first { $0.address == address && $0.deposedKey == nil }
  }
}
