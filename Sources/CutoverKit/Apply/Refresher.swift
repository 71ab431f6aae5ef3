import Foundation

/// Reads every recorded object from the cloud (in parallel, bounded) and reports what changed outside Cutover.
public struct Refresher: Sendable {
  public var catalog: ResourceCatalog
  public var cloud: CloudClients
  /// Digests what is read of values that may hold a secret, as state records them.
  public var digester: SensitiveDigester
  public var parallelism: Int

  public init(
    catalog: ResourceCatalog = .standard, cloud: CloudClients, digester: SensitiveDigester, parallelism: Int = 10
  ) {
    self.catalog = catalog
    self.cloud = cloud
    self.digester = digester
    self.parallelism = max(1, parallelism)
  }

  /// What a refresh found.
  public struct Result: Sendable {
    /// The recorded objects as the cloud has them now; objects gone from the cloud are left out.
    public var resources: [RecordedResource]
    public var drift: [Drift]
    /// Every object of each type in the cloud, by name, to its remote id.
    public var inventory: [String: [String: String]]
  }

  /// Reads every recorded object, and lists every object of each type: from one list per type (and per cluster for its
  /// releases) where the cloud offers one with what a plan compares, else one read per object.
  public func refresh(_ recorded: [RecordedResource]) async throws -> Result {
    let context = ActionContext(cloud: cloud, digester: digester, listings: CloudListings(cloud: cloud))
    var inventory: [String: [String: String]] = [:]
    for type in catalog.types {
      inventory[type.name] = try await type.inventory(context: context)
    }
    let (resources, drift) = try await read(recorded, context: context)
    return Result(resources: resources, drift: drift, inventory: inventory)
  }

  private func read(_ recorded: [RecordedResource], context: ActionContext) async throws -> (
    resources: [RecordedResource], drift: [Drift]
  ) {
    var results: [Int: RecordedResource?] = [:]
    try await withThrowingTaskGroup(of: (Int, RecordedResource?).self) { group in
      var next = 0
      func launch() {
        guard next < recorded.count else { return }
        let index = next
        next += 1
        let prior = recorded[index]
        group.addTask {
          // A tainted object is read too, so the plan can say why it failed (its status_reason); one still being
          // created is the reconciler's to settle.
          guard prior.status != .creating, let type = catalog[prior.address.type] else { return (index, prior) }
          guard let read = try await type.read(prior, context: context) else { return (index, nil) }
          var refreshed = prior
          refreshed.attributes = type.schema.recordable(read.attributes, digester: digester)
          return (index, refreshed)
        }
      }
      for _ in 0..<parallelism { launch() }
      while let (index, resource) = try await group.next() {
        results[index] = resource
        launch()
      }
    }
    var resources: [RecordedResource] = []
    var drift: [Drift] = []
    for (index, prior) in recorded.enumerated() {
      guard let refreshed = results[index] ?? nil else {
        drift.append(
          Drift(address: prior.address, deposedKey: prior.deposedKey, kind: .gone, before: prior.attributes, after: nil)
        )
        continue
      }
      resources.append(refreshed)
      let changedKeys = Set(prior.attributes.keys).union(refreshed.attributes.keys).filter {
        prior.attributes[$0] != refreshed.attributes[$0]
      }
      // What the cloud reports about a tainted object is news, not a change made outside Cutover.
      if !changedKeys.isEmpty, prior.status == .ready {
        drift.append(
          Drift(
            address: prior.address, deposedKey: prior.deposedKey, kind: .changed,
            before: prior.attributes.filter { changedKeys.contains($0.key) },
            after: refreshed.attributes.filter { changedKeys.contains($0.key) }))
      }
    }
    return (resources, drift)
  }
}
