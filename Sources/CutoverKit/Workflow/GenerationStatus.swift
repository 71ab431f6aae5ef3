import Foundation
import OpenStack

/// Builds the table of `cutover generation status ENV`: one row per generation, declared or recorded, in the desired
/// state's order (generations only the state still records come last).
///
/// A cloud or Kubernetes call that fails does not stop the table: the cell shows `?` and the report carries a note
/// saying what failed.
public struct GenerationStatus: Sendable {
  public var desired: DesiredState
  public var recorded: [RecordedResource]
  /// The recorded switches, oldest first (``StateHistory/switches()``).
  public var switches: [GenerationSwitch]
  /// The journal (``StateHistory/history()``): when Magnum does not say when a cluster was created, the apply that
  /// created it does.
  public var history: [ApplyRecord]
  public var access: GenerationAccess
  /// Which recorded objects route traffic to which hosts, and which generation an address belongs to.
  public var catalog: ResourceCatalog
  /// The time ages are measured to.
  public var now: Date

  public init(
    desired: DesiredState, recorded: [RecordedResource], switches: [GenerationSwitch] = [],
    history: [ApplyRecord] = [], access: GenerationAccess, catalog: ResourceCatalog = .standard, now: Date = Date()
  ) {
    self.desired = desired
    self.recorded = recorded
    self.switches = switches
    self.history = history
    self.access = access
    self.catalog = catalog
    self.now = now
  }

  /// The generations to show: the declared ones in file order, then those only the state records.
  public var generationIDs: [String] {
    var ids = desired.generations.map(\.id)
    for resource in recorded {
      if let id = catalog.generation(of: resource.address), !ids.contains(id) { ids.append(id) }
    }
    return ids
  }

  /// Reads every generation (concurrently) and builds the rows.
  public func report() async -> GenerationStatusReport {
    let ids = generationIDs
    let rows = await withTaskGroup(of: (Int, GenerationStatusRow, [String]).self) { group in
      for (index, id) in ids.enumerated() {
        group.addTask {
          let (row, notes) = await self.row(for: id)
          return (index, row, notes)
        }
      }
      var rows = [(GenerationStatusRow, [String])?](repeating: nil, count: ids.count)
      for await (index, row, notes) in group { rows[index] = (row, notes) }
      return rows.compactMap { $0 }
    }
    return GenerationStatusReport(
      environment: desired.environment, live: desired.live, rows: rows.map(\.0), notes: rows.flatMap(\.1), now: now)
  }

  // MARK: - One generation

  private func row(for id: String) async -> (GenerationStatusRow, [String]) {
    let inspector = GenerationInspector(desired: desired, recorded: recorded, access: access)
    let generation = desired.generation(id)
    let recordedCluster = inspector.recordedObject(ClusterResource.typeName, of: id)
    var notes: [String] = []

    var cluster: Cluster?
    var clusterStatus: String
    var statusForRole: String?
    do {
      cluster = try await inspector.cluster(of: id)
      clusterStatus = cluster?.status ?? "absent"
      statusForRole = cluster?.status
    } catch {
      clusterStatus = "?"
      statusForRole = recordedCluster?.attributes[ClusterResource.Attribute.status]?.stringValue
      notes.append("\(id): cannot read its cluster from Magnum: \(Executor.describe(error))")
    }

    let declaredWorkers =
      generation?.cluster.workers ?? recordedCluster?.attributes[ClusterResource.Attribute.nodeCount]?.intValue
      ?? cluster?.nodeCount ?? 0
    let releases = generation?.releases ?? []
    var health = "-"
    var workers = GenerationStatusRow.Tally.notChecked
    var deployed = GenerationStatusRow.Tally.notChecked
    if let cluster, Self.isComplete(cluster.status) {
      let target = inspector.kubernetesCluster(of: id, clusterID: cluster.uuid)
      async let releaseReading = readReleases(releases, on: target, generation: id)
      do {
        let nodes = try await access.kubernetes.nodes(on: target)
        let notReady = nodes.filter { !$0.isReady }.count
        health = nodes.isEmpty ? "no nodes" : notReady == 0 ? "healthy" : "\(notReady) not ready"
        let readyWorkers = nodes.filter { !$0.isControlPlane && $0.isReady }.count
        workers = .counted(readyWorkers, of: declaredWorkers)
      } catch {
        health = "?"
        workers = .unknown
        notes.append("\(id): cannot list its nodes: \(Executor.describe(error))")
      }
      let (tally, releaseNotes) = await releaseReading
      deployed = tally
      notes += releaseNotes
    }

    let row = GenerationStatusRow(
      generation: id, declared: generation != nil, clusterName: cluster?.name ?? desired.clusterName(of: id),
      clusterStatus: clusterStatus, health: health, workers: workers, releases: deployed,
      createdAt: createdAt(of: id, cluster: cluster),
      role: Self.role(live: desired.live == id, status: statusForRole),
      routedFrom: routers(to: id, cluster: cluster),
      switchedTo: switches.switchedTo(id), switchedAway: switches.switchedAway(from: id))
    return (row, notes)
  }

  /// How many of the declared releases are deployed, and a note per release that could not be read.
  private func readReleases(_ releases: [ReleaseSpec], on target: KubernetesCluster, generation: String) async
    -> (GenerationStatusRow.Tally, [String])
  {
    let driver = access.kubernetes
    var deployed = 0
    var notes: [String] = []
    for release in releases {
      do {
        if try await driver.release(name: release.name, namespace: release.namespace, on: target)?.isDeployed == true {
          deployed += 1
        }
      } catch {
        notes.append(
          "\(generation): cannot read release \(release.name) (\(release.namespace)): \(Executor.describe(error))")
      }
    }
    return (notes.isEmpty ? .counted(deployed, of: releases.count) : .unknown, notes)
  }

  static func isComplete(_ status: String) -> Bool {
    status.hasSuffix("_COMPLETE") && !status.hasPrefix("DELETE")
  }

  /// `live` for the desired live generation, whatever its cluster says; otherwise from the cluster's status.
  static func role(live: Bool, status: String?) -> GenerationRole {
    if live { return .live }
    guard let status else { return .absent }
    if status.hasPrefix("DELETE") { return .retiring }
    if status.hasSuffix("_FAILED") { return .failed }
    if status.hasSuffix("_IN_PROGRESS") { return .building }
    return isComplete(status) ? .standby : .building
  }

  /// Magnum's `created_at`, else when the journal's last successful create of the cluster started.
  private func createdAt(of id: String, cluster: Cluster?) -> Date? {
    if let text = cluster?.createdAt, let date = Self.date(fromMagnum: text) { return date }
    let address = ClusterResource.address(id)
    return history.flatMap(\.actions).last {
      $0.address == address && $0.deposedKey == nil && $0.action == .create && $0.status == .done
    }?.startedAt
  }

  /// Magnum writes `2024-05-02T10:15:30+00:00`, sometimes with fractional seconds or without a zone (UTC).
  static func date(fromMagnum text: String) -> Date? {
    let formatter = ISO8601DateFormatter()
    for options: ISO8601DateFormatter.Options in [
      [.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds],
    ] {
      formatter.formatOptions = options
      if let date = formatter.date(from: text) ?? formatter.date(from: text + "Z") { return date }
    }
    return nil
  }

  /// The recorded objects (web proxies, haproxy hosts) that send traffic to one of the generation's nodes, as
  /// recorded or as Magnum reports them now.
  private func routers(to id: String, cluster: Cluster?) -> [ResourceAddress] {
    let current = recorded.filter { $0.deposedKey == nil }
    let hosts = Set((cluster?.nodeAddresses ?? []) + (cluster?.masterAddresses ?? [])).union(
      catalog.servingHosts(current.filter { catalog.generation(of: $0.address) == id }))
    return catalog.routers(to: hosts, in: current).map(\.address).sorted()
  }
}

/// What a generation is doing in the blue-green flow.
public enum GenerationRole: String, Sendable, Equatable {
  /// The desired state's `live:` generation.
  case live
  /// Built and complete, not live: ready to switch to, or kept for rollback.
  case standby
  /// Its cluster is being created or updated.
  case building
  /// Its cluster failed to build or update.
  case failed
  /// Its cluster is being deleted.
  case retiring
  /// Declared, but no cluster exists (not applied yet, or deleted).
  case absent
}

/// One row of `generation status`.
public struct GenerationStatusRow: Sendable, Equatable {
  /// A count against what is declared, or why there is none.
  public enum Tally: Sendable, Equatable, CustomStringConvertible {
    /// `ready`/`deployed` of `declared`.
    case counted(Int, of: Int)
    /// Not asked: the cluster is not complete.
    case notChecked
    /// Asking failed (the report's notes say why).
    case unknown

    public var description: String {
      switch self {
      case .counted(let count, let total): return "\(count)/\(total)"
      case .notChecked: return "-"
      case .unknown: return "?"
      }
    }
  }

  public var generation: String
  /// Whether `clusters/ENV.yaml` declares it (otherwise only the state records it, and the next apply retires it).
  public var declared: Bool
  public var clusterName: String
  /// Magnum's status, `absent` when Magnum has no such cluster, `?` when Magnum could not be read.
  public var clusterStatus: String
  /// `healthy` when every node is Ready, `N not ready`, `no nodes`; `-` when not checked, `?` when unreadable.
  public var health: String
  /// Ready workers of the declared workers.
  public var workers: Tally
  /// Deployed releases of the declared releases.
  public var releases: Tally
  /// When the cluster was created, when known.
  public var createdAt: Date?
  public var role: GenerationRole
  /// The web proxies and haproxy hosts whose backends include one of its nodes.
  public var routedFrom: [ResourceAddress]
  /// When it last became live through a switch.
  public var switchedTo: Date?
  /// When it last stopped being live.
  public var switchedAway: Date?

  public init(
    generation: String, declared: Bool, clusterName: String, clusterStatus: String, health: String, workers: Tally,
    releases: Tally, createdAt: Date?, role: GenerationRole, routedFrom: [ResourceAddress], switchedTo: Date?,
    switchedAway: Date?
  ) {
    self.generation = generation
    self.declared = declared
    self.clusterName = clusterName
    self.clusterStatus = clusterStatus
    self.health = health
    self.workers = workers
    self.releases = releases
    self.createdAt = createdAt
    self.role = role
    self.routedFrom = routedFrom
    self.switchedTo = switchedTo
    self.switchedAway = switchedAway
  }
}

/// The rows of `generation status` and the notes about what could not be read.
public struct GenerationStatusReport: Sendable, Equatable {
  public var environment: String
  public var live: String?
  public var rows: [GenerationStatusRow]
  /// One line per call that failed, naming the generation.
  public var notes: [String]
  /// The time ages and "ago" are measured to.
  public var now: Date

  public init(environment: String, live: String?, rows: [GenerationStatusRow], notes: [String], now: Date) {
    self.environment = environment
    self.live = live
    self.rows = rows
    self.notes = notes
    self.now = now
  }

  /// A web proxy by its domain; anything else by its address (`haproxy.paws-k8s-haproxy-1`).
  static func routerName(_ address: ResourceAddress) -> String {
    address.type == WebProxyResource.typeName ? address.name : address.description
  }

  /// A duration in its two largest units: `3d 4h`, `5h 12m`, `12m`, `40s`.
  static func age(from start: Date, to end: Date) -> String {
    let seconds = max(0, Int(end.timeIntervalSince(start)))
    let days = seconds / 86_400
    let hours = seconds % 86_400 / 3_600
    let minutes = seconds % 3_600 / 60
    if days > 0 { return hours > 0 ? "\(days)d \(hours)h" : "\(days)d" }
    if hours > 0 { return minutes > 0 ? "\(hours)h \(minutes)m" : "\(hours)h" }
    if minutes > 0 { return "\(minutes)m" }
    return "\(seconds)s"
  }
}
