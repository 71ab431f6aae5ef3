import Synchronization

/// The last bytes a child process wrote, kept in memory up to a limit.
///
/// A chatty or runaway process (a `helm` upgrade streaming logs, a loop in a delivery script) must not grow Cutover's
/// memory without bound, and when something fails the end of the output is what explains it. The bytes live behind a
/// lock so a runner can still read what was collected after it gave up on a process whose reader never finished.
final class OutputTail: Sendable {
  private struct State {
    var bytes: [UInt8] = []
    var total = 0
  }

  let limit: Int
  private let state = Mutex(State())

  init(limit: Int) {
    self.limit = max(limit, 0)
  }

  func append(_ chunk: UnsafeRawBufferPointer) {
    guard !chunk.isEmpty else { return }
    state.withLock { state in
      state.total += chunk.count
      state.bytes.append(contentsOf: chunk.suffix(limit))
      if state.bytes.count > limit { state.bytes.removeFirst(state.bytes.count - limit) }
    }
  }

  /// The kept bytes as text (invalid UTF-8, such as a character cut in half by the limit, becomes U+FFFD) and whether
  /// earlier bytes were dropped.
  func snapshot() -> (text: String, truncated: Bool) {
    state.withLock { state in
      (String(decoding: state.bytes, as: UTF8.self), state.total > state.bytes.count)
    }
  }
}
