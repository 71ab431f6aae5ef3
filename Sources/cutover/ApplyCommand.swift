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
        guard planning.targets.isEmpty, replace.isEmpty, planning.refresh else {
          throw CutoverError.usage(
            "a saved plan is applied exactly as saved: --target, --replace and --no-refresh belong to `cutover plan`")
        }
        let saved = try SavedPlan.read(from: environmentOrPlan)
        try await ApplySavedPlanOperation(
          session: global.session(saved.environment), plan: saved, path: environmentOrPlan, parallelism: parallelism
        ).run()
      } else {
        try await ApplyOperation(
          session: global.session(environmentOrPlan), autoApprove: autoApprove, parallelism: parallelism,
          refresh: planning.refresh, targets: try planning.targetAddresses(),
          replace: try replace.map(parseAddress(option: "--replace"))
        ).run()
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
      try await ApplyOperation(
        session: global.session(environment), mode: .destroy, autoApprove: autoApprove, parallelism: parallelism,
        refresh: planning.refresh, targets: try planning.targetAddresses()
      ).run()
    }
  }
}
