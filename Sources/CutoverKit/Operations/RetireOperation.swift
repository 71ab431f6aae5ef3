import Foundation

/// `cutover generation retire ENV GEN`: remove a standby generation from the file and destroy what it had, releases
/// first and the cluster template last.
///
/// Refused while GEN is live or while a web proxy or haproxy backend still points at one of its nodes (neither can be
/// forced: deleting a cluster a proxy still sends traffic to makes the proxy service delete the route and its DNS
/// record), and within the grace period after GEN stopped being live, kept for rollback (`force` retires it sooner).
public struct RetireOperation: Sendable {
  public var session: OperationSession
  public var generation: String
  /// How long after a switch away a generation is kept for rollback, in seconds.
  public var grace: Int
  /// As the operator wrote it (`24h`), for messages.
  public var graceText: String
  /// Retire within the grace period.
  public var force: Bool
  public var autoApprove: Bool
  public var parallelism: Int
  /// The time the grace period is measured to.
  public var now: @Sendable () -> Date

  public init(
    session: OperationSession, generation: String, grace: Int = 86_400, graceText: String = "24h",
    force: Bool = false, autoApprove: Bool = false, parallelism: Int = 10,
    now: @escaping @Sendable () -> Date = Date.init
  ) {
    self.session = session
    self.generation = generation
    self.grace = grace
    self.graceText = graceText
    self.force = force
    self.autoApprove = autoApprove
    self.parallelism = parallelism
    self.now = now
  }

  public func run() async throws {
    let environment = session.environment
    let command = "generation retire \(environment) \(generation)"
    let desired = try session.desired()
    if desired.live == generation {
      throw CutoverError.refused(
        "refusing to retire \(generation): it is the live generation of \(environment); switch to another first"
          + " (cutover generation switch \(environment) GEN)")
    }
    let cloud = try session.cloud()
    try await session.run(command: command) { try await retire(desired: desired, cloud: cloud, command: command) }
  }

  private func retire(desired: DesiredState, cloud: CloudAccess, command: String) async throws {
    let output = session.output
    let environment = session.environment
    let catalog = ResourceCatalog.standard
    let store = try session.store()
    let recorded = try store.resources()
    let owned = recorded.filter { catalog.generation(of: $0.address) == generation }
    guard desired.generation(generation) != nil || !owned.isEmpty else {
      let known = desired.generations.map(\.id).joined(separator: ", ")
      throw CutoverError.usage(
        "no generation \(generation) in \(session.desiredStateFile) or in the state (generations: \(known))")
    }
    try refuseWhileRouted(owned: owned, recorded: recorded, catalog: catalog)
    try await refuseWhileRoutedInCloud(owned: owned, catalog: catalog, cloud: try await cloud.clients())
    try refuseWithinGrace(store: store)

    let edit =
      desired.generation(generation) == nil
      ? nil
      : try DesiredStateEdit(session: session) { text, file in
        try GenerationEditor.removeGeneration(from: text, environment: environment, file: file, id: generation)
      }
    let plan = try await session.planTargeted(
      edit?.desired ?? desired, targets: owned.map(\.address), cloud: cloud
    ).plan
    session.show(plan)
    if plan.hasChanges || edit != nil, !autoApprove {
      try output.confirm("Retire \(generation) of \(environment)? Its objects are destroyed.", action: "retire")
    }
    if let edit {
      try edit.write()
      output.line("\(edit.path): removed generation \(generation)")
    }
    if plan.hasChanges {
      try await session.execute(plan, parallelism: parallelism, command: command)
    }
    output.line("Retired generation \(generation) of \(environment).")
  }

  /// Never forced: deleting a cluster a proxy still sends traffic to makes the proxy service delete the route and
  /// its DNS record.
  private func refuseWhileRouted(owned: [RecordedResource], recorded: [RecordedResource], catalog: ResourceCatalog)
    throws
  {
    let routing = catalog.routers(to: catalog.servingHosts(owned), in: recorded)
    guard routing.isEmpty else {
      throw CutoverError.refused(
        "refusing to retire \(generation): \(routing.map(\.address.description).joined(separator: ", ")) still "
          + "send traffic to its nodes; switch them away first (cutover apply \(session.environment) converges them "
          + "on the live generation)")
    }
  }

  /// The routes as the proxy service has them now, those Cutover does not manage included (a domain set up by hand
  /// in Horizon): checked before anything is touched, not only by the cluster's own delete at the end.
  private func refuseWhileRoutedInCloud(owned: [RecordedResource], catalog: ResourceCatalog, cloud: CloudClients)
    async throws
  {
    let routed = try await ClusterResource.routes(sendingTo: catalog.servingHosts(owned), webProxy: cloud.webProxy)
    guard routed.isEmpty else {
      throw CutoverError.refused(
        "refusing to retire \(generation): web proxy \(routed.map(\.domain).joined(separator: ", ")) still sends "
          + "traffic to its nodes (the proxy service would delete the route and its DNS record with them); point it "
          + "elsewhere first; nothing was changed")
    }
  }

  private func refuseWithinGrace(store: some StateHistory) throws {
    guard let away = try store.switchedAway(from: generation) else { return }
    let until = away.addingTimeInterval(TimeInterval(grace))
    guard now() < until else { return }
    let message =
      "\(generation) stopped being live at \(Timestamps.format(away)); it is kept for rollback for \(graceText), "
      + "until \(Timestamps.format(until))"
    guard force else {
      throw CutoverError.refused(
        "refusing to retire \(generation): \(message). Pass --force to retire it now, or --grace to shorten the wait")
    }
    session.output.warning("retiring \(generation) within its grace period, as --force asks: \(message)")
  }
}
