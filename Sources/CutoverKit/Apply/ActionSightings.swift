import OpenStack
import Synchronization

/// What one action's own calls saw of the cloud after its write, so that reading the object back does not ask for the
/// same thing again: the cluster a poll found settled, and the clusters whose Kubernetes API just took a deploy. Each
/// action has its own, made by the executor; refreshes, imports and reconciliations have none, and read everything.
public final class ActionSightings: Sendable {
  private struct Seen {
    var clusters: [String: Cluster] = [:]
    var reached: Set<String> = []
  }

  private let seen = Mutex(Seen())

  public init() {}

  /// A cluster as read after the action's write settled.
  func saw(_ cluster: Cluster) {
    seen.withLock { $0.clusters[cluster.uuid] = cluster }
  }

  /// The cluster with this uuid as the action last read it, if it did.
  func cluster(id: String) -> Cluster? {
    seen.withLock { $0.clusters[id] }
  }

  /// A deploy to this cluster was just answered: its Kubernetes API runs.
  func reached(clusterID: String) {
    seen.withLock { _ = $0.reached.insert(clusterID) }
  }

  /// Whether a deploy of this action reached the cluster.
  func hasReached(clusterID: String) -> Bool {
    seen.withLock { $0.reached.contains(clusterID) }
  }
}
