import Foundation

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
