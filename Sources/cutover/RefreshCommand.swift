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
      let desired = try global.loadDesired(environment)
      let cloud = try global.cloudAccess(for: desired)
      let store = try global.openStore(environment)
      let holder = try LockHolder(store: store, command: "refresh \(environment)")
      do {
        let recorded = try store.resources()
        let (resources, drift) = try await Refresher(cloud: try await cloud.clients()).refresh(recorded)
        for gone in drift where gone.kind == .gone {
          let object = recorded.first { $0.address == gone.address }
          try store.forget(gone.address, deposedKey: object?.deposedKey)
        }
        try store.record(resources)
        if drift.isEmpty {
          Terminal.line("No changes outside Cutover: \(resources.count) object(s) match the state.")
        } else {
          for entry in drift {
            Terminal.line(
              entry.kind == .gone
                ? "\(entry.address): gone from the cloud; forgotten"
                : "\(entry.address): changed outside Cutover: "
                  + entry.before.keys.sorted().map { "\($0) \(entry.before[$0]!) -> \(entry.after?[$0] ?? .null)" }
                  .joined(separator: ", "))
          }
        }
      } catch {
        await holder.release()
        await cloud.close()
        throw error
      }
      await holder.release()
      await cloud.close()
    }
  }
}
