import Testing

@testable import CutoverKit

/// Plans of `environments/eqiad1-two-generations.yaml` (127d live, 128a beside it) against hand-built state.
@Suite("Planner")
struct PlannerTests {
  private let desired: DesiredState
  /// The state an apply of `desired` leaves.
  private let applied: [RecordedResource]

  init() throws {
    desired = try Fixture.desiredState("eqiad1-two-generations.yaml")
    applied = try AppliedState.recording(desired)
  }

  private func plan(
    _ desired: DesiredState?, recorded: [RecordedResource], mode: Plan.Mode = .apply, targets: [String] = [],
    replace: [String] = [], catalog: ResourceCatalog = .standard
  ) throws -> Plan {
    try Planner(catalog: catalog).plan(
      Planner.Request(
        environment: "eqiad1", desired: desired, recorded: recorded, stateVersion: .fixed, mode: mode,
        targets: targets.map(ResourceAddress.init), replace: replace.map(ResourceAddress.init), digester: .test))
  }

  /// The reasons of the guard violation a plan throws; records an issue for any other outcome.
  private func guardViolations(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Plan
  ) -> [String] {
    do {
      _ = try body()
      Issue.record("the plan was allowed", sourceLocation: sourceLocation)
    } catch CutoverError.guardViolation(let reasons) {
      return reasons
    } catch {
      Issue.record("expected a guard violation, got \(error)", sourceLocation: sourceLocation)
    }
    return []
  }

  // MARK: - Creating

  @Test("an empty state creates every resource, each after what it depends on, in a stable order")
  func emptyStateCreatesInDependencyOrder() throws {
    let plan = try plan(desired, recorded: [])
    #expect(plan.changes.allSatisfy { $0.action == .create })
    #expect(
      plan.changes.map(\.address.description) == [
        "cluster_template.127d", "cluster.127d", "cluster_template.128a", "cluster.128a", "kubeconfig.127d",
        "helm_release.127d.ingress-nginx", "helm_release.127d.paws", "helm_release.127d.prometheus",
        "kubeconfig.128a", "helm_release.128a.ingress-nginx", "helm_release.128a.paws",
        "helm_release.128a.prometheus", "web_proxy.hub-paws.wmcloud.org", "web_proxy.public-paws.wmcloud.org",
      ])
  }

  @Test("a create leaves what the cloud computes, and references to it, known only after apply")
  func createLeavesComputedValuesUnknown() throws {
    let plan = try plan(desired, recorded: [])
    let template = try #require(plan.change("cluster_template.127d"))
    #expect(template.unknownAfter == ["id"])
    #expect(template.after?["image"] == "Fedora-CoreOS-38")

    let cluster = try #require(plan.change("cluster.127d"))
    #expect(
      cluster.unknownAfter == [
        "api_address", "coe_version", "id", "master_addresses", "node_addresses", "status", "status_reason",
        "template_id",
      ])
    #expect(cluster.after?["template_id"] == nil)
    #expect(cluster.after?["node_count"] == 5)
    #expect(cluster.dependencies == [ResourceAddress("cluster_template.127d")])

    let proxy = try #require(plan.change("web_proxy.hub-paws.wmcloud.org"))
    #expect(proxy.unknownAfter == ["backends"])
    #expect(proxy.after == ["domain": "hub-paws.wmcloud.org"])
    // The route moves only once what serves it is deployed: the live cluster and its releases.
    #expect(
      proxy.dependencies == [
        ResourceAddress("cluster.127d"), ResourceAddress("helm_release.127d.ingress-nginx"),
        ResourceAddress("helm_release.127d.paws"), ResourceAddress("helm_release.127d.prometheus"),
      ])
  }

  @Test("a state that matches the desired state plans no-ops only")
  func matchingStateIsAllNoop() throws {
    let plan = try plan(desired, recorded: applied)
    #expect(plan.changes.count == applied.count)
    #expect(plan.changes.allSatisfy { $0.action == .noop })
    #expect(plan.summary == PlanSummary(add: 0, change: 0, destroy: 0))
    #expect(!plan.hasChanges)
  }

  // MARK: - Updating and replacing

  @Test("more workers on the live generation resizes its cluster, and the proxies' backends become unknown")
  func liveResizeUpdatesClusterAndProxies() throws {
    let resized = desired.editing(generation: "127d") { $0.cluster.workers = 6 }
    let plan = try plan(resized, recorded: applied)

    let cluster = try #require(plan.change("cluster.127d"))
    #expect(cluster.action == .update)
    #expect(cluster.before?["node_count"] == 5)
    #expect(cluster.after?["node_count"] == 6)
    #expect(cluster.unknownAfter == ["node_addresses", "status", "status_reason"])
    #expect(cluster.after?["id"] == "cluster-127d")

    for domain in ["hub-paws.wmcloud.org", "public-paws.wmcloud.org"] {
      let proxy = try #require(plan.change("web_proxy.\(domain)"))
      #expect(proxy.action == .update)
      #expect(proxy.unknownAfter == ["backends"])
    }
    #expect(plan.summary == PlanSummary(add: 0, change: 3, destroy: 0))
  }

  @Test("more workers on a generation that is not live leaves the proxies alone")
  func nonLiveResizeLeavesProxies() throws {
    let resized = desired.editing(generation: "128a") { $0.cluster.workers = 6 }
    let plan = try plan(resized, recorded: applied)
    #expect(plan.change("cluster.128a")?.action == .update)
    #expect(plan.change("web_proxy.hub-paws.wmcloud.org")?.action == .noop)
    #expect(plan.change("web_proxy.public-paws.wmcloud.org")?.action == .noop)
  }

  @Test("a label change on a generation that is not live replaces its template, then its cluster")
  func nonLiveLabelChangeReplacesTemplateAndCluster() throws {
    let relabelled = desired.editing(generation: "128a") { $0.template.labels["kube_tag"] = "v1.28.16" }
    let plan = try plan(relabelled, recorded: applied)

    let template = try #require(plan.change("cluster_template.128a"))
    #expect(template.action == .replace)
    #expect(template.reason == .replaceBecauseCannotUpdate)
    #expect(template.replacePaths == ["labels"])
    #expect(template.remoteID == "template-128a")

    let cluster = try #require(plan.change("cluster.128a"))
    #expect(cluster.action == .replace)
    #expect(cluster.reason == .replaceBecauseCannotUpdate)
    #expect(cluster.replacePaths == ["labels", "template_id"])
    #expect(cluster.unknownAfter.contains("template_id"))
    #expect(cluster.unknownAfter.contains("id"))

    // A new cluster needs a new kubeconfig (its CA and API address are new), written over the same file.
    #expect(plan.change("kubeconfig.128a")?.action == .update)
    #expect(plan.change("cluster.127d")?.action == .noop)
    // Its releases are deployed again, onto the new cluster.
    #expect(plan.change("helm_release.128a.paws")?.action == .update)
    #expect(plan.change("helm_release.128a.paws")?.unknownAfter.contains("cluster_id") == true)
    #expect(plan.summary == PlanSummary(add: 2, change: 4, destroy: 2))
  }

  @Test("a label change on the live generation is refused, naming the generation")
  func liveLabelChangeIsRefused() {
    let relabelled = desired.editing(generation: "127d") { $0.template.labels["kube_tag"] = "v1.28.16" }
    let reasons = guardViolations { try plan(relabelled, recorded: applied) }
    #expect(reasons.contains { $0.contains("generation 127d is live") })
  }

  // MARK: - Removing generations and switching live

  @Test("a generation that is not live, removed from the file, has its cluster and template deleted")
  func removedGenerationIsDeleted() throws {
    let plan = try plan(desired.removing(generation: "128a"), recorded: applied)
    let deletes = plan.changes.filter { $0.action == .delete }
    #expect(
      Set(deletes.map(\.address)) == [
        ResourceAddress("kubeconfig.128a"), ResourceAddress("cluster.128a"), ResourceAddress("cluster_template.128a"),
        ResourceAddress("helm_release.128a.ingress-nginx"), ResourceAddress("helm_release.128a.paws"),
        ResourceAddress("helm_release.128a.prometheus"),
      ])
    #expect(deletes.allSatisfy { $0.reason == .deleteBecauseNoResourceConfig })
    #expect(plan.change("cluster.128a")?.remoteID == "cluster-128a")
    #expect(plan.summary == PlanSummary(add: 0, change: 0, destroy: 6))
  }

  @Test("removing a generation the recorded proxies still point at is refused, naming it and the proxies")
  func removingProxiedGenerationIsRefused() {
    let retired = desired.removing(generation: "127d").switchingLive(to: "128a")
    let reasons = guardViolations { try plan(retired, recorded: applied) }
    #expect(reasons.count == 1)
    let reason = reasons.first ?? ""
    #expect(reason.contains("generation 127d"))
    #expect(reason.contains("web_proxy.hub-paws.wmcloud.org"))
    #expect(reason.contains("web_proxy.public-paws.wmcloud.org"))
  }

  @Test("switching live updates the proxies in place to the new generation's nodes and deletes nothing")
  func switchingLiveUpdatesProxiesOnly() throws {
    let plan = try plan(desired.switchingLive(to: "128a"), recorded: applied)
    let backends = Value.list(
      AppliedState.nodeAddresses(of: "128a", in: desired).map { .string("http://\($0):30001") })
    for domain in ["hub-paws.wmcloud.org", "public-paws.wmcloud.org"] {
      let proxy = try #require(plan.change("web_proxy.\(domain)"))
      #expect(proxy.action == .update)
      #expect(proxy.after?["backends"] == backends)
      #expect(proxy.unknownAfter.isEmpty)
    }
    // The kube.config link moves with live: both kubeconfigs change their `live` flag in place.
    #expect(plan.change("kubeconfig.128a")?.action == .update)
    #expect(plan.change("kubeconfig.128a")?.after?["live"] == .bool(true))
    #expect(plan.change("kubeconfig.127d")?.after?["live"] == .bool(false))
    #expect(plan.summary == PlanSummary(add: 0, change: 4, destroy: 0))
  }

  // MARK: - Targets and forced replacement

  @Test("--target keeps the target and what it depends on, nothing else")
  func targetKeepsItsDependenciesOnly() throws {
    let plan = try plan(desired, recorded: [], targets: ["cluster.128a"])
    #expect(plan.changes.map(\.address.description) == ["cluster_template.128a", "cluster.128a"])
  }

  @Test("--target naming no resource is a usage error naming it")
  func unknownTargetIsUsageError() throws {
    let error = try #require(throws: CutoverError.self) {
      try plan(desired, recorded: applied, targets: ["cluster.999z"])
    }
    guard case .usage(let message) = error else {
      Issue.record("expected a usage error, got \(error)")
      return
    }
    #expect(message.contains("cluster.999z"))
    #expect(error.exitCode == 64)
  }

  @Test("--replace of a cluster that is not live replaces it, as requested")
  func replaceByRequest() throws {
    let plan = try plan(desired, recorded: applied, replace: ["cluster.128a"])
    let cluster = try #require(plan.change("cluster.128a"))
    #expect(cluster.action == .replace)
    #expect(cluster.reason == .replaceByRequest)
    #expect(cluster.replacePaths.isEmpty)
    #expect(plan.change("kubeconfig.128a")?.action == .update)
    #expect(plan.summary == PlanSummary(add: 1, change: 4, destroy: 1))
  }

  // MARK: - What interrupted applies left

  @Test("a deposed object is deleted, even one of the live generation")
  func deposedObjectIsDeleted() throws {
    var recorded = applied
    var leftover = try #require(recorded["cluster_template.127d"])
    leftover.deposedKey = "0a1b2c3d"
    leftover.remoteID = "template-127d-old"
    recorded.append(leftover)

    let plan = try plan(desired, recorded: recorded)
    let deletion = try #require(plan.changes.first { $0.deposedKey == "0a1b2c3d" })
    #expect(deletion.action == .delete)
    #expect(deletion.reason == .deleteDeposed)
    #expect(deletion.remoteID == "template-127d-old")
    #expect(plan.change("cluster_template.127d")?.action == .noop)
    #expect(plan.warnings.count == 1)
  }

  @Test("an object left creating resumes its create, keeping the remote id")
  func creatingRecordResumes() throws {
    var recorded = applied
    recorded.update("cluster.128a") { $0.status = .creating }
    let plan = try plan(desired, recorded: recorded)
    let cluster = try #require(plan.change("cluster.128a"))
    #expect(cluster.action == .create)
    #expect(cluster.reason == .resumeInterruptedCreate)
    #expect(cluster.remoteID == "cluster-128a")
    #expect(plan.warnings.count == 1)
  }

  @Test("a tainted object is replaced")
  func taintedRecordIsReplaced() throws {
    var recorded = applied
    recorded.update("cluster.128a") { $0.status = .tainted }
    let plan = try plan(desired, recorded: recorded)
    let cluster = try #require(plan.change("cluster.128a"))
    #expect(cluster.action == .replace)
    #expect(cluster.reason == .replaceBecauseTainted)
    #expect(cluster.remoteID == "cluster-128a")
  }

  // MARK: - Destroy

  @Test("destroy deletes everything, the live generation included, since its proxies go too")
  func destroyDeletesEverything() throws {
    let plan = try plan(desired, recorded: applied, mode: .destroy)
    #expect(plan.changes.count == applied.count)
    #expect(plan.changes.allSatisfy { $0.action == .delete && $0.reason == .deleteBecauseDestroy })
    #expect(plan.summary == PlanSummary(add: 0, change: 0, destroy: applied.count))
  }

  // MARK: - Graph and digest

  @Test("a catalog whose resources depend on each other in a loop is a dependency cycle")
  func dependencyCycle() throws {
    let catalog = ResourceCatalog(types: [LoopTestResource()])
    let error = try #require(throws: CutoverError.self) { try plan(desired, recorded: [], catalog: catalog) }
    guard case .dependencyCycle(let cycle) = error else {
      Issue.record("expected a dependency cycle, got \(error)")
      return
    }
    #expect(Set(cycle) == [ResourceAddress("loop.a"), ResourceAddress("loop.b")])
  }

  @Test("the desired digest changes when the desired state changes")
  func digestFollowsDesiredState() {
    let catalog = ResourceCatalog.standard
    let resized = desired.editing(generation: "128a") { $0.cluster.workers = 6 }
    #expect(
      Planner.digest(of: catalog.expand(desired), digester: .test)
        != Planner.digest(of: catalog.expand(resized), digester: .test))
  }

  @Test("the desired digest stays the same for the same desired state, whatever the state records")
  func digestIgnoresRecordedState() throws {
    let reparsed = try Fixture.desiredState("eqiad1-two-generations.yaml")
    let fresh = try plan(desired, recorded: [])
    let converged = try plan(reparsed, recorded: applied)
    #expect(fresh.desiredDigest == converged.desiredDigest)
    #expect(fresh.desiredDigest == Planner.digest(of: ResourceCatalog.standard.expand(desired), digester: .test))
  }

  // MARK: - Guards added after review

  @Test("emptying generations is refused: the proxies may not be deleted, nor the cluster they point at")
  func emptyGenerationsRefused() throws {
    var empty = desired
    empty.generations = []
    empty.live = nil
    let reasons = guardViolations { try plan(empty, recorded: applied) }
    #expect(reasons.contains { $0.hasPrefix("web_proxy.hub-paws.wmcloud.org: deleting it deletes the route") })
    #expect(reasons.contains { $0.contains("generation 127d") && $0.contains("still point") })
  }

  @Test("destroy --target of a web proxy is allowed: only destroy deletes routes")
  func destroyMayDeleteRoute() throws {
    let plan = try plan(desired, recorded: applied, mode: .destroy, targets: ["web_proxy.hub-paws.wmcloud.org"])
    #expect(plan.change("web_proxy.hub-paws.wmcloud.org")?.action == .delete)
  }

  @Test("--replace of a web proxy is a usage error: its identity is its domain")
  func routeCannotBeReplaced() throws {
    #expect {
      try plan(desired, recorded: applied, replace: ["web_proxy.hub-paws.wmcloud.org"])
    } throws: { error in
      guard case CutoverError.usage(let message) = error else { return false }
      return message.contains("cannot be replaced")
    }
  }

  @Test("an interrupted create whose object no longer matches what is desired is replaced, not resumed")
  func creatingWithChangedInputsIsReplaced() throws {
    var recorded = applied
    let index = try #require(recorded.firstIndex { $0.address.description == "cluster.128a" })
    recorded[index].status = .creating
    recorded[index].attributes["master_count"] = 3
    let change = try #require(try plan(desired, recorded: recorded).change("cluster.128a"))
    #expect(change.action == .replace)
    #expect(change.replacePaths == ["master_count"])
  }

  @Test("creating what the cloud already holds under the same name, unrecorded, is refused")
  func unrecordedNameRefused() throws {
    #expect {
      try Planner().plan(
        Planner.Request(
          environment: "eqiad1", desired: desired, recorded: [], stateVersion: .fixed,
          inventory: ["cluster": ["paws-127d": "c0ffee"]], digester: .test))
    } throws: { error in
      guard case CutoverError.guardViolation(let reasons) = error else { return false }
      return reasons.count == 1
        && reasons[0].hasPrefix("cluster.127d: the cloud already has cluster paws-127d (c0ffee)")
    }
  }

  @Test("an object a refresh found gone from the cloud is created again, saying why")
  func goneObjectIsRecreated() throws {
    let address = ResourceAddress(type: "cluster", name: "128a")
    let recorded = applied.filter { $0.address != address }
    let before = try #require(applied.first { $0.address == address }).attributes
    let plan = try Planner().plan(
      Planner.Request(
        environment: "eqiad1", desired: desired, recorded: recorded, stateVersion: .fixed,
        drift: [Drift(address: address, kind: .gone, before: before, after: nil)], digester: .test))
    let change = try #require(plan.change("cluster.128a"))
    #expect(change.action == .create)
    #expect(change.reason == .recreateBecauseGone)
  }
}
