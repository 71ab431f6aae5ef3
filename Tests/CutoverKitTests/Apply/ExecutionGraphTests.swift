import Testing

@testable import CutoverKit

@Suite("Execution graph")
struct ExecutionGraphTests {
  private let desired: DesiredState
  private let applied: [RecordedResource]

  init() throws {
    desired = try Fixture.desiredState("eqiad1-two-generations.yaml")
    applied = try AppliedState.recording(desired)
  }

  private func plan(_ desired: DesiredState, recorded: [RecordedResource], mode: Plan.Mode = .apply) throws -> Plan {
    try Planner().plan(
      Planner.Request(
        environment: "eqiad1", desired: desired, recorded: recorded, stateVersion: .fixed, mode: mode,
        digester: .test))
  }

  /// The steps in an order the executor could run them one at a time.
  private func order(of graph: ExecutionGraph) throws -> [ActionLabel] {
    var steps = DependencyGraph<ActionLabel>()
    for label in graph.labels {
      steps.add(label)
      for dependency in graph.dependencies[label] ?? [] { steps.add(label, dependsOn: dependency) }
    }
    return try steps.topologicalOrder()
  }

  private func step(
    _ kind: ActionLabel.Kind, _ address: String, in graph: ExecutionGraph,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> ActionLabel {
    let matches = graph.labels.filter { $0.kind == kind && $0.address.description == address }
    #expect(matches.count == 1, "one \(kind) step for \(address)", sourceLocation: sourceLocation)
    return try #require(matches.first, sourceLocation: sourceLocation)
  }

  /// Whether `label` waits, directly or not, for `dependency`.
  private func waits(_ label: ActionLabel, for dependency: ActionLabel, in graph: ExecutionGraph) -> Bool {
    graph.transitiveDependents(of: dependency).contains(label)
  }

  @Test("creates run after the creates of what they depend on")
  func createsFollowDependencies() throws {
    let graph = ExecutionGraph(plan: try plan(desired, recorded: []))
    let template = try step(.create, "cluster_template.127d", in: graph)
    let cluster = try step(.create, "cluster.127d", in: graph)
    let proxy = try step(.create, "web_proxy.hub-paws.wmcloud.org", in: graph)
    #expect(graph.dependencies[cluster] == [template])
    let releases = try ["ingress-nginx", "paws", "prometheus"].map {
      try step(.create, "helm_release.127d.\($0)", in: graph)
    }
    #expect(graph.dependencies[proxy] == Set([cluster] + releases))
  }

  @Test("a replacement deletes the old object only after the new one is created")
  func replacementCreatesBeforeDeleting() throws {
    let relabelled = desired.editing(generation: "128a") { $0.template.labels["kube_tag"] = "v1.28.16" }
    let graph = ExecutionGraph(plan: try plan(relabelled, recorded: applied))
    for address in ["cluster_template.128a", "cluster.128a"] {
      let create = try step(.create, address, in: graph)
      let delete = try step(.delete, address, in: graph)
      #expect(create.deposedKey == nil, "\(address): the create step is the new object")
      #expect(delete.deposedKey != nil)
      #expect(graph.deposeKeys[create] == delete.deposedKey, "\(address): the create deposes what the delete removes")
      #expect(graph.dependencies[delete]?.contains(create) == true, "\(address): delete after create")
    }
  }

  @Test("a replaced template's old object is deleted only after the old cluster that used it")
  func replacedTemplateOutlivesOldCluster() throws {
    let relabelled = desired.editing(generation: "128a") { $0.template.labels["kube_tag"] = "v1.28.16" }
    let graph = ExecutionGraph(plan: try plan(relabelled, recorded: applied))
    let oldTemplate = try step(.delete, "cluster_template.128a", in: graph)
    let oldCluster = try step(.delete, "cluster.128a", in: graph)
    #expect(waits(oldTemplate, for: oldCluster, in: graph))
  }

  @Test("deletes run in reverse dependency order: the proxies, then the cluster, then the template")
  func deletesRunInReverseOrder() throws {
    let graph = ExecutionGraph(plan: try plan(desired, recorded: applied, mode: .destroy))
    let order = try order(of: graph)
    let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1.description, $0) })
    let cluster = try #require(position["cluster.127d"])
    let template = try #require(position["cluster_template.127d"])
    for domain in ["hub-paws.wmcloud.org", "public-paws.wmcloud.org"] {
      #expect(try #require(position["web_proxy.\(domain)"]) < cluster)
    }
    #expect(cluster < template)
    #expect(try #require(position["cluster.128a"]) < #require(position["cluster_template.128a"]))
  }

  @Test("a proxy moving away from a cluster is updated before that cluster is deleted")
  func updateMovesAwayBeforeDelete() throws {
    let proxy = PlannedChange(
      address: ResourceAddress("web_proxy.hub-paws.wmcloud.org"), action: .update,
      before: ["backends": ["http://127.0.1.2:30001"]], after: ["backends": ["http://127.0.2.2:30001"]],
      dependencies: [ResourceAddress("cluster.128a")], priorDependencies: [ResourceAddress("cluster.127d")])
    let retired = PlannedChange(
      address: ResourceAddress("cluster.127d"), action: .delete, reason: .deleteBecauseNoResourceConfig,
      before: ["node_count": 1], after: nil, priorDependencies: [ResourceAddress("cluster_template.127d")],
      remoteID: "cluster-127d")
    let plan = Plan(
      environment: "eqiad1", mode: .apply, stateVersion: .fixed, desiredDigest: "", changes: [retired, proxy],
      desired: [])

    let graph = ExecutionGraph(plan: plan)
    let update = try step(.update, "web_proxy.hub-paws.wmcloud.org", in: graph)
    let delete = try step(.delete, "cluster.127d", in: graph)
    #expect(graph.dependencies[delete] == [update])
    #expect(graph.dependencies[update] == [])
  }
}
