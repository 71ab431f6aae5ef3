import ArgumentParser
import CutoverKit

/// Output formats of `cutover plan`.
enum PlanFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json, markdown
}

/// Options shared by `plan`, `apply` and `destroy`.
struct PlanningOptions: ParsableArguments {
  @Option(name: .customLong("target"), help: "Plan only this resource and what it depends on (repeatable).")
  var targets: [String] = []

  @Flag(inversion: .prefixedNo, help: "Read every recorded object from the cloud before planning.")
  var refresh = true

  @Option(help: "Take the state lock (true|false). Without it a concurrent apply may change the state meanwhile.")
  var lock = true

  func targetAddresses() throws -> [ResourceAddress] {
    try targets.map(parseAddress(option: "--target"))
  }
}

func parseAddress(option: String) -> (String) throws -> ResourceAddress {
  { text in
    guard let address = ResourceAddress(parsing: text) else {
      throw CutoverError.usage("\(option) \(text): expected an address such as cluster.128a")
    }
    return address
  }
}

/// `cutover plan ENV`: show what apply would do.
struct PlanCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plan", abstract: "Show what apply would change, without changing anything.")

  @Argument(help: "The environment, such as eqiad1.") var environment: String
  @Option(help: "Save the plan to this file, for `cutover apply FILE`.") var out: String?
  @Option(help: "text, json or markdown.") var format: PlanFormat = .text
  @Flag(help: "Exit 0 for no changes, 2 for changes.") var detailedExitcode = false
  @Option(name: .customLong("replace"), help: "Replace this resource even if nothing changed (repeatable).")
  var replace: [String] = []
  @Flag(help: "Plan the destruction of everything recorded.") var destroy = false
  @Flag(
    help: ArgumentHelp(
      "Plan against the latest state snapshot published to object storage (state.publish), not the local state.",
      discussion: "Never writes, never locks; with --no-refresh it needs only read access to the container."))
  var fromSnapshot = false
  @OptionGroup var planning: PlanningOptions
  @OptionGroup var global: GlobalOptions

  func run() async throws {
    var changes = false
    try await reportingErrors {
      let session = global.session(environment)
      let operation = PlanOperation(
        session: session, mode: destroy ? .destroy : .apply, refresh: planning.refresh, lock: planning.lock,
        targets: try planning.targetAddresses(), replace: try replace.map(parseAddress(option: "--replace")),
        fromSnapshot: fromSnapshot)
      let plan: Plan
      do {
        plan = try await operation.run(saveTo: out)
      } catch CutoverError.guardViolation(let reasons) where format == .markdown {
        // A pull request's comment shows the refusal where the plan would be; the command still fails.
        Terminal.out(
          MarkdownPlanRenderer().refusal(environment: environment, reasons: reasons, commit: session.commit))
        throw CutoverError.guardViolation(reasons)
      }
      try PlanRendering.render(plan, format: format, color: global.color, source: session.desiredStateFile)
      if let out, format == .text {
        Terminal.line("\nSaved the plan to \(out); apply exactly it with `cutover apply \(out)`.")
      }
      changes = plan.hasChanges
    }
    if detailedExitcode && changes { throw ExitCode(2) }
  }
}

/// A plan on stdout in one of the formats.
enum PlanRendering {
  static func render(_ plan: Plan, format: PlanFormat, color: Bool, source: String) throws {
    switch format {
    case .text: Terminal.out(TextPlanRenderer(color: color).render(plan, source: source))
    case .json: Terminal.out(try JSONPlanRenderer().render(plan))
    case .markdown: Terminal.out(MarkdownPlanRenderer().render(plan))
    }
  }
}

/// `cutover show FILE.plan`: a saved plan rendered again, as text, JSON or markdown, without planning.
struct ShowCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show", abstract: "Render a saved plan (from `cutover plan --out`) as text, JSON or markdown.")

  @Argument(help: "The saved plan file.") var file: String
  @Option(help: "text, json or markdown.") var format: PlanFormat = .text
  @Flag(help: "Exit 0 for no changes, 2 for changes.") var detailedExitcode = false
  @OptionGroup var global: GlobalOptions

  func run() async throws {
    var changes = false
    try await reportingErrors {
      let plan = try SavedPlan.read(from: file)
      try PlanRendering.render(plan, format: format, color: global.color, source: file)
      changes = plan.hasChanges
    }
    if detailedExitcode && changes { throw ExitCode(2) }
  }
}
