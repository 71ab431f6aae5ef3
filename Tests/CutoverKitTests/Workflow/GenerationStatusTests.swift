import Foundation
import OpenStack
import Testing

@testable import CutoverKit

@Suite("generation status: the table")
struct GenerationStatusTests {
  // MARK: - Rows

  @Test("the live and the standby generation: status, health, workers, releases, age, routes and switch times")
  func liveAndStandby() async throws {
    let world = try StatusWorld()
    let report = await world.status().report()

    #expect(report.notes.isEmpty)
    #expect(report.rows.map(\.generation) == ["127d", "128a"])
    let live = try #require(report.rows.first)
    #expect(live.role == .live)
    #expect(live.declared)
    #expect(live.clusterName == "paws-127d")
    #expect(live.clusterStatus == "UPDATE_COMPLETE")
    #expect(live.health == "healthy")
    #expect(live.workers == .counted(5, of: 5))
    #expect(live.releases == .counted(3, of: 3))
    #expect(live.createdAt == StatusWorld.date("2026-11-01T09:00:00Z"))
    #expect(
      live.routedFrom == [
        ResourceAddress("haproxy.paws-k8s-haproxy-1"), ResourceAddress("web_proxy.hub-paws.wmcloud.org"),
        ResourceAddress("web_proxy.public-paws.wmcloud.org"),
      ])
    #expect(live.switchedTo == StatusWorld.date("2026-11-21T12:00:00Z"))
    #expect(live.switchedAway == StatusWorld.date("2026-11-21T09:00:00Z"))

    let standby = try #require(report.rows.last)
    #expect(standby.role == .standby)
    #expect(standby.workers == .counted(4, of: 5))
    #expect(standby.health == "1 not ready")
    #expect(standby.releases == .counted(2, of: 3))
    #expect(standby.routedFrom.isEmpty)
    #expect(standby.switchedTo == StatusWorld.date("2026-11-21T09:00:00Z"))
    #expect(standby.switchedAway == StatusWorld.date("2026-11-21T12:00:00Z"))
  }

  @Test(
    "the table in 120 columns: aligned, proxies by domain, haproxy by address, routes wrapped under their column",
    arguments: [
      (120, "generation-status-120.txt"), (250, "generation-status-250.txt"), (80, "generation-status-80.txt"),
    ])
  func table(width: Int, golden: String) async throws {
    let text = try await StatusWorld().status().report().table(width: width)
    try GoldenFile.check(text, matches: golden)
    let widths = text.split(separator: "\n").map(\.count)
    #expect(widths.allSatisfy { $0 <= width }, "widths \(widths):\n\(text)")
  }

  @Test("--format json: every field, timestamps in ISO 8601, routes by address, counts null when not read")
  func json() async throws {
    var world = try StatusWorld()
    world.driver.failNodes(with: "kubectl: connection refused", cluster: "cluster-127d")
    world.desired.generations.append(world.desired.generations[1].renamed("128b"))
    try GoldenFile.check(try await world.status().report().json(), matches: "generation-status.json")
  }

  @Test("notes wrap at the width too, so no line of a table with notes is wider than asked")
  func notesWrap() async throws {
    let world = try StatusWorld()
    world.driver.failReleases(
      with: "helm: Kubernetes cluster unreachable: " + String(repeating: "x", count: 150),
      cluster: "cluster-128a")
    let text = await world.status().report().table(width: 100)
    #expect(text.split(separator: "\n").allSatisfy { $0.count <= 100 }, "\(text)")
    #expect(text.contains("note: 128a: cannot read release ingress-nginx"), "\(text)")
  }

  @Test("building, failed and absent generations; one only the state records comes last, marked not declared")
  func otherRoles() async throws {
    var world = try StatusWorld()
    world.desired.generations.append(world.desired.generations[1].renamed("128b"))
    world.desired.generations.append(world.desired.generations[1].renamed("128c"))
    world.magnum.remove("cluster-128a")
    world.magnum.add(StatusWorld.cluster("128a", status: "CREATE_IN_PROGRESS", created: nil))
    world.magnum.add(StatusWorld.cluster("128b", status: "CREATE_FAILED", created: "2026-11-22T11:00:00"))
    world.recorded.append(
      RecordedResource(
        address: ResourceAddress("cluster.127c"), remoteID: "cluster-127c",
        attributes: ["name": "paws-127c", "node_count": 3, "node_addresses": ["127.0.3.2"]]))
    world.magnum.add(StatusWorld.cluster("127c", status: "DELETE_IN_PROGRESS", created: nil))

    let report = await world.status().report()
    #expect(report.rows.map(\.generation) == ["127d", "128a", "128b", "128c", "127c"])
    #expect(report.rows.map(\.role) == [.live, .building, .failed, .absent, .retiring])
    #expect(
      report.rows.map(\.clusterStatus) == [
        "UPDATE_COMPLETE", "CREATE_IN_PROGRESS", "CREATE_FAILED", "absent", "DELETE_IN_PROGRESS",
      ])
    #expect(report.rows.map(\.declared) == [true, true, true, true, false])
    #expect(report.rows[1].workers == .notChecked)
    #expect(report.rows[1].releases == .notChecked)
    #expect(report.rows[1].health == "-")
    #expect(report.rows[2].createdAt == StatusWorld.date("2026-11-22T11:00:00Z"), "Magnum's time without a zone is UTC")
    #expect(report.rows[3].createdAt == nil)
    #expect(report.cells[4][0] == "127c (not declared)")
    #expect(report.cells[1][4...5] == ["-", "-"])
    #expect(report.cells[3][6] == "-")
  }

  @Test("errors do not stop the table: the cells show ? and the notes say what failed")
  func errorsBecomeNotes() async throws {
    let world = try StatusWorld()
    world.driver.failNodes(with: "kubectl: connection refused", cluster: "cluster-127d")
    world.driver.failReleases(with: "helm: Kubernetes cluster unreachable", cluster: "cluster-128a")

    let report = await world.status().report()
    #expect(report.rows.count == 2)
    #expect(report.rows[0].workers == .unknown)
    #expect(report.rows[0].health == "?")
    #expect(report.rows[0].releases == .counted(3, of: 3))
    #expect(report.rows[1].releases == .unknown)
    #expect(report.rows[1].workers == .counted(4, of: 5))
    #expect(
      report.notes == [
        "127d: cannot list its nodes: kubectl: connection refused",
        "128a: cannot read release ingress-nginx (ingress-nginx): helm: Kubernetes cluster unreachable",
        "128a: cannot read release paws (prod): helm: Kubernetes cluster unreachable",
        "128a: cannot read release prometheus (metrics): helm: Kubernetes cluster unreachable",
      ])
    let notes = report.table().split(separator: "\n").filter { $0.hasPrefix("note: ") }
    #expect(notes.count == 4)
    #expect(notes.first == "note: 127d: cannot list its nodes: kubectl: connection refused")
  }

  @Test("Magnum unreadable: status ?, the role from the recorded status, and a note")
  func magnumUnreadable() async throws {
    let world = try StatusWorld()
    world.magnum.fail(with: "magnum: HTTP 503")
    let report = await world.status().report()
    #expect(report.rows.map(\.clusterStatus) == ["?", "?"])
    #expect(report.rows.map(\.role) == [.live, .standby])
    #expect(report.rows.map(\.workers) == [.notChecked, .notChecked])
    #expect(report.rows[0].createdAt == StatusWorld.date("2026-11-01T08:55:00Z"), "from the journal's create")
    #expect(
      report.notes == [
        "127d: cannot read its cluster from Magnum: magnum: HTTP 503",
        "128a: cannot read its cluster from Magnum: magnum: HTTP 503",
      ])
    #expect(
      report.rows[0].routedFrom.count == 3, "routes are matched against the recorded node addresses")
  }

  @Test("a generation whose nodes a proxy still points at after the switch shows that proxy")
  func staleRouteShows() async throws {
    var world = try StatusWorld()
    world.recorded = world.recorded.map { object in
      guard object.address == ResourceAddress("web_proxy.public-paws.wmcloud.org") else { return object }
      var changed = object
      changed.attributes["backends"] = ["http://127.0.5.2:30001"]
      return changed
    }
    let report = await world.status().report()
    #expect(report.rows[1].routedFrom == [ResourceAddress("web_proxy.public-paws.wmcloud.org")])
    #expect(report.rows[0].routedFrom.count == 2)
  }

  @Test("no generations at all")
  func empty() async throws {
    var world = try StatusWorld()
    world.desired.generations = []
    world.desired.live = nil
    world.recorded = []
    let report = await world.status().report()
    #expect(report.rows.isEmpty)
    #expect(report.table() == "No generations declared or recorded for eqiad1.\n")
  }

  // MARK: - Pieces

  @Test("ages read in their two largest units")
  func ages() {
    let start = Date(timeIntervalSince1970: 0)
    #expect(GenerationStatusReport.age(from: start, to: start + 40) == "40s")
    #expect(GenerationStatusReport.age(from: start, to: start + 12 * 60 + 5) == "12m")
    #expect(GenerationStatusReport.age(from: start, to: start + 5 * 3600 + 12 * 60) == "5h 12m")
    #expect(GenerationStatusReport.age(from: start, to: start + 3 * 3600) == "3h")
    #expect(GenerationStatusReport.age(from: start, to: start + 3 * 86400 + 4 * 3600 + 59) == "3d 4h")
    #expect(GenerationStatusReport.age(from: start, to: start + 2 * 86400) == "2d")
    #expect(GenerationStatusReport.age(from: start + 10, to: start) == "0s")
  }

  @Test("Magnum's timestamps parse with a zone, with fractions, and without a zone as UTC")
  func magnumDates() {
    let expected = StatusWorld.date("2026-11-20T10:00:00Z")
    #expect(GenerationStatus.date(fromMagnum: "2026-11-20T10:00:00+00:00") == expected)
    #expect(GenerationStatus.date(fromMagnum: "2026-11-20T10:00:00") == expected)
    #expect(GenerationStatus.date(fromMagnum: "2026-11-20T10:00:00.000000+00:00") == expected)
    #expect(GenerationStatus.date(fromMagnum: "yesterday") == nil)
  }
}

// MARK: - Test world

/// eqiad1 with 127d live (both proxies and an haproxy host pointing at its nodes) and 128a standby with one worker
/// down and prometheus not yet deployed; three recorded switches; "now" is 2026-11-22 12:00 UTC.
struct StatusWorld {
  static let workers127d = ["127.0.4.2", "127.0.4.3", "127.0.4.4", "127.0.4.5", "127.0.4.6"]

  var desired: DesiredState
  var recorded: [RecordedResource]
  var switches: [GenerationSwitch]
  var history: [ApplyRecord]
  let magnum = FakeMagnum()
  let driver = FakeKubernetesDriver()
  let now = date("2026-11-22T12:00:00Z")

  static func date(_ text: String) -> Date {
    (try? Date(text, strategy: .iso8601)) ?? Date(timeIntervalSince1970: 0)
  }

  static func cluster(_ generation: String, status: String, created: String?, workers: [String] = []) -> Cluster {
    Cluster(
      uuid: "cluster-\(generation)", name: "paws-\(generation)", status: status, clusterTemplateID: "t-\(generation)",
      masterCount: 1, nodeCount: 5, nodeAddresses: workers, createdAt: created)
  }

  init() throws {
    desired = try Fixture.desiredState("eqiad1-two-generations.yaml")
    let backends127d = Value.list(Self.workers127d.map { .string("http://\($0):30001") })
    recorded = [
      RecordedResource(
        address: ResourceAddress("cluster.127d"), remoteID: "cluster-127d",
        attributes: [
          "name": "paws-127d", "node_count": 5, "status": "UPDATE_COMPLETE",
          "node_addresses": .list(Self.workers127d.map(Value.string)), "master_addresses": ["127.0.4.1"],
        ]),
      RecordedResource(
        address: ResourceAddress("cluster.128a"), remoteID: "cluster-128a",
        attributes: [
          "name": "paws-128a", "node_count": 5, "status": "CREATE_COMPLETE",
          "node_addresses": .list(VerifyWorld.workers128a.map(Value.string)), "master_addresses": ["127.0.5.1"],
        ]),
      RecordedResource(
        address: ResourceAddress("haproxy.paws-k8s-haproxy-1"), remoteID: "rendered/paws-k8s-haproxy-1/haproxy.cfg",
        attributes: [
          "host": "paws-k8s-haproxy-1", "control_plane": ["127.0.4.1"],
          "ingress": .list(Self.workers127d.map(Value.string)),
        ]),
      RecordedResource(
        address: ResourceAddress("web_proxy.hub-paws.wmcloud.org"), remoteID: "hub-paws.wmcloud.org",
        attributes: ["domain": "hub-paws.wmcloud.org", "backends": backends127d]),
      RecordedResource(
        address: ResourceAddress("web_proxy.public-paws.wmcloud.org"), remoteID: "public-paws.wmcloud.org",
        attributes: ["domain": "public-paws.wmcloud.org", "backends": backends127d]),
    ]
    switches = [
      GenerationSwitch(
        id: 1, environment: "eqiad1", fromGeneration: nil, toGeneration: "127d", at: Self.date("2026-11-01T10:00:00Z"),
        user: "tester", host: "bastion-test", command: "generation switch eqiad1 127d", forced: false),
      GenerationSwitch(
        id: 2, environment: "eqiad1", fromGeneration: "127d", toGeneration: "128a",
        at: Self.date("2026-11-21T09:00:00Z"), user: "tester", host: "bastion-test",
        command: "generation switch eqiad1 128a", forced: false),
      GenerationSwitch(
        id: 3, environment: "eqiad1", fromGeneration: "128a", toGeneration: "127d",
        at: Self.date("2026-11-21T12:00:00Z"), user: "tester", host: "bastion-test",
        command: "generation rollback eqiad1", forced: false),
    ]
    history = [
      ApplyRecord(
        id: 1, command: "apply eqiad1", user: "tester", host: "bastion-test", pid: 1,
        startedAt: Self.date("2026-11-01T08:54:00Z"), finishedAt: nil, serial: 1, summary: "+3 ~0 -0",
        outcome: .succeeded, error: nil,
        actions: [
          JournalAction(
            id: 1, applyID: 1, address: ResourceAddress("cluster.127d"), deposedKey: nil, action: .create,
            status: .done, remoteID: "cluster-127d", startedAt: Self.date("2026-11-01T08:55:00Z"), finishedAt: nil,
            detail: nil, error: nil)
        ])
    ]
    magnum.add(
      Self.cluster("127d", status: "UPDATE_COMPLETE", created: "2026-11-01T09:00:00+00:00", workers: Self.workers127d))
    magnum.add(
      Self.cluster(
        "128a", status: "CREATE_COMPLETE", created: "2026-11-20T10:00:00+00:00", workers: VerifyWorld.workers128a))
    driver.set(
      nodes: VerifyWorld.nodes(workers: Self.workers127d, prefix: "paws-127d", master: "127.0.4.1"),
      cluster: "cluster-127d")
    var nodes128a = VerifyWorld.nodes(workers: VerifyWorld.workers128a)
    nodes128a[3].ready = .false
    driver.set(nodes: nodes128a, cluster: "cluster-128a")
    let deployed = ["ingress-nginx", "paws", "prometheus"].map {
      ($0, DeployedRelease(name: $0, namespace: "any", revision: 1, status: "deployed"))
    }
    driver.set(releases: Dictionary(uniqueKeysWithValues: deployed), cluster: "cluster-127d")
    driver.set(releases: Dictionary(uniqueKeysWithValues: deployed.prefix(2)), cluster: "cluster-128a")
  }

  func status() -> GenerationStatus {
    let magnum = self.magnum
    return GenerationStatus(
      desired: desired, recorded: recorded, switches: switches, history: history,
      access: GenerationAccess(
        cluster: { try magnum.cluster($0) }, kubernetes: driver, local: LocalWorkspace(directory: "/srv/state/eqiad1")),
      now: now)
  }
}

extension Generation {
  /// A copy under another id, as `generation new --from` would make.
  func renamed(_ id: String) -> Generation {
    var copy = self
    copy.id = id
    return copy
  }
}
