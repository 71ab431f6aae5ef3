import Foundation
import TestSupport
import Testing

/// A refresh reads the cloud in a request per type and per cluster, not per object, and an apply's read-backs do not
/// ask again for what the action just saw: the simulator's request counts (`CUTOVER_SIMULATOR_STATS=1`) say so.
@Suite("requests: a refresh per type and cluster, an apply's read-backs without asking twice")
struct RefreshRequestTests {
  /// The counts a `--simulate` run printed at its end: route to count, and the total.
  private static func counts(_ result: CommandResult) throws -> (total: Int, routes: [String: Int]) {
    let line = try #require(
      result.stderr.split(separator: "\n").first { $0.hasPrefix("simulator: ") }, "no request counts: \(result)")
    let text = line.dropFirst("simulator: ".count)
    let total = try #require(Int(text.prefix { $0.isNumber }), "\(line)")
    var routes: [String: Int] = [:]
    if let list = text.range(of: "requests: ") {
      for entry in text[list.upperBound...].components(separatedBy: ", ") {
        guard let space = entry.lastIndex(of: " "), let count = Int(entry[entry.index(after: space)...]) else {
          continue
        }
        routes[String(entry[..<space])] = count
      }
    }
    return (total, routes)
  }

  /// A workspace of `count` generations of eqiad1's shape (`100a`, `101a`, …), the first live, with the Kubernetes
  /// sources its releases and manifest read.
  private static func workspace(generations count: Int) throws -> (Workspace, [(id: String, overrides: String)]) {
    var desired = try DesiredStateFixture.eqiad1()
    try desired.addKubernetesWork()
    let generations = (0..<count).map { (id: String(format: "%03da", $0 + 100), overrides: "{}") }
    try desired.setGenerations(generations)
    try desired.setLive(generations[0].id)
    let workspace = try Workspace.with(desired)
    try workspace.writeKubernetesSources()
    return (workspace, generations)
  }

  @Test("12 generations of eqiad1's shape (86 objects): lists, one per type and one per cluster, no GET per object")
  func refreshCountsRequests() async throws {
    let (workspace, generations) = try Self.workspace(generations: 12)
    try requireExit(0, try await workspace.apply())
    let recorded = try #require(try workspace.stateStore()?.resources().count)

    let plan = try requireExit(
      0, try await workspace.plan(["--detailed-exitcode"], environment: ["CUTOVER_SIMULATOR_STATS": "1"]))
    let counts = try Self.counts(plan)
    // A token; a list of each type's objects (templates and clusters in detail, proxies, the network's and compute's
    // objects); each cluster's releases and manifests, together.
    #expect(counts.total <= 10 + generations.count, "\(recorded) objects read with \(counts.total): \(counts)")
    for route in counts.routes.keys {
      #expect(
        !["GET /magnum/v1/clusters/{id}", "GET /magnum/v1/clustertemplates/{id}", "GET /proxy/v1/paws/mapping/{id}"]
          .contains(route)
          && !route.hasSuffix("/releases/{id}/{id}") && !route.hasSuffix("/manifests/{id}"),
        "a GET per object: \(route)")
    }
    #expect(counts.routes["GET /magnum/v1/clusters/detail"] == 1, "\(counts)")
    #expect(counts.routes["GET /kubernetes/v1/clusters/{id}/deployed"] == generations.count, "\(counts)")
    #expect(counts.routes["GET /kubernetes/v1/clusters/{id}/releases"] == nil, "\(counts)")
    #expect(counts.routes["GET /kubernetes/v1/clusters/{id}/manifests"] == nil, "\(counts)")
  }

  @Test("an apply of 3 generations reads each cluster twice (its create settled, its kubeconfig) and each release once")
  func applyReadsBackWithoutAskingTwice() async throws {
    let (workspace, generations) = try Self.workspace(generations: 3)

    let counts = try Self.counts(
      try requireExit(0, try await workspace.apply(environment: ["CUTOVER_SIMULATOR_STATS": "1"])))
    let releases = try #require(counts.routes["PUT /kubernetes/v1/clusters/{id}/releases/{id}/{id}"], "\(counts)")
    // The create's poll reads the cluster settled, and its read-back takes that answer; the kubeconfig asks for the
    // cluster's CA and address. A release's or manifest's read-back does not ask Magnum about a cluster it just
    // deployed to.
    #expect(counts.routes["GET /magnum/v1/clusters/{id}"] == 2 * generations.count, "\(counts)")
    #expect(counts.routes["GET /kubernetes/v1/clusters/{id}/releases/{id}/{id}"] == releases, "\(counts)")
    #expect(releases == 3 * generations.count, "\(counts)")
  }
}
