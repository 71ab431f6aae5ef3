import CutoverKit
import Foundation
import Synchronization

/// Stops a command's run the same way whatever asks: SIGINT (Ctrl-C), SIGTERM (`kill`, systemd), SIGHUP (the
/// terminal or SSH session closed), or the lock lost to another run.
///
/// Stopping cancels the run's task: nothing new is launched, running child processes are stopped (SIGTERM to their
/// process group, SIGKILL after a bound) and waited for, each deploy removes its private values file as it ends, and
/// the journal records what was done; ``OperationSession/run(command:lock:_:)`` then gives the lock back
/// last. A second signal quits at once: the children are killed, the private files removed and the lock given back
/// first, and the journal is left for the next run to settle.
final class RunStop: RunStopping {
  /// Why a run was stopped.
  enum Reason: Sendable, Equatable {
    case signal(Int32)
    case lostLock
  }

  /// The signals that stop a run.
  static let signals = [SIGINT, SIGTERM, SIGHUP]

  private let state: StopState
  private let watcher: SignalWatcher

  init() {
    let state = StopState()
    self.state = state
    watcher = SignalWatcher(signals: Self.signals) { number in state.signalled(number) }
  }

  /// Runs `action` when the run is stopped (at once if it already was).
  func onStop(_ action: @escaping @Sendable () -> Void) {
    state.onStop(action)
  }

  /// What a second signal does before exiting, beside killing the children: give the lock back.
  func onQuit(_ action: @escaping @Sendable () -> Void) {
    state.setQuit(action)
  }

  /// Stops the run because its lease was broken.
  func lockLost() {
    state.stop(.lostLock)
  }

  /// Why the run was stopped; nil while it was not.
  var reason: Reason? { state.reason }

  var stoppingSignal: String? {
    if case .signal(let number) = reason { return Self.name(of: number) }
    return nil
  }

  /// Waits for the exit a second signal is making, if one is: the run must not end the process with its own code
  /// first. Returns at once otherwise.
  func yieldToQuit() {
    while state.quitting.load(ordering: .sequentiallyConsistent) { pause() }
  }

  /// Gives the signals back their default action.
  func finish() {
    watcher.cancel()
  }

  static func name(of signal: Int32) -> String {
    switch signal {
    case SIGINT: "SIGINT"
    case SIGTERM: "SIGTERM"
    case SIGHUP: "SIGHUP"
    default: "signal \(signal)"
    }
  }
}

/// The shared state of a ``RunStop``: reached from the signal handler's queue, the lock heartbeat and the run.
private final class StopState: Sendable {
  private struct Fields {
    var reason: RunStop.Reason?
    var signalsSeen = 0
    var actions: [@Sendable () -> Void] = []
    var quit: (@Sendable () -> Void)?
  }

  private let fields = Mutex(Fields())
  /// Set once a second signal quits: the run, which may end meanwhile (its children killed), must not exit first.
  let quitting = Atomic(false)

  var reason: RunStop.Reason? { fields.withLock { $0.reason } }

  func onStop(_ action: @escaping @Sendable () -> Void) {
    let stopped = fields.withLock { fields in
      fields.actions.append(action)
      return fields.reason != nil
    }
    if stopped { action() }
  }

  func setQuit(_ action: @escaping @Sendable () -> Void) {
    fields.withLock { $0.quit = action }
  }

  func signalled(_ number: Int32) {
    let (seen, quit) = fields.withLock { fields in
      fields.signalsSeen += 1
      return (fields.signalsSeen, fields.quit)
    }
    let name = RunStop.name(of: number)
    // Nothing runs while Cutover waits at a prompt, and the prompt's read would not notice a cancellation.
    if seen > 1 || Terminal.isPrompting {
      quitting.store(true, ordering: .sequentiallyConsistent)
      if seen > 1 {
        Terminal.warning("\(name) received while stopping: quitting now; the next run settles what was running")
      }
      ProcessRunner.killRunningProcessGroups()
      HelmClient.removeLeftoverHiddenValues()
      quit?()
      exit(128 + number)
    }
    Terminal.warning(
      "\(name) received: stopping; nothing new is launched, running actions are stopped and recorded as they stand "
        + "(\(name) again quits at once)")
    stop(.signal(number))
  }

  func stop(_ reason: RunStop.Reason) {
    let actions = fields.withLock { fields in
      if fields.reason == nil { fields.reason = reason }
      let actions = fields.actions
      fields.actions = []
      return actions
    }
    if reason == .lostLock {
      Terminal.warning("the state lock was broken by another run: stopping; nothing new is launched")
    }
    for action in actions { action() }
  }
}
