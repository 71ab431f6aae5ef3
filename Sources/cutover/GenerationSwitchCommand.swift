import ArgumentParser
import CutoverKit
import Foundation
import OpenStack

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
      let desired = try global.loadDesired(environment)
      let cloud = try global.cloudAccess(for: desired, probesIngress: true)
      let store = try global.openStore(environment)
      try await withEnvironment(store: store, cloud: cloud, command: "generation verify", lock: false) {
        let verification = try await GenerationChecks.verify(
          generation, desired: desired, store: store, cloud: cloud, command: "generation verify \(environment)")
        guard verification.passed else {
          throw CutoverError.refused(
            "generation \(generation) did not verify: \(verification.failures.count) of "
              + "\(verification.checks.count) checks failed")
        }
        Terminal.line("generation \(generation) verified: \(verification.checks.count) checks passed")
      }
    }
  }
}

/// Verification as the generation commands run it: the checklist printed as it is, and recorded in the journal.
enum GenerationChecks {
  static func verify(
    _ generation: String, desired: DesiredState, store: SQLiteStateStore, cloud: CloudAccess, command: String
  ) async throws -> GenerationVerification {
    let clients = try await cloud.clients()
    let http = try AsyncHTTPClientTransport()
    let verification: GenerationVerification
    do {
      verification = try await GenerationVerifier(
        desired: desired, recorded: try store.resources(), access: GenerationAccess(cloud: clients), http: http,
        healthPath: desired.webProxies?.healthPath ?? WebProxies.defaultHealthPath
      ).verify(generation)
    } catch {
      try? await http.shutdown()
      throw error
    }
    try? await http.shutdown()
    Terminal.line("Verifying generation \(generation) of \(desired.environment):")
    for check in verification.checks { Terminal.line("  " + check.line) }
    try store.recordVerification(
      generation: generation, passed: verification.passed, checks: verification.lines, command: command,
      identity: .current)
    return verification
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
      try await GenerationSwitchRun(
        environment: environment, generation: generation, force: force, autoApprove: autoApprove,
        parallelism: parallelism, global: global, command: "generation switch \(environment) \(generation)"
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
      let desired = try global.loadDesired(environment)
      let store = try global.openStore(environment)
      guard let live = desired.live,
        let last = try store.switches().last(where: { $0.toGeneration == live }),
        let previous = last.fromGeneration
      else {
        throw CutoverError.usage(
          "no switch to the live generation \(desired.live ?? "(none)") is recorded for \(environment), so there is "
            + "nothing to roll back to; name the generation instead: cutover generation switch \(environment) GEN")
      }
      guard desired.generation(previous) != nil else {
        throw CutoverError.refused(
          "cannot roll back to \(previous): it is no longer declared in "
            + "\(global.paths.desiredStateFile(environment)) (it was retired)")
      }
      Terminal.line(
        "Rolling back \(environment) from \(live) to \(previous), live before the switch of \(Timestamps.format(last.at))."
      )
      try await GenerationSwitchRun(
        environment: environment, generation: previous, force: force, autoApprove: autoApprove,
        parallelism: parallelism, global: global, command: "generation rollback \(environment)"
      ).run()
    }
  }
}

/// The switch: verify, plan the switch's resources against the edited file, confirm, write the file, apply, record.
struct GenerationSwitchRun {
  var environment: String
  var generation: String
  var force: Bool
  var autoApprove: Bool
  var parallelism: Int
  var global: GlobalOptions
  var command: String

  func run() async throws {
    let desired = try global.loadDesired(environment)
    let path = global.paths.desiredStateFile(environment)
    guard desired.generation(generation) != nil else {
      let known = desired.generations.map(\.id).joined(separator: ", ")
      throw CutoverError.usage("no generation \(generation) in \(path) (generations: \(known))")
    }
    let cloud = try global.cloudAccess(for: desired, probesIngress: true)
    let store = try global.openStore(environment)
    try await withEnvironment(store: store, cloud: cloud, command: command) {
      // Live in the file already: a switch that did not finish (its apply failed), or `live:` edited by hand. The
      // proxies may still point elsewhere, so what routes traffic is planned all the same.
      let finishing = desired.live == generation
      let recorded = try store.resources()
      // Where traffic goes now, by the recorded routes: what a rollback returns to.
      let scope = SwitchScope()
      let routed = scope.routedGeneration(recorded)
      let verification = try await GenerationChecks.verify(
        generation, desired: desired, store: store, cloud: cloud, command: command)
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
        Terminal.warning("switching to \(generation) although it did not verify (\(failed)), as --force asks")
      }

      var edit: (original: String, text: String)?
      var next = desired
      if !finishing {
        let original = try EnvironmentFileRewriter.read(environment: environment, path: path)
        let text = try GenerationEditor.setLive(in: original, environment: environment, file: path, to: generation)
        next = try EnvironmentFile.parse(
          text, environment: environment, file: path, sourceDirectory: global.paths.sourceDirectory)
        edit = (original, text)
      }
      let outcome = try await global.preparation(store: store, cloud: cloud).plan(
        environment: environment, desired: next, mode: .apply, refresh: true,
        targets: scope.targets(next, recorded: recorded))
      for note in outcome.notes { Terminal.warning(note) }
      // Only what routes traffic moves: a pending change to a generation's releases (an edited values file, say)
      // would deploy, unverified, onto the generation traffic is moving to. `cutover apply` does that, then verify.
      var plan = outcome.plan
      let isSwitchChange = { (change: PlannedChange) in
        change.action == .noop || scope.isPart(change, of: generation)
      }
      let left = plan.changes.filter { !isSwitchChange($0) }
      plan.changes.removeAll { !isSwitchChange($0) }
      plan.warnings = plan.warnings.filter { !$0.contains("releases and manifests of this plan") }
      let leftover = left.isEmpty ? nil : Self.leftMessage(left, rerun: rerun(["apply", environment]))
      if finishing, !plan.hasChanges {
        Terminal.line(
          "\(generation) is already live in \(environment), and everything routes to it; nothing to switch.")
        if let leftover { Terminal.warning(leftover) }
        return
      }
      if finishing {
        Terminal.line("\(generation) is live in \(path), but not everything routes to it yet: finishing the switch.")
      }
      Terminal.line()
      Terminal.out(TextPlanRenderer(color: global.color).render(plan, source: path))
      if let leftover { Terminal.warning(leftover) }
      if plan.hasChanges || edit != nil, !autoApprove {
        try Terminal.confirm("Switch \(environment) to \(generation)?", action: "switch")
      }
      // The generation traffic leaves: the file's `live:`, or (finishing a switch) where the routes point now.
      let from = finishing ? routed.flatMap { $0 == generation ? nil : $0 } : desired.live
      if let edit {
        try EnvironmentFileRewriter.replace(path: path, original: edit.original, with: edit.text)
        Terminal.line("\(path): live: \(desired.live ?? "(none)") -> \(generation)")
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
        // Traffic first, then the `kube.config` link: a switch that fails half-way never leaves operators' kubectl
        // pointed at a generation traffic has not reached.
        // One summary for the switch, not one per phase.
        var applied: ApplyResult?
        for phase in scope.phases(of: plan) where phase.hasChanges {
          let result = try await ApplyRun.execute(
            phase, store: store, cloud: cloud, digester: try global.digester(store.environment),
            parallelism: parallelism, command: command, color: global.color, printsSummary: false)
          applied = applied.map { $0.adding(result) } ?? result
        }
        if let applied { Terminal.line(Format.completion(applied, mode: plan.mode)) }
      } catch {
        let again = ["generation", "switch", environment, generation] + (verification.passed ? [] : ["--force"])
        Terminal.error(
          "the switch to \(generation) did not complete; \(path) says live: \(generation). Run "
            + "`\(rerun(again))` to finish it, or `\(rerun(["generation", "rollback", environment]))` to go back")
        throw error
      }
      let took = clock.now - started
      let rollback =
        from != nil
        ? "To roll back: " + rerun(["generation", "rollback", environment])
        : "No earlier generation is recorded to roll back to."
      Terminal.line(
        "Switched \(environment) \(from.map { "from \($0) " } ?? "")to \(generation) in \(Format.precise(took)). "
          + rollback)
    }
  }

  static func leftMessage(_ left: [PlannedChange], rerun: String) -> String {
    "not part of a switch, so left for `\(rerun)` (then verify again): "
      + left.map { "\($0.address) (\($0.action.rawValue))" }.joined(separator: ", ")
  }

  /// A cutover command line with the options that point it at the same files and cloud.
  private func rerun(_ words: [String]) -> String {
    global.commandLine(words)
  }
}

extension ApplyResult {
  /// This result and the next step's, as one: what a command that applies in steps reports.
  fileprivate func adding(_ other: ApplyResult) -> ApplyResult {
    var sum = self
    sum.succeeded += other.succeeded
    sum.failed.merge(other.failed) { first, _ in first }
    sum.skipped += other.skipped
    sum.elapsed += other.elapsed
    return sum
  }
}
