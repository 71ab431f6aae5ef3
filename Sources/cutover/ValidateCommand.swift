import ArgumentParser
import CutoverKit

/// `cutover validate ENV`: parse and check `clusters/ENV.yaml`.
struct ValidateCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate", abstract: "Check clusters/ENV.yaml: syntax, keys, types, and the resources it expands to.")

  @Argument(help: "The environment, such as eqiad1.") var environment: String
  @OptionGroup var global: GlobalOptions

  func run() async throws {
    try await reportingErrors {
      let desired = try global.session(environment).desired()
      let resources = ResourceCatalog.standard.expand(desired)
      // Planning against an empty state checks the dependency graph too.
      _ = try Planner().plan(
        Planner.Request(
          environment: environment, desired: desired, recorded: [], stateVersion: StateVersion(lineage: "", serial: 0),
          digester: .ephemeral()))
      Terminal.line(
        "\(global.paths.desiredStateFile(environment)) is valid: \(desired.generations.count) generation(s), "
          + "live \(desired.live ?? "none"), \(resources.count) resource(s).")
    }
  }
}
