import GRDB

/// What Magnum's auto-healer does to a cluster behind its client's back: a worker that stopped answering is replaced
/// by a new server, with a new address. The count stays; only the address of that one worker changes.
public enum NodeReplacement {
  /// A worker replaced: the address it had and the one the new server got.
  public struct Replaced: Sendable, Equatable {
    public var old: String
    public var new: String
  }

  /// Replaces worker `index` (0-based, in the order Magnum lists `node_addresses`) of the cluster called `cluster`
  /// in the simulated cloud kept at `databasePath`, giving it a fresh address.
  /// - Throws: `CloudSimulatorError.noSuchNode` when the cluster or the worker does not exist.
  public static func replaceWorker(_ index: Int, of cluster: String, databasePath: String) async throws -> Replaced {
    let database = try CloudDatabase.open(path: databasePath)
    defer { try? database.close() }
    return try await database.write { db in
      guard var record = try ClusterRecord.filter(Column("name") == cluster).fetchOne(db),
        record.nodeAddresses.indices.contains(index)
      else { throw CloudSimulatorError.noSuchNode(cluster: cluster, index: index) }
      let old = record.nodeAddresses[index]
      let new = try NodeAddressAllocator.allocate(1, in: db)[0]
      record.nodeAddresses[index] = new
      try record.update(db)
      return Replaced(old: old, new: new)
    }
  }
}
