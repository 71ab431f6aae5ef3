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
      try EnvironmentName.validate(environment)
      let path = global.paths.desiredStateFile(environment)
      let original = try EnvironmentFileRewriter.read(environment: environment, path: path)
      let addition = try GenerationEditor.addGeneration(
        to: original, environment: environment, file: path, from: from, id: id)
      let copied = "a copy of \(addition.source)'s settings"
      if dryRun {
        Terminal.line("would add generation \(addition.id) to \(path) (\(copied)); not written (--dry-run):")
        let width = String(addition.firstLine + addition.insertedLines.count - 1).count
        for (offset, line) in addition.insertedLines.enumerated() {
          let number = String(addition.firstLine + offset)
          Terminal.line("+ " + String(repeating: " ", count: width - number.count) + number + ": " + line)
        }
        return
      }
      try EnvironmentFileRewriter.replace(path: path, original: original, with: addition.text)
      Terminal.line("added generation \(addition.id) to \(path) (\(copied)); next: \(planCommand)")
    }
  }

  /// The plan command to run next, with the options that point it at the same files and cloud.
  private var planCommand: String {
    global.commandLine(["plan", environment])
  }
}

extension GlobalOptions {
  /// A `cutover` command line with `words`, and the options that point it at the same files and cloud as this run.
  func commandLine(_ words: [String]) -> String {
    var all = ["cutover"] + words
    if clusters != "clusters" { all += ["--clusters", clusters] }
    if state != "state" { all += ["--state", state] }
    if simulate { all.append("--simulate") }
    if let cloud { all += ["--cloud", cloud] }
    return all.map(Self.shellQuoted).joined(separator: " ")
  }

  /// A word as a shell reads it back: as it is when plain, else in single quotes.
  static func shellQuoted(_ word: String) -> String {
    let plain = word.unicodeScalars.allSatisfy {
      CharacterSet.alphanumerics.contains($0) || "_./=:@%+-".unicodeScalars.contains($0)
    }
    return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
  }
}
