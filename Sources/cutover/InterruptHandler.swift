import CutoverKit
import Foundation
import Synchronization

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
      if seen > 1 {
        // Exiting now skips the running deploys' cleanup: their private values files go first.
        HelmClient.removeLeftoverHiddenValues()
        exit(130)
      }
      onInterrupt()
    }
  }

  func stop() {
    watcher.cancel()
  }
}
