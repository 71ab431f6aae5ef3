import ArgumentParser
import CutoverKit
import Foundation

/// `cutover apply ENV` or `cutover apply FILE.plan`: make the cloud match the desired state.
struct ApplyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "apply",
    abstract: "Plan, confirm and apply; or apply a saved plan exactly, refusing it if the state or desired state moved."
  )

  @Argument(help: "An environment (such as eqiad1) or a plan file saved by `cutover plan --out`.")
  var environmentOrPlan: String
  @Flag(help: "Apply without asking for confirmation.") var autoApprove = false
  @Option(help: "How many actions may run at once.") var parallelism = 10
  @Option(name: .customLong("replace"), help: "Replace this resource even if nothing changed (repeatable).")
  var replace: [String] = []
  @OptionGroup var planning: PlanningOptions
  @OptionGroup var global: GlobalOptions

  func validate() throws {
    guard parallelism >= 1 else { throw ValidationError("--parallelism must be at least 1") }
  }

  func run() async throws {
    try await reportingErrors {
      if environmentOrPlan.hasSuffix(".plan") || environmentOrPlan.contains("/") {
        try await applySaved(path: environmentOrPlan)
      } else {
        try await ApplyRun(
          environment: environmentOrPlan, mode: .apply, autoApprove: autoApprove, parallelism: parallelism,
          planning: planning, replace: replace, global: global
        ).run()
      }
    }
  }

  private func applySaved(path: String) async throws {
    guard planning.targets.isEmpty, replace.isEmpty, planning.refresh else {
      throw CutoverError.usage(
        "a saved plan is applied exactly as saved: --target, --replace and --no-refresh belong to `cutover plan`")
    }
    let saved = try SavedPlan.read(from: path)
    let desired = try global.loadDesired(saved.environment)
    let cloud = try global.cloudAccess(for: desired)
    let store = try global.openStore(saved.environment)
    try await withEnvironment(store: store, cloud: cloud, command: "apply \(path)") {
      let plan = try global.preparation(store: store, cloud: cloud).restoreSaved(
        saved, desired: desired)
      Terminal.out(
        TextPlanRenderer(color: global.color).render(plan, source: global.paths.desiredStateFile(plan.environment)))
      if plan.hasChanges {
        try await ApplyRun.execute(
          plan, store: store, cloud: cloud, digester: try global.digester(store.environment), parallelism: parallelism,
          command: "apply \(path)", color: global.color)
      }
    }
  }
}

/// `cutover destroy ENV`: delete everything Cutover recorded, in reverse dependency order.
struct DestroyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "destroy", abstract: "Destroy every object Cutover recorded for ENV (or only --target ones).")

  @Argument(help: "The environment, such as eqiad1.") var environment: String
  @Flag(help: "Destroy without asking for confirmation.") var autoApprove = false
  @Option(help: "How many actions may run at once.") var parallelism = 10
  @OptionGroup var planning: PlanningOptions
  @OptionGroup var global: GlobalOptions

  func run() async throws {
    try await reportingErrors {
      try await ApplyRun(
        environment: environment, mode: .destroy, autoApprove: autoApprove, parallelism: parallelism,
        planning: planning, replace: [], global: global
      ).run()
    }
  }
}

/// The plan → confirm → execute flow shared by apply and destroy.
struct ApplyRun {
  var environment: String
  var mode: Plan.Mode
  var autoApprove: Bool
  var parallelism: Int
  var planning: PlanningOptions
  var replace: [String]
  var global: GlobalOptions

  func run() async throws {
    let desired = try global.loadDesired(environment)
    let cloud = try global.cloudAccess(for: desired)
    let store = try global.openStore(environment)
    let command = mode == .destroy ? "destroy \(environment)" : "apply \(environment)"
    try await withEnvironment(store: store, cloud: cloud, command: command) {
      let outcome = try await global.preparation(store: store, cloud: cloud).plan(
        environment: environment, desired: desired, mode: mode, refresh: planning.refresh,
        targets: try planning.targetAddresses(), replace: try replace.map(parseAddress(option: "--replace")))
      for note in outcome.notes { Terminal.warning(note) }
      let plan = outcome.plan
      Terminal.out(
        TextPlanRenderer(color: global.color).render(plan, source: global.paths.desiredStateFile(environment)))
      if plan.hasChanges {
        try confirm(plan)
        try await Self.execute(
          plan, store: store, cloud: cloud, digester: try global.digester(store.environment), parallelism: parallelism,
          command: command, color: global.color)
      }
    }
  }

  private func confirm(_ plan: Plan) throws {
    if autoApprove { return }
    let question =
      mode == .destroy
      ? "Do you really want to destroy these objects in \(environment)?" : "Apply these changes to \(environment)?"
    try Terminal.confirm(question, action: mode == .destroy ? "destroy" : "apply")
  }

  /// Executes a plan with progress output. A signal or a lost lock (see ``RunStop``) cancels the run's task: the
  /// executor launches nothing more and running actions stop and record their state.
  /// - Parameter printsSummary: false for one step of a command that prints one summary of all its steps.
  @discardableResult
  static func execute(
    _ plan: Plan, store: SQLiteStateStore, cloud: CloudAccess, digester: SensitiveDigester, parallelism: Int,
    command: String, color: Bool, printsSummary: Bool = true
  ) async throws -> ApplyResult {
    let clients = try await cloud.clients()
    let problems = await KubernetesWork.problems(for: plan, driver: clients.kubernetes)
    if !problems.isEmpty {
      throw CutoverError.refused(
        "cannot apply: " + problems.joined(separator: "; ") + "; nothing was changed (the plan deploys releases or "
          + "manifests)")
    }
    let executor = Executor(
      store: store, cloud: clients, digester: digester, parallelism: parallelism, polling: await cloud.polling,
      progressInterval: .seconds(10))
    let observer = ProgressPrinter(color: color)
    let result = try await executor.execute(plan, command: command, identity: .current, observer: observer)
    let stopped = Task.isCancelled
    Terminal.line()
    if result.failed.isEmpty && !stopped {
      if printsSummary { Terminal.line(Format.completion(result, mode: plan.mode)) }
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
