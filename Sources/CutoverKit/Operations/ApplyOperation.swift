/// `cutover apply ENV` and `cutover destroy ENV`: plan, show, confirm, execute.
public struct ApplyOperation: Sendable {
  public var session: OperationSession
  public var mode: Plan.Mode
  public var autoApprove: Bool
  public var parallelism: Int
  public var refresh: Bool
  public var targets: [ResourceAddress]
  public var replace: [ResourceAddress]

  public init(
    session: OperationSession, mode: Plan.Mode = .apply, autoApprove: Bool = false, parallelism: Int = 10,
    refresh: Bool = true, targets: [ResourceAddress] = [], replace: [ResourceAddress] = []
  ) {
    self.session = session
    self.mode = mode
    self.autoApprove = autoApprove
    self.parallelism = parallelism
    self.refresh = refresh
    self.targets = targets
    self.replace = replace
  }

  public func run() async throws {
    let desired = try session.desired()
    let cloud = try session.cloud()
    let environment = session.environment
    let command = mode == .destroy ? "destroy \(environment)" : "apply \(environment)"
    try await session.run(command: command) {
      let outcome = try await session.preparation(cloud: cloud).plan(
        environment: environment, desired: desired, mode: mode, refresh: refresh, targets: targets,
        replace: replace)
      for note in outcome.notes { session.output.warning(note) }
      let plan = outcome.plan
      session.output.write(
        TextPlanRenderer(color: session.output.color).render(plan, source: session.desiredStateFile))
      guard plan.hasChanges else {
        // Nothing to do: every generation the plan compared is as its fingerprint says, so later plans leave it out
        // (not from a preview, made where files are ciphertext). Only an optimisation: a failure changes nothing.
        if plan.previewOnly?.isEmpty ?? true {
          try? ConvergedGenerations(catalog: .standard, store: try session.store()).record(plan)
        }
        return
      }
      if !autoApprove {
        try session.output.confirm(
          mode == .destroy
            ? "Do you really want to destroy these objects in \(environment)?"
            : "Apply these changes to \(environment)?",
          action: mode == .destroy ? "destroy" : "apply")
      }
      try await session.execute(plan, parallelism: parallelism, command: command)
    }
  }
}

/// `cutover apply FILE.plan`: apply a saved plan exactly, refusing it when the state or desired state moved.
public struct ApplySavedPlanOperation: Sendable {
  public var session: OperationSession
  public var plan: Plan
  /// The file the plan was read from, as the journal names the command.
  public var path: String
  public var parallelism: Int

  /// - Parameter session: a session of the plan's environment.
  public init(session: OperationSession, plan: Plan, path: String, parallelism: Int = 10) {
    self.session = session
    self.plan = plan
    self.path = path
    self.parallelism = parallelism
  }

  public func run() async throws {
    // Said first: whatever else is wrong with it, such a plan can never be applied.
    if let reasons = plan.previewOnly, !reasons.isEmpty {
      throw CutoverError.refused(
        "cannot apply \(path): this plan is a preview only: " + reasons.joined(separator: "; ")
          + "; nothing was changed")
    }
    let desired = try session.desired()
    let cloud = try session.cloud()
    let saved = plan
    try await session.run(command: "apply \(path)") {
      let plan = try session.preparation(cloud: cloud).restoreSaved(saved, desired: desired)
      session.output.write(
        TextPlanRenderer(color: session.output.color).render(plan, source: session.desiredStateFile))
      if plan.hasChanges {
        try await session.execute(plan, parallelism: parallelism, command: "apply \(path)")
      }
    }
  }
}

extension OperationSession {
  /// Executes a plan with progress output, after checking this machine can run what it deploys. A signal or a lost
  /// lock (see ``RunStopping``) cancels the run's task: the executor launches nothing more, and running actions stop
  /// and record their state.
  /// - Parameter printsSummary: false for one step of a command that prints one summary of all its steps.
  /// - Throws: `CutoverError.applyFailed` when an action failed or the run was stopped.
  @discardableResult
  public func execute(_ plan: Plan, parallelism: Int, command: String, printsSummary: Bool = true) async throws
    -> ApplyResult
  {
    if let reasons = plan.previewOnly, !reasons.isEmpty {
      throw CutoverError.refused(
        "cannot apply: this plan is a preview only: " + reasons.joined(separator: "; ") + "; nothing was changed")
    }
    let cloud = try cloud()
    let clients = try await cloud.clients()
    let problems = await KubernetesWork.problems(for: plan, driver: clients.kubernetes)
    if !problems.isEmpty {
      throw CutoverError.refused(
        "cannot apply: " + problems.joined(separator: "; ") + "; nothing was changed (the plan deploys releases or "
          + "manifests)")
    }
    let executor = Executor(
      store: try store(), cloud: clients, digester: try digester(), parallelism: parallelism,
      polling: await cloud.polling, progressInterval: .seconds(10))
    let result = try await executor.execute(plan, command: command, identity: .current, observer: output.progress)
    let stopped = Task.isCancelled
    output.line()
    if result.failed.isEmpty && !stopped {
      if printsSummary { output.line(Format.completion(result, mode: plan.mode)) }
      return result
    }
    if stopped {
      throw CutoverError.applyFailed(
        failed: result.failed.count, succeeded: result.succeeded.count,
        firstError: "interrupted; the state records what was done, and the next apply picks up from there")
    }
    let first = result.failed.sorted { $0.key < $1.key }.first!
    throw CutoverError.applyFailed(
      failed: result.failed.count, succeeded: result.succeeded.count, firstError: "\(first.key): \(first.value)")
  }
}
