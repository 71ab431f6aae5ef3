import ArgumentParser
import CutoverKit
import Foundation

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
    guard GraceDuration.seconds(in: grace) != nil else {
      throw ValidationError("--grace \(grace): expected a duration such as 24h, 90m or 2d")
    }
  }

  func run() async throws {
    try await reportingErrors {
      let command = "generation retire \(environment) \(generation)"
      let desired = try global.loadDesired(environment)
      let path = global.paths.desiredStateFile(environment)
      if desired.live == generation {
        throw CutoverError.refused(
          "refusing to retire \(generation): it is the live generation of \(environment); switch to another first"
            + " (cutover generation switch \(environment) GEN)")
      }
      let cloud = try global.cloudAccess(for: desired)
      let store = try global.openStore(environment)
      try await withEnvironment(store: store, cloud: cloud, command: command) {
        let catalog = ResourceCatalog.standard
        let recorded = try store.resources()
        let owned = recorded.filter { catalog.generation(of: $0.address) == generation }
        guard desired.generation(generation) != nil || !owned.isEmpty else {
          let known = desired.generations.map(\.id).joined(separator: ", ")
          throw CutoverError.usage(
            "no generation \(generation) in \(path) or in the state (generations: \(known))")
        }
        try refuseWhileRouted(owned: owned, recorded: recorded, catalog: catalog)
        try await refuseWhileRoutedInCloud(owned: owned, catalog: catalog, cloud: try await cloud.clients())
        try refuseWithinGrace(store: store)

        var edited: (original: String, text: String)?
        var next = desired
        if desired.generation(generation) != nil {
          let original = try EnvironmentFileRewriter.read(environment: environment, path: path)
          let text = try GenerationEditor.removeGeneration(
            from: original, environment: environment, file: path, id: generation)
          next = try EnvironmentFile.parse(
            text, environment: environment, file: path, sourceDirectory: global.paths.sourceDirectory)
          edited = (original, text)
        }
        let outcome = try await global.preparation(store: store, cloud: cloud).plan(
          environment: environment, desired: next, mode: .apply, refresh: true,
          targets: owned.map(\.address))
        for note in outcome.notes { Terminal.warning(note) }
        let plan = outcome.plan
        Terminal.out(TextPlanRenderer(color: global.color).render(plan, source: path))
        if plan.hasChanges || edited != nil, !autoApprove {
          try Terminal.confirm(
            "Retire \(generation) of \(environment)? Its objects are destroyed.", action: "retire")
        }
        if let edited {
          try EnvironmentFileRewriter.replace(path: path, original: edited.original, with: edited.text)
          Terminal.line("\(path): removed generation \(generation)")
        }
        if plan.hasChanges {
          try await ApplyRun.execute(
            plan, store: store, cloud: cloud, digester: try global.digester(store.environment),
            parallelism: parallelism, command: command, color: global.color)
        }
        Terminal.line("Retired generation \(generation) of \(environment).")
      }
    }
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
          + "send traffic to its nodes; switch them away first (cutover apply \(environment) converges them on the "
          + "live generation)")
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

  private func refuseWithinGrace(store: SQLiteStateStore) throws {
    guard let away = try store.switchedAway(from: generation), let seconds = GraceDuration.seconds(in: grace) else {
      return
    }
    let until = away.addingTimeInterval(TimeInterval(seconds))
    guard Date() < until else { return }
    let message =
      "\(generation) stopped being live at \(Timestamps.format(away)); it is kept for rollback for \(grace), "
      + "until \(Timestamps.format(until))"
    guard force else {
      throw CutoverError.refused(
        "refusing to retire \(generation): \(message). Pass --force to retire it now, or --grace to shorten the wait")
    }
    Terminal.warning("retiring \(generation) within its grace period, as --force asks: \(message)")
  }
}

/// Durations such as `24h`, `90m`, `2d`, `1h30m`, `45s` or `0`.
enum GraceDuration {
  static func seconds(in text: String) -> Int? {
    if text == "0" { return 0 }
    let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
    var total = 0
    var digits = ""
    for character in text {
      if character.isASCII, character.isNumber {
        digits.append(character)
      } else if let unit = units[character], let value = Int(digits), value <= 1_000_000 {
        total += value * unit
        digits = ""
      } else {
        return nil
      }
    }
    return digits.isEmpty && !text.isEmpty ? total : nil
  }
}
