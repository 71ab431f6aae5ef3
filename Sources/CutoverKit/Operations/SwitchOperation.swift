/// `cutover generation switch ENV GEN`: verify GEN, set `live:` to it, and move only what routes traffic (the web
/// proxies and haproxy backends, then the operators' `kube.config`), recording the switch so a rollback knows where
/// to go back. Run again, a switch whose apply failed is finished.
public struct SwitchOperation: Sendable {
  public var session: OperationSession
  public var generation: String
  /// Switch even if the generation does not verify.
  public var force: Bool
  public var autoApprove: Bool
  public var parallelism: Int
  /// The command as the journal and the switch record name it.
  public var command: String

  public init(
    session: OperationSession, generation: String, force: Bool = false, autoApprove: Bool = false,
    parallelism: Int = 10, command: String? = nil
  ) {
    self.session = session
    self.generation = generation
    self.force = force
    self.autoApprove = autoApprove
    self.parallelism = parallelism
    self.command = command ?? "generation switch \(session.environment) \(generation)"
  }

  public func run() async throws {
    let desired = try session.desired()
    guard desired.generation(generation) != nil else {
      let known = desired.generations.map(\.id).joined(separator: ", ")
      throw CutoverError.usage("no generation \(generation) in \(session.desiredStateFile) (generations: \(known))")
    }
    let cloud = try session.cloud(probesIngress: true)
    try await session.run(command: command) { try await switchTraffic(desired: desired, cloud: cloud) }
  }

  private func switchTraffic(desired: DesiredState, cloud: CloudAccess) async throws {
    let output = session.output
    let environment = session.environment
    let path = session.desiredStateFile
    let store = try session.store()
    // Live in the file already: a switch that did not finish (its apply failed), or `live:` edited by hand. The
    // proxies may still point elsewhere, so what routes traffic is planned all the same.
    let finishing = desired.live == generation
    let recorded = try store.resources()
    let scope = SwitchScope()
    // Where traffic goes now, by the recorded routes: what a rollback returns to.
    let routed = scope.routedGeneration(recorded)
    let verification = try await VerifyOperation.verify(generation, session: session, cloud: cloud, command: command)
    if !verification.passed {
      let failed = "\(verification.failures.count) of \(verification.checks.count) checks failed"
      guard force else {
        let state =
          finishing
          ? "\(path) already says live: \(generation), but traffic has not all moved; nothing more was changed"
          : "nothing was changed"
        throw CutoverError.refused(
          "refusing to switch \(environment) to \(generation): it did not verify (\(failed)); \(state)."
            + " Fix what failed, or pass --force to switch anyway")
      }
      output.warning("switching to \(generation) although it did not verify (\(failed)), as --force asks")
    }

    let edit =
      finishing
      ? nil
      : try DesiredStateEdit(session: session) { text, file in
        try GenerationEditor.setLive(in: text, environment: environment, file: file, to: generation)
      }
    let next = edit?.desired ?? desired
    let outcome = try await session.planTargeted(next, targets: scope.targets(next, recorded: recorded), cloud: cloud)
    // Only what routes traffic moves: a pending change to a generation's releases (an edited values file, say)
    // would deploy, unverified, onto the generation traffic is moving to. `cutover apply` does that, then verify.
    var plan = outcome.plan
    let isSwitchChange = { (change: PlannedChange) in
      change.action == .noop || scope.isPart(change, of: generation)
    }
    let left = plan.changes.filter { !isSwitchChange($0) }
    plan.changes.removeAll { !isSwitchChange($0) }
    plan.warnings.removeAll(where: outcome.kubernetesToolWarnings.contains)
    let leftover =
      left.isEmpty
      ? nil
      : "not part of a switch, so left for `\(session.commandLine(["apply", environment]))` (then verify again): "
        + left.map { "\($0.address) (\($0.action.rawValue))" }.joined(separator: ", ")
    if finishing, !plan.hasChanges {
      output.line("\(generation) is already live in \(environment), and everything routes to it; nothing to switch.")
      if let leftover { output.warning(leftover) }
      return
    }
    if finishing {
      output.line("\(generation) is live in \(path), but not everything routes to it yet: finishing the switch.")
    }
    output.line()
    session.show(plan)
    if let leftover { output.warning(leftover) }
    if plan.hasChanges || edit != nil, !autoApprove {
      try output.confirm("Switch \(environment) to \(generation)?", action: "switch")
    }
    // The generation traffic leaves: the file's `live:`, or (finishing a switch) where the routes point now.
    let from = finishing ? routed.flatMap { $0 == generation ? nil : $0 } : desired.live
    if let edit {
      try edit.write()
      output.line("\(path): live: \(desired.live ?? "(none)") -> \(generation)")
    }
    // Recorded with the file's change, before traffic moves: if the apply fails, rollback still knows where to go
    // back to, and retire still keeps the old generation for its grace period.
    if let from, edit != nil || plan.hasChanges {
      try store.recordSwitch(
        from: from, to: generation, command: command, identity: .current, forced: !verification.passed)
    }
    let clock = ContinuousClock()
    let started = clock.now
    do {
      // Traffic first, then the operators' pointers: a switch that fails half-way never leaves operators' kubectl
      // pointed at a generation traffic has not reached. One summary for the switch, not one per phase.
      var applied: ApplyResult?
      for phase in scope.phases(of: plan) where phase.hasChanges {
        let result = try await session.execute(
          phase, parallelism: parallelism, command: command, printsSummary: false)
        applied = applied.map { $0.adding(result) } ?? result
      }
      if let applied { output.line(Format.completion(applied, mode: plan.mode)) }
    } catch {
      let again = ["generation", "switch", environment, generation] + (verification.passed ? [] : ["--force"])
      output.error(
        "the switch to \(generation) did not complete; \(path) says live: \(generation). Run "
          + "`\(session.commandLine(again))` to finish it, or "
          + "`\(session.commandLine(["generation", "rollback", environment]))` to go back")
      throw error
    }
    let took = clock.now - started
    let rollback =
      from != nil
      ? "To roll back: " + session.commandLine(["generation", "rollback", environment])
      : "No earlier generation is recorded to roll back to."
    output.line(
      "Switched \(environment) \(from.map { "from \($0) " } ?? "")to \(generation) in \(Format.precise(took)). "
        + rollback)
  }
}

/// `cutover generation rollback ENV`: switch back to the generation that was live before the last switch to the live
/// one (which must still be declared, and verify unless forced).
public struct RollbackOperation: Sendable {
  public var session: OperationSession
  public var force: Bool
  public var autoApprove: Bool
  public var parallelism: Int

  public init(session: OperationSession, force: Bool = false, autoApprove: Bool = false, parallelism: Int = 10) {
    self.session = session
    self.force = force
    self.autoApprove = autoApprove
    self.parallelism = parallelism
  }

  public func run() async throws {
    let environment = session.environment
    let desired = try session.desired()
    guard let live = desired.live,
      let last = try session.store().switches().last(where: { $0.toGeneration == live }),
      let previous = last.fromGeneration
    else {
      throw CutoverError.usage(
        "no switch to the live generation \(desired.live ?? "(none)") is recorded for \(environment), so there is "
          + "nothing to roll back to; name the generation instead: cutover generation switch \(environment) GEN")
    }
    guard desired.generation(previous) != nil else {
      throw CutoverError.refused(
        "cannot roll back to \(previous): it is no longer declared in \(session.desiredStateFile) (it was retired)")
    }
    session.output.line(
      "Rolling back \(environment) from \(live) to \(previous), live before the switch of \(Timestamps.format(last.at))."
    )
    try await SwitchOperation(
      session: session, generation: previous, force: force, autoApprove: autoApprove, parallelism: parallelism,
      command: "generation rollback \(environment)"
    ).run()
  }
}

extension ApplyResult {
  /// This result and the next step's, as one: what a command that applies in steps reports.
  func adding(_ other: ApplyResult) -> ApplyResult {
    var sum = self
    sum.succeeded += other.succeeded
    sum.failed.merge(other.failed) { first, _ in first }
    sum.skipped += other.skipped
    sum.elapsed += other.elapsed
    return sum
  }
}
