import ArgumentParser
import CutoverKit
import Foundation

/// `cutover import ENV ADDR ID` or `cutover import ENV --from-tofu-state FILE`: adopt what already exists.
struct ImportCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Adopt existing cloud objects into state: one by address and id, or all a tofu state maps.")

  @Argument(help: "The environment, such as eqiad1.") var environment: String
  @Argument(help: "The address to adopt as, such as cluster.127d.") var address: String?
  @Argument(help: "The object's id in the cloud (a Magnum uuid, a proxy's domain).") var id: String?
  @Option(help: "The JSON of `tofu state pull` or `tofu show -json`.") var fromTofuState: String?
  @OptionGroup var global: GlobalOptions

  func validate() throws {
    switch (address, id, fromTofuState) {
    case (.some, .some, nil), (nil, nil, .some): return
    default: throw ValidationError("give ADDR and ID, or --from-tofu-state FILE")
    }
  }

  func run() async throws {
    try await reportingErrors {
      let source: ImportOperation.Source
      if let fromTofuState {
        guard let data = FileManager.default.contents(atPath: fromTofuState) else {
          throw CutoverError.usage("\(fromTofuState): no such file")
        }
        source = .tofuState(data)
      } else {
        source = .object(try parseAddress(option: "address")(address ?? ""), remoteID: id ?? "")
      }
      let rows = try await ImportOperation(session: global.session(environment), source: source).run()
      printTable(rows)
      let adopted = rows.filter { $0.address != nil }.count
      Terminal.line("\nAdopted \(adopted) of \(rows.count); `cutover plan \(environment)` shows what differs.")
    }
  }

  private func printTable(_ rows: [Importer.Row]) {
    let table =
      [["SOURCE", "ADDRESS", "ID", "RESULT"]]
      + rows.map { [$0.source, $0.address?.description ?? "-", $0.remoteID, $0.note] }
    let widths = (0..<4).map { column in table.map { $0[column].count }.max() ?? 0 }
    for row in table {
      Terminal.line(
        row.enumerated().map { column, text in
          column == 3 ? text : text.padding(toLength: widths[column], withPad: " ", startingAt: 0)
        }.joined(separator: "  "))
    }
  }
}
