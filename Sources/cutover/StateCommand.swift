import ArgumentParser
import CutoverKit
import Foundation

/// `cutover state list|show|history|unlock|publish|pull|migrate ENV`.
struct StateCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "state",
    abstract: "Inspect the recorded state and journal, break a stuck lock, publish the state or pull it back.",
    subcommands: [List.self, Show.self, History.self, Unlock.self, Publish.self, Pull.self, Migrate.self])

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List every recorded object.")
    @Argument(help: "The environment.") var environment: String
    @OptionGroup var global: GlobalOptions

    func run() async throws {
      try await reportingErrors {
        let store = try global.session(environment).existingStore()
        let resources = try store.resources()
        let width = resources.map { displayAddress($0).count }.max() ?? 0
        for resource in resources {
          var line = displayAddress(resource).padding(toLength: width, withPad: " ", startingAt: 0)
          line += "  \(resource.remoteID ?? "-")"
          if resource.status != .ready { line += "  (\(resource.status.rawValue))" }
          Terminal.line(line)
        }
      }
    }
  }

  struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "Show one recorded object's attributes.")
    @Argument(help: "The environment.") var environment: String
    @Argument(help: "The address, such as cluster.127d.") var address: String
    @OptionGroup var global: GlobalOptions

    func run() async throws {
      try await reportingErrors {
        let store = try global.session(environment).existingStore()
        let parsed = try parseAddress(option: "address")(address)
        let objects = try store.resources().filter { $0.address == parsed }
        guard !objects.isEmpty else {
          throw CutoverError.usage(
            "\(address) is not recorded in \(store.location); `cutover state list \(environment)` lists what is")
        }
        let sensitive = ResourceCatalog.standard[parsed.type]?.schema.sensitiveNames ?? []
        for object in objects {
          Terminal.line("# \(displayAddress(object))")
          Terminal.line("remote_id    = \(object.remoteID ?? "-")")
          Terminal.line("state_status = \(object.status.rawValue)")
          if !object.dependencies.isEmpty {
            Terminal.line("depends_on   = [\(object.dependencies.map(\.description).joined(separator: ", "))]")
          }
          let width = object.attributes.keys.map(\.count).max() ?? 0
          for name in object.attributes.keys.sorted() {
            let value = sensitive.contains(name) ? "(sensitive)" : object.attributes[name]!.description
            Terminal.line("\(name.padding(toLength: width, withPad: " ", startingAt: 0)) = \(value)")
          }
        }
      }
    }
  }

  struct History: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "history",
      abstract: "Every past apply, verification and switch of live: who, when, what, outcome.")
    @Argument(help: "The environment.") var environment: String
    @OptionGroup var global: GlobalOptions

    func run() async throws {
      try await reportingErrors {
        let store = try global.session(environment).existingStore()
        // Applies, verifications and switches of the live generation, in the order they happened.
        var entries: [(at: Date, lines: [String])] = try store.history().map { (Self.started($0), Self.lines(of: $0)) }
        entries += try store.verifications().map { check in
          let outcome = check.passed ? "passed" : "failed"
          var lines = [
            "\(Timestamps.format(check.at)) \(check.user)@\(check.host) `cutover \(check.command)` verified "
              + "\(check.generation): \(outcome)"
          ]
          lines += check.checks.filter { !check.passed || $0.hasPrefix("FAIL") }.map { "    \($0)" }
          return (check.at, lines)
        }
        entries += try store.switches().map { change in
          let forced = change.forced ? " (forced past a failed verification)" : ""
          return (
            change.at,
            [
              "\(Timestamps.format(change.at)) \(change.user)@\(change.host) `cutover \(change.command)` switched live "
                + "\(change.fromGeneration ?? "(none)") -> \(change.toGeneration)\(forced)"
            ]
          )
        }
        entries += try store.publications().map { publication in
          let what =
            publication.published
            ? "\(publication.detail) (container '\(publication.container)')"
            : "could not publish serial \(publication.serial): \(publication.detail)"
          return (
            publication.at,
            [
              "\(Timestamps.format(publication.at)) \(publication.user)@\(publication.host) "
                + "`cutover \(publication.command)` \(what)"
            ]
          )
        }
        if entries.isEmpty { Terminal.line("No applies recorded for \(environment) yet.") }
        for entry in entries.enumerated().sorted(by: { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }) {
          for line in entry.element.lines { Terminal.line(line) }
        }
      }
    }

    private static func started(_ apply: ApplyRecord) -> Date { apply.startedAt }

    private static func lines(of apply: ApplyRecord) -> [String] {
      let took = apply.finishedAt.map { " in \(Int($0.timeIntervalSince(apply.startedAt).rounded()))s" } ?? ""
      var lines = [
        "#\(apply.id) \(Timestamps.format(apply.startedAt)) \(apply.user)@\(apply.host) pid \(apply.pid)"
          + " `cutover \(apply.command)` serial \(apply.serial) \(apply.summary): \(apply.outcome.rawValue)\(took)"
      ]
      if let error = apply.error { lines.append("    error: \(error)") }
      for action in apply.actions {
        let address = action.deposedKey.map { "\(action.address) (deposed \($0))" } ?? action.address.description
        var line = "    \(action.action) \(address): \(action.status.rawValue)"
        if let id = action.remoteID { line += " [id=\(id)]" }
        if let finished = action.finishedAt {
          line += " after \(Int(finished.timeIntervalSince(action.startedAt).rounded()))s"
        }
        if let error = action.error { line += " — \(error)" }
        lines.append(line)
        // What happened along the way: cloud statuses, retries, a daemon's warnings, a deliver command's output.
        for detail in action.detail?.split(separator: "\n") ?? [] { lines.append("        \(detail)") }
      }
      return lines
    }
  }

  struct Unlock: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "unlock",
      abstract: "Break the state lock on purpose (when its holder is gone).")
    @Argument(help: "The environment.") var environment: String
    @OptionGroup var global: GlobalOptions

    func run() async throws {
      try await reportingErrors {
        let session = global.session(environment)
        let store = try session.existingStore()
        if let lease = try store.breakLock() {
          Terminal.line(
            "Broke the lock held by \(lease.holder)@\(lease.host) pid \(lease.pid) since \(lease.acquiredAtText) (\(lease.command))."
          )
        } else {
          Terminal.line("\(environment) was not locked.")
        }
        // The published index says whether an apply runs; it no longer holds the lock.
        await session.publishIfConfigured(command: "state unlock \(environment)")
      }
    }
  }

  struct Publish: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "publish",
      abstract: "Publish a snapshot of the state now, to the container state.publish names.")
    @Argument(help: "The environment.") var environment: String
    @Flag(help: "Publish over the snapshots of another state (another lineage) the container holds.") var force = false
    @OptionGroup var global: GlobalOptions

    func run() async throws {
      try await reportingErrors {
        let index = try await StatePublishOperation(session: global.session(environment), force: force).run()
        Terminal.line("Published \(environment) \(index.description) as \(index.snapshot).")
      }
    }
  }

  struct Pull: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "pull",
      abstract: "Replace the local state with the latest snapshot published (a lost bastion, a new machine).")
    @Argument(help: "The environment.") var environment: String
    @Flag(help: "Replace a local state of another lineage, or one with changes never published.") var force = false
    @Flag(help: "Do not issue this machine the kubeconfigs the state records (they are never published).")
    var noKubeconfigs = false
    @OptionGroup var global: GlobalOptions

    func run() async throws {
      try await reportingErrors {
        let session = global.session(environment)
        let outcome = try await StatePullOperation(session: session, force: force).run()
        let path = session.paths.stateFile(environment)
        if outcome.upToDate {
          Terminal.line("\(path) already is the snapshot's state (\(outcome.index.description)); nothing was changed.")
        } else {
          let was = outcome.replaced.map { "replaced serial \($0.serial)" } ?? "new"
          Terminal.line("Pulled \(environment) \(outcome.index.description) into \(path) (\(was)).")
          let keyFile = session.paths.localDirectory(environment) + "/" + SensitiveDigester.keyFileName
          if (ProcessInfo.processInfo.environment[SensitiveDigester.keyVariable] ?? "").isEmpty,
            !FileManager.default.fileExists(atPath: keyFile)
          {
            Terminal.note(
              "Plans compare files and secrets by digests keyed with the key they were recorded with: give this "
                + "machine that key (\(SensitiveDigester.keyVariable), or \(keyFile)).")
          }
        }
        // Kubeconfigs hold credentials, so no snapshot carries them: issue this machine its own.
        guard !outcome.missingKubeconfigs.isEmpty, !noKubeconfigs else { return }
        Terminal.line(
          "\nThis machine has no kubeconfig for \(outcome.missingKubeconfigs.map(\.description).joined(separator: ", "))"
            + "; issuing them (--no-kubeconfigs skips this):")
        try await ApplyOperation(
          session: global.session(environment), autoApprove: true, targets: outcome.missingKubeconfigs
        ).run()
      }
    }
  }
}

extension StateSettings.Backend: ExpressibleByArgument {}

extension StateCommand {
  struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "migrate",
      abstract: "Copy the whole state, history included, to PostgreSQL or to the local file, and check the copy.",
      discussion: """
        Both stores are locked while the state is copied. A target holding another state (another lineage), or a \
        newer serial of this one, is refused. Afterwards set `state: {backend: …}` in clusters/ENV.yaml to use it.
        """)
    @Argument(help: "The environment.") var environment: String
    @Option(help: "Where the state goes: postgresql or local.") var to: StateSettings.Backend
    @OptionGroup var global: GlobalOptions

    func run() async throws {
      try await reportingErrors {
        let outcome = try StateMigrateOperation(session: global.session(environment), to: to).run()
        let what = "serial \(outcome.copied.version.serial), \(outcome.copied.countsText)"
        if outcome.alreadyThere {
          Terminal.line("\(outcome.to) already holds \(environment)'s state (\(what)); nothing was changed.")
        } else {
          Terminal.line("Copied \(environment) from \(outcome.from) to \(outcome.to): \(what); the counts match.")
        }
        Terminal.note("Set `state: {backend: \(to.rawValue)}` in clusters/\(environment).yaml to use it.")
      }
    }
  }
}

private func displayAddress(_ resource: RecordedResource) -> String {
  resource.deposedKey.map { "\(resource.address) (deposed \($0))" } ?? resource.address.description
}
