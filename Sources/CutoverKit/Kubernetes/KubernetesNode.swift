import Foundation

/// One node of a generation's cluster, as `kubectl get nodes -o json` describes it.
public struct KubernetesNode: Sendable, Equatable {
  /// The status of a node condition: Kubernetes writes the strings `True`, `False` and `Unknown` (the last when the
  /// node controller has not heard from the kubelet).
  public enum ConditionStatus: String, Sendable, Equatable {
    case `true` = "True"
    case `false` = "False"
    case unknown = "Unknown"
  }

  /// The node's name (`paws-128a-abcdefgh-node-0`).
  public var name: String
  /// The status of the `Ready` condition; `.unknown` when the node reports no such condition yet.
  public var ready: ConditionStatus
  /// The node's `InternalIP` addresses, in the order the node reports them: the addresses the web proxies and
  /// haproxy send traffic to.
  public var internalIPs: [String]
  /// Roles from the `node-role.kubernetes.io/ROLE` labels (`control-plane`, `master`), sorted.
  public var roles: [String]
  /// Whether the node is cordoned (`spec.unschedulable`).
  public var unschedulable: Bool
  /// The kubelet's version (`v1.28.15`), when reported.
  public var kubeletVersion: String?

  public init(
    name: String, ready: ConditionStatus, internalIPs: [String], roles: [String] = [], unschedulable: Bool = false,
    kubeletVersion: String? = nil
  ) {
    self.name = name
    self.ready = ready
    self.internalIPs = internalIPs
    self.roles = roles
    self.unschedulable = unschedulable
    self.kubeletVersion = kubeletVersion
  }

  /// Whether the node is Ready.
  public var isReady: Bool { ready == .true }

  /// Whether the node runs the control plane (Magnum labels masters `node-role.kubernetes.io/master`, newer
  /// Kubernetes `…/control-plane`).
  public var isControlPlane: Bool { roles.contains("control-plane") || roles.contains("master") }

  /// Reads the `List` that `kubectl get nodes -o json` prints.
  ///
  /// - Throws: ``KubernetesOutputError`` when there is no JSON object with an `items` list, or a node has no name.
  public static func parseList(_ output: String) throws(KubernetesOutputError) -> [KubernetesNode] {
    let what = "kubectl get nodes -o json"
    let json = try KubernetesOutput.json(in: output, what: what)
    guard let items = json.at("items")?.listValue else {
      throw KubernetesOutputError(what: what, problem: "expected a JSON object with an items list")
    }
    var nodes: [KubernetesNode] = []
    for (index, item) in items.enumerated() {
      guard let name = item.at("metadata", "name")?.stringValue else {
        throw KubernetesOutputError(what: what, problem: "item \(index) has no metadata.name")
      }
      let conditions = item.at("status", "conditions")?.listValue ?? []
      let readyText = conditions.first { $0.at("type")?.stringValue == "Ready" }?.at("status")?.stringValue
      let addresses = item.at("status", "addresses")?.listValue ?? []
      let internalIPs = addresses.filter { $0.at("type")?.stringValue == "InternalIP" }.compactMap {
        $0.at("address")?.stringValue
      }
      let rolePrefix = "node-role.kubernetes.io/"
      let roles = (item.at("metadata", "labels")?.mapValue ?? [:]).keys.filter { $0.hasPrefix(rolePrefix) }.map {
        String($0.dropFirst(rolePrefix.count))
      }.filter { !$0.isEmpty }.sorted()
      nodes.append(
        KubernetesNode(
          name: name, ready: readyText.flatMap(ConditionStatus.init(rawValue:)) ?? .unknown, internalIPs: internalIPs,
          roles: roles, unschedulable: item.at("spec", "unschedulable")?.boolValue ?? false,
          kubeletVersion: item.at("status", "nodeInfo", "kubeletVersion")?.stringValue))
    }
    return nodes
  }
}
