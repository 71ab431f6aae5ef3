import Foundation

/// Settles what an interrupted apply left unknown, before the next plan: a create whose answer never came back is
/// looked up in the cloud by name and, if it exists, recorded so the next apply waits on it instead of creating a
/// second one; a delete that never confirmed is checked and, if the object is gone, forgotten.
public struct Reconciler: Sendable {
  public var catalog: ResourceCatalog
  public var store: any StateJournal
  public var cloud: CloudClients
  /// Digests what is read of values that may hold a secret, as state records them.
  public var digester: SensitiveDigester

  public init(
    catalog: ResourceCatalog = .standard, store: any StateJournal, cloud: CloudClients, digester: SensitiveDigester
  ) {
    self.catalog = catalog
    self.store = store
    self.cloud = cloud
    self.digester = digester
  }

  /// Whether anything is left to settle; answered from state alone, so runs with nothing to settle make no call.
  /// Call with the lock held: it marks the applies no process runs any more as interrupted.
  public static func needsCloud(_ store: any StateJournal) throws -> Bool {
    try store.markAbandonedApplies()
    return try !store.unsettledActions().isEmpty
  }

  /// Settles every unsettled action. Call with the lock held.
  /// - Parameter desired: the desired resources, whose names identify objects a lost create may have made.
  /// - Returns: one line per action settled, for the operator.
  public func reconcile(desired: [DesiredResource]) async throws -> [String] {
    try store.markAbandonedApplies()
    let desiredByAddress = Dictionary(desired.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
    var notes: [String] = []
    var knownRemoteIDs = Set(try store.resources().compactMap(\.remoteID))
    for action in try store.unsettledActions() {
      guard let type = catalog[action.address.type] else { continue }
      let context = ActionContext(cloud: cloud, digester: digester, knownRemoteIDs: knownRemoteIDs)
      let prior = try store.resource(action.address, deposedKey: action.deposedKey)
      switch action.action {
      case .create where action.remoteID == nil:
        let literal = (desiredByAddress[action.address]?.attributes ?? [:]).compactMapValues { expression -> Value? in
          if case .value(let value) = expression { return value }
          return nil
        }
        if let found = try await type.find(literal, context: context) {
          // Recorded with the cloud's own values: if they differ from what is desired now, the plan replaces it.
          try store.record([
            RecordedResource(
              address: action.address, remoteID: found.remoteID,
              attributes: type.schema.recordable(found.attributes, digester: digester),
              dependencies: desiredByAddress[action.address]?.dependencies ?? [], status: .creating)
          ])
          knownRemoteIDs.insert(found.remoteID)
          let note = "\(action.address): an interrupted create did reach the cloud (\(found.remoteID)); recorded it"
          try store.markReconciled(action.id, detail: note)
          notes.append(note)
        } else {
          try store.markReconciled(action.id, detail: "not found in the cloud; nothing was created")
        }
      case .delete:
        if let prior, try await type.read(prior, context: context) == nil {
          try store.forget(action.address, deposedKey: action.deposedKey)
          let note = "\(action.address): an interrupted delete did complete; forgot it"
          try store.markReconciled(action.id, detail: note)
          notes.append(note)
        } else {
          try store.markReconciled(action.id, detail: "still exists; the next plan deletes it again")
        }
      case .update:
        // The call may or may not have landed: record what the cloud has, so the guards see where proxies point.
        guard let prior, prior.status == .ready, let read = try await type.read(prior, context: context) else {
          try store.markReconciled(action.id, detail: "settled by the next plan")
          continue
        }
        var refreshed = prior
        refreshed.attributes = type.schema.recordable(read.attributes, digester: digester)
        try store.record([refreshed])
        let note = "\(action.address): an interrupted update was read back from the cloud and recorded"
        try store.markReconciled(action.id, detail: note)
        notes.append(note)
      default:
        try store.markReconciled(action.id, detail: "settled by the next plan")
      }
    }
    return notes
  }
}
