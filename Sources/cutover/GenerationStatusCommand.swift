import ArgumentParser
import CutoverKit
import Foundation

/// Output formats of `cutover generation status`.
enum StatusFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json
}

/// `cutover generation status ENV`: one table of every generation.
struct GenerationStatusCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status",
    abstract: "Show every generation: cluster status, workers, releases, age, role, last switch, what routes to it.",
    discussion: """
      The table fits the terminal (COLUMNS when set, else the terminal's width; 120 columns when standard output is \
      not a terminal): the routes wrap under their column, and a terminal too narrow for the columns gets a block \
      per generation. --format json prints every field, timestamps included, for scripts.
      """)

  @Argument(help: "The environment, such as eqiad1.") var environment: String
  @Option(help: "text or json.") var format: StatusFormat = .text
  @OptionGroup var global: GlobalOptions

  func run() async throws {
    try await reportingErrors {
      let width = try Terminal.width()
      let report = try await StatusOperation(session: global.session(environment)).run()
      switch format {
      case .text:
        Terminal.out(report.table(width: width))
        for note in report.notes { Terminal.warning(note) }
      case .json:
        Terminal.out(try report.json())
      }
    }
  }
}
