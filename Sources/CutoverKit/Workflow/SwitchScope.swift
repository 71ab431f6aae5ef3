/// What a blue-green switch moves, decided by the part each type plays (``SwitchRole``), never by type names: the
/// objects that route traffic and follow `live:`, then the operators' pointer to the live generation.
public struct SwitchScope: Sendable {
  public var catalog: ResourceCatalog

  public init(catalog: ResourceCatalog = .standard) {
    self.catalog = catalog
  }

  private func role(of address: ResourceAddress) -> SwitchRole {
    catalog[address.type]?.switchRole ?? .none
  }

  /// The generation traffic goes to now, by the recorded routes: the generation of the first current object some
  /// recorded router sends traffic to. What a switch that did not finish leaves, and a rollback returns to.
  public func routedGeneration(_ recorded: [RecordedResource]) -> String? {
    recorded.first { object in
      object.deposedKey == nil && !catalog.routers(to: catalog.servingHosts([object]), in: recorded).isEmpty
    }.flatMap { catalog.generation(of: $0.address) }
  }

  /// What a switch plans: every declared object that routes traffic (it follows `live:`), and every recorded
  /// operators' pointer (a switch that failed half-way may have left another marked live) and the new live
  /// generation's. The planner adds what those depend on, which ``isPart(_:of:)`` then leaves out.
  public func targets(_ desired: DesiredState, recorded: [RecordedResource]) -> [ResourceAddress] {
    let declared = catalog.expand(desired).map(\.address)
    let recordedAddresses = Set(recorded.map(\.address))
    let routing = declared.filter { role(of: $0) == .routesTraffic }
    let pointers = declared.filter {
      role(of: $0) == .pointsOperators
        && (recordedAddresses.contains($0) || catalog.generation(of: $0) == desired.live)
    }
    return routing + pointers
  }

  /// Whether a change is part of moving traffic to `generation`: a router's create or update, an operators'
  /// pointer's update, or the creation of `generation`'s own pointer where it has none yet.
  public func isPart(_ change: PlannedChange, of generation: String) -> Bool {
    switch (role(of: change.address), change.action) {
    case (.routesTraffic, .update), (.routesTraffic, .create), (.pointsOperators, .update):
      return true
    case (.pointsOperators, .create):
      return catalog.generation(of: change.address) == generation
    default:
      return false
    }
  }

  /// The switch's plan in the order it runs: what routes traffic, then the operators' pointers.
  public func phases(of plan: Plan) -> [Plan] {
    var routing = plan
    routing.changes.removeAll { role(of: $0.address) == .pointsOperators }
    var pointer = plan
    pointer.changes.removeAll { role(of: $0.address) != .pointsOperators }
    return [routing, pointer]
  }
}
