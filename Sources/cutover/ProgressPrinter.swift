import CutoverKit
import Foundation
import Synchronization

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

enum Format {
  /// `12s`, `3m4s`.
  static func seconds(_ duration: Duration) -> String {
    let total = Int(duration.components.seconds)
    return total >= 60 ? "\(total / 60)m\(total % 60)s" : "\(total)s"
  }
}

/// Turns the first SIGINT into a callback; a second one exits at once (the journal keeps the state true either way).
final class InterruptHandler: Sendable {
  private let watcher: SignalWatcher

  init(_ onInterrupt: @escaping @Sendable () -> Void) {
    let count = Mutex(0)
    watcher = SignalWatcher(signals: [SIGINT]) { _ in
      let seen = count.withLock { value in
        value += 1
        return value
      }
      if seen > 1 { exit(130) }
      onInterrupt()
    }
  }

  func stop() {
    watcher.cancel()
  }
}

/// Delivers POSIX signals to a closure through Dispatch sources instead of their default action.
/// `@unchecked Sendable`: it only holds Dispatch sources, whose methods are thread-safe.
final class SignalWatcher: @unchecked Sendable {
  private let sources: [any DispatchSourceSignal]
  private let numbers: [Int32]

  init(signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
    numbers = signals
    sources = signals.map { number in
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler { handler(number) }
      source.resume()
      return source
    }
  }

  func cancel() {
    for source in sources { source.cancel() }
    for number in numbers { signal(number, SIG_DFL) }
  }
}
