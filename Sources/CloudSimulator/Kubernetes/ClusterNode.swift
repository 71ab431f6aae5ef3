/// A Kubernetes node of a simulated cluster: one per master and per worker address, named as Magnum's Heat
/// stacks name their servers (`paws-127d-2f4e9c1a7b3d-node-0`).
struct ClusterNode: Equatable, Sendable {
  enum Role: String, Sendable {
    case master
    case worker
  }

  var name: String
  var role: Role
  var address: String
}

// MARK: - Derivation

extension ClusterRecord {
  /// `<cluster name>-<12 characters of the stack id>`, the prefix of every server name of the cluster.
  var stackName: String {
    name + "-" + String(stackID.filter { $0.isLetter || $0.isNumber }.lowercased().prefix(12))
  }

  /// The masters, then the workers, in address order.
  var nodes: [ClusterNode] {
    masterNodes + workerNodes
  }

  var masterNodes: [ClusterNode] {
    masterAddresses.enumerated().map {
      ClusterNode(name: "\(stackName)-master-\($0.offset)", role: .master, address: $0.element)
    }
  }

  var workerNodes: [ClusterNode] {
    nodeAddresses.enumerated().map {
      ClusterNode(name: "\(stackName)-node-\($0.offset)", role: .worker, address: $0.element)
    }
  }
}
