import ArgumentParser
import CutoverKit

/// `cutover generation verify ENV GEN`: the checklist a generation must pass before traffic moves to it.
struct GenerationVerifyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify",
    abstract: "Check a generation is ready to serve: cluster built, nodes Ready, releases deployed, hub answering.",
    discussion: """
      Each check prints PASS or FAIL with its reason. The last asks every worker's ingress port for the health path \
      (web_proxies.health_path, default /hub/health) with the Host of each proxied domain, as the web proxies will. \
      Exit 0 only when every check passes; 1 otherwise.
      """)

  @Argument(help: "The environment, such as eqiad1.") var environment: String
  @Argument(help: "The generation, such as 128a.") var generation: String
  @OptionGroup var global: GlobalOptions

  func run() async throws {
    try await reportingErrors {
      try await VerifyOperation(session: global.session(environment), generation: generation).run()
    }
  }
}

/// `cutover generation switch ENV GEN`: make GEN live.
struct GenerationSwitchCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "switch",
    abstract: "Verify a generation, make it live, and move the web proxies, haproxy backends and kube.config to it.",
    discussion: """
      GEN must pass `cutover generation verify` (--force switches anyway). Then `live:` in clusters/ENV.yaml is \
      set to GEN, by rewriting that one line, and only what moves traffic is planned and applied: the web \
      proxies' backends, the haproxy backends and the kube.config link. Anything else pending (a release upgrade) \
      is named and left for `cutover apply`. The switch is recorded, and the command to go back is printed; run \
      again, a switch whose apply failed is finished.
      """)

  @Argument(help: "The environment, such as eqiad1.") var environment: String
  @Argument(help: "The generation to make live, such as 128a.") var generation: String
  @Flag(help: "Switch even if the generation does not verify.") var force = false
  @Flag(help: "Switch without asking for confirmation.") var autoApprove = false
  @Option(help: "How many actions may run at once.") var parallelism = 10
  @OptionGroup var global: GlobalOptions

  func run() async throws {
    try await reportingErrors {
      try await SwitchOperation(
        session: global.session(environment), generation: generation, force: force, autoApprove: autoApprove,
        parallelism: parallelism
      ).run()
    }
  }
}

/// `cutover generation rollback ENV`: switch back to the generation that was live before the last switch.
struct GenerationRollbackCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rollback",
    abstract: "Switch back to the generation that was live before the last switch (which must still verify).")

  @Argument(help: "The environment, such as eqiad1.") var environment: String
  @Flag(help: "Switch back even if that generation does not verify.") var force = false
  @Flag(help: "Switch without asking for confirmation.") var autoApprove = false
  @Option(help: "How many actions may run at once.") var parallelism = 10
  @OptionGroup var global: GlobalOptions

  func run() async throws {
    try await reportingErrors {
      try await RollbackOperation(
        session: global.session(environment), force: force, autoApprove: autoApprove, parallelism: parallelism
      ).run()
    }
  }
}
