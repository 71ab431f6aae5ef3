import CutoverKit
import Foundation

/// Prints apply progress the way operators read it: one line per start, status change, heartbeat and result.
struct ProgressPrinter: ApplyObserver {
  var color: Bool

  func handle(_ event: ApplyEvent) async {
    switch event {
    case .started(let label):
      Terminal.line("\(label): \(label.kind.progressive)...")
    case .status(let label, let status, let elapsed):
      Terminal.line("\(label): \(status) [\(Format.seconds(elapsed)) elapsed]")
    case .stillRunning(let label, let elapsed):
      Terminal.line("\(label): Still \(label.kind.progressive.lowercased())... [\(Format.seconds(elapsed)) elapsed]")
    case .finished(let label, let remoteID, let elapsed):
      let id = remoteID.map { " [id=\($0)]" } ?? ""
      Terminal.line("\(label): \(label.kind.pastTense) complete after \(Format.seconds(elapsed))\(id)")
    case .failed(let label, let error, let elapsed):
      Terminal.line("\(label): \(paint("failed", "31")) after \(Format.seconds(elapsed)): \(error)")
    case .skipped(let label, let cause):
      Terminal.line("\(label): skipped, because \(cause) failed")
    }
  }

  private func paint(_ text: String, _ code: String) -> String {
    color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }
}
