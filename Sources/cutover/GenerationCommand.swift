import ArgumentParser
import CutoverKit
import Foundation

/// `cutover generation …`: the blue-green generation workflow.
struct GenerationCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generation", abstract: "Work with an environment's blue-green generations.",
    subcommands: [
      GenerationNewCommand.self, GenerationStatusCommand.self, GenerationVerifyCommand.self,
      GenerationSwitchCommand.self, GenerationRollbackCommand.self, GenerationRetireCommand.self,
    ])
}

/// `cutover generation new ENV [--from GEN] [--id ID]`: add a generation to `clusters/ENV.yaml` by inserting lines.
struct GenerationNewCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "new",
    abstract: "Add a generation to clusters/ENV.yaml, a copy of another's settings, keeping the file's comments.",
    discussion: """
      The new generation's entry under `generations:` is a copy of GEN's entry (its overrides of `defaults`) with \
      the key renamed, inserted after the last generation; nothing else in the file changes, and `live:` stays. \
      The id is the next after the highest (127d -> 127e, 127z -> 128a) unless --id names one. Then \
      `cutover plan ENV` shows the new generation's resources to create.
      """)

  @Argument(help: "The environment, such as eqiad1.") var environment: String

  @Option(help: ArgumentHelp("The generation whose settings to copy (default: the live one).", valueName: "GEN"))
  var from: String?

  @Option(
    help: ArgumentHelp("The new generation's id (default: the next after the highest, such as 127e).", valueName: "ID"))
  var id: String?

  @Flag(name: .customLong("dry-run"), help: "Print the lines that would be inserted, and write nothing.")
  var dryRun = false

  @OptionGroup var global: GlobalOptions

  func run() async throws {
    try await reportingErrors {
      let session = global.session(environment)
      let addition = try NewGenerationOperation(session: session, from: from, id: id).run(write: !dryRun)
      let path = session.desiredStateFile
      let copied = "a copy of \(addition.source)'s settings"
      guard !dryRun else {
        Terminal.line("would add generation \(addition.id) to \(path) (\(copied)); not written (--dry-run):")
        let width = String(addition.firstLine + addition.insertedLines.count - 1).count
        for (offset, line) in addition.insertedLines.enumerated() {
          let number = String(addition.firstLine + offset)
          Terminal.line("+ " + String(repeating: " ", count: width - number.count) + number + ": " + line)
        }
        return
      }
      Terminal.line(
        "added generation \(addition.id) to \(path) (\(copied)); next: \(session.commandLine(["plan", environment]))")
    }
  }
}
