import ArgumentParser
import CutoverKit
import EnvironmentSettings

/// `cutover generation retire ENV GEN`: remove a standby generation from the file and destroy what it had.
struct GenerationRetireCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "retire",
    abstract: "Remove a generation from clusters/ENV.yaml and destroy its releases, kubeconfig, cluster and template.",
    discussion: """
      Refused while GEN is live or while a web proxy or haproxy backend still points at one of its nodes (neither \
      can be forced: switch first), and within the grace period after GEN stopped being live, kept for rollback \
      (--grace, default 24h; --force retires it sooner). The generation's entry is removed from the file by \
      deleting its lines, and only its resources are destroyed, releases first and the cluster template last.
      """)

  @Argument(help: "The environment, such as eqiad1.") var environment: String
  @Argument(help: "The generation to retire, such as 127d.") var generation: String
  @Option(help: ArgumentHelp("How long after a switch away a generation is kept for rollback.", valueName: "DURATION"))
  var grace = "24h"
  @Flag(help: "Retire within the grace period.") var force = false
  @Flag(help: "Retire without asking for confirmation.") var autoApprove = false
  @Option(help: "How many actions may run at once.") var parallelism = 10
  @OptionGroup var global: GlobalOptions

  func validate() throws {
    guard DurationText(parsing: grace) != nil else {
      throw ValidationError("--grace \(grace): expected a duration such as 24h, 90m or 2d")
    }
  }

  func run() async throws {
    try await reportingErrors {
      try await RetireOperation(
        session: global.session(environment), generation: generation, grace: DurationText(parsing: grace)?.seconds ?? 0,
        graceText: grace, force: force, autoApprove: autoApprove, parallelism: parallelism
      ).run()
    }
  }
}
