import Foundation
import GRDB
import Hummingbird

/// What a worker node's ingress port answers: the hub's health path (`/hub/health`) and, for any other path, a
/// small page naming the cluster and the node, both only once a release named `paws` is deployed on the node's
/// cluster (503 before, as when ingress-nginx has no backend), so verifying a generation fails before Helm ran.
/// Every answer names the cluster and node in `X-Cutover-Cluster` and `X-Cutover-Node`.
struct IngressNode: Hashable, Sendable {
  var clusterUUID: String
  var clusterName: String
  var nodeName: String
  var address: String

  /// The release whose deployment makes the hub answer.
  static let hubRelease = "paws"
  static let healthPath = "/hub/health"
  static let clusterHeader = HeaderName("X-Cutover-Cluster")!
  static let nodeHeader = HeaderName("X-Cutover-Node")!

  // MARK: - Answers

  func respond(to request: Request, database: DatabaseQueue) async throws -> Response {
    let clusterUUID = clusterUUID
    let hubDeployed = try await database.read { db in
      try ReleaseRecord.isDeployed(name: Self.hubRelease, clusterUUID: clusterUUID, in: db)
    }
    var headers: HTTPFields = [Self.clusterHeader: clusterName, Self.nodeHeader: nodeName]
    headers[.cacheControl] = "no-store"
    guard hubDeployed else {
      let reason =
        "no release named \(Self.hubRelease) is deployed on cluster \(clusterName), so nothing serves the hub "
        + "behind the ingress of \(nodeName) yet"
      return JSONResponse.make(
        .serviceUnavailable, ["status": "unavailable", "reason": .string(reason)], headers: headers)
    }
    if request.uri.path == Self.healthPath {
      return JSONResponse.make(.ok, ["status": "ok"], headers: headers)
    }
    let body: JSONValue = [
      "hub": .string(Self.hubRelease), "cluster": .string(clusterName), "node": .string(nodeName),
      "address": .string(address), "method": .string(request.method.rawValue), "path": .string(request.uri.path),
    ]
    return JSONResponse.make(.ok, body, headers: headers)
  }
}

// MARK: - Which nodes serve

extension IngressNode {
  /// Every worker node that answers on its ingress port at `now`: those of clusters whose stack is built and not
  /// being deleted (`CREATE_COMPLETE`, `UPDATE_IN_PROGRESS`, `UPDATE_COMPLETE`; a resize keeps the ingress up).
  static func serving(at now: Double, in db: Database) throws -> [IngressNode] {
    try ClusterRecord.fetchAll(db).flatMap { cluster -> [IngressNode] in
      let status = cluster.lifecycle(at: now).status
      guard [.createComplete, .updateInProgress, .updateComplete].contains(status) else { return [] }
      return cluster.workerNodes.map { node in
        IngressNode(clusterUUID: cluster.uuid, clusterName: cluster.name, nodeName: node.name, address: node.address)
      }
    }
  }
}
