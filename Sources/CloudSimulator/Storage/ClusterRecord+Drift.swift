import GRDB

// MARK: - Drift behind the client's back

extension ClusterRecord {
  /// Resizes each named cluster to its drifted worker count the moment its create has completed, as an operator
  /// resizing it in Horizon would: workers added get fresh addresses, workers removed drop theirs, and the cluster
  /// reads `UPDATE_COMPLETE` from the instant its create finished. It happens once: a cluster that was ever
  /// resized (by the drift or by a client) is left alone, so a client can put the count back.
  static func applyNodeCountDrift(_ drift: [String: Int], at now: Double, in db: Database) throws {
    let candidates = try ClusterRecord.filter(drift.keys.contains(Column("name")))
      .filter(Column("updateStartedAt") == nil && Column("deleteStartedAt") == nil)
      .filter(Column("createFinishesAt") <= now && Column("failsOnCreate") == false)
      .fetchAll(db)
    for var cluster in candidates {
      guard let count = drift[cluster.name], count != cluster.nodeCount else { continue }
      if count > cluster.nodeCount {
        cluster.nodeAddresses += try NodeAddressAllocator.allocate(count - cluster.nodeCount, in: db)
      } else {
        cluster.nodeAddresses.removeLast(cluster.nodeCount - count)
      }
      cluster.nodeCount = count
      cluster.updateStartedAt = cluster.createFinishesAt
      cluster.updateFinishesAt = cluster.createFinishesAt
      try cluster.update(db)
    }
  }
}
