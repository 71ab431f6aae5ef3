/// Where a cluster stands at a given instant, derived purely from the timestamps recorded when requests were
/// accepted: a cluster created at T with build time B reads `CREATE_IN_PROGRESS` until T+B, then
/// `CREATE_COMPLETE` (or `CREATE_FAILED`); a resize reads `UPDATE_IN_PROGRESS` for B/2; a delete reads
/// `DELETE_IN_PROGRESS` for B/4, after which the cluster is gone. No timer ever runs, so a cluster keeps
/// "building" while no simulator process is alive.
struct ClusterLifecycle: Equatable, Sendable {
  /// Magnum's cluster statuses that the simulator produces.
  enum Status: String, Sendable {
    case createInProgress = "CREATE_IN_PROGRESS"
    case createComplete = "CREATE_COMPLETE"
    case createFailed = "CREATE_FAILED"
    case updateInProgress = "UPDATE_IN_PROGRESS"
    case updateComplete = "UPDATE_COMPLETE"
    case deleteInProgress = "DELETE_IN_PROGRESS"
  }

  var status: Status
  var statusReason: String?
  /// The delete has finished: the cluster no longer exists.
  var isGone: Bool
  /// When the status last changed (nil until the first change after creation).
  var updatedAt: Double?
  /// Whether the cluster's stack finished building, so its addresses are reported (Magnum only fills
  /// `api_address`, `master_addresses` and `node_addresses` once the stack is complete).
  var reportsAddresses: Bool

  /// Statuses a resize may start from (Magnum refuses to update a cluster in any other).
  var acceptsUpdates: Bool {
    status == .createComplete || status == .updateComplete
  }

  // MARK: - Reasons

  static let createCompleteReason = "Stack CREATE completed successfully"
  static let updateCompleteReason = "Stack UPDATE completed successfully"
  static let createFailedReason =
    "Stack CREATE failed: Resource CREATE failed: ResourceInError: resources.kube_masters.resources[0]"
    + ".resources.kube-master: Went to status ERROR due to \"Message: No valid host was found. There are not "
    + "enough hosts available., Code: 500\" (failure injected by the Cutover simulator)"
}

// MARK: - Derivation

extension ClusterRecord {
  /// The cluster's lifecycle at `now` (seconds since 1970).
  func lifecycle(at now: Double) -> ClusterLifecycle {
    let stackBuilt = !failsOnCreate
    if let deleteStartedAt, let deleteFinishesAt {
      return ClusterLifecycle(
        status: .deleteInProgress, statusReason: nil, isGone: now >= deleteFinishesAt, updatedAt: deleteStartedAt,
        reportsAddresses: stackBuilt && createFinishesAt <= deleteStartedAt)
    }
    if now < createFinishesAt {
      return ClusterLifecycle(
        status: .createInProgress, statusReason: nil, isGone: false, updatedAt: nil, reportsAddresses: false)
    }
    if failsOnCreate {
      return ClusterLifecycle(
        status: .createFailed, statusReason: ClusterLifecycle.createFailedReason, isGone: false,
        updatedAt: createFinishesAt, reportsAddresses: false)
    }
    if let updateStartedAt, let updateFinishesAt {
      if now < updateFinishesAt {
        return ClusterLifecycle(
          status: .updateInProgress, statusReason: nil, isGone: false, updatedAt: updateStartedAt,
          reportsAddresses: true)
      }
      return ClusterLifecycle(
        status: .updateComplete, statusReason: ClusterLifecycle.updateCompleteReason, isGone: false,
        updatedAt: updateFinishesAt, reportsAddresses: true)
    }
    return ClusterLifecycle(
      status: .createComplete, statusReason: ClusterLifecycle.createCompleteReason, isGone: false,
      updatedAt: createFinishesAt, reportsAddresses: true)
  }
}
