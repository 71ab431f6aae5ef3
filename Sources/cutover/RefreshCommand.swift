import ArgumentParser
import CutoverKit

/// `cutover refresh ENV`: read every recorded object from the cloud and record what was found.
struct RefreshCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "refresh",
    abstract: "Read every recorded object from the cloud and record changes made outside Cutover.")

  @Argument(help: "The environment.") var environment: String
  @OptionGroup var global: GlobalOptions

  func run() async throws {
    try await reportingErrors {
      let drift = try await RefreshOperation(session: global.session(environment)).run()
      if drift.isEmpty {
        Terminal.line("No changes outside Cutover: every recorded object matches the state.")
      }
      for entry in drift {
        let address = entry.deposedKey.map { "\(entry.address) (deposed \($0))" } ?? entry.address.description
        Terminal.line(
          entry.kind == .gone
            ? "\(address): gone from the cloud; forgotten"
            : "\(address): changed outside Cutover: "
              + entry.before.keys.sorted().map { "\($0) \(entry.before[$0]!) -> \(entry.after?[$0] ?? .null)" }
              .joined(separator: ", "))
      }
    }
  }
}
