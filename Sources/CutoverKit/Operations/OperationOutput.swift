import Synchronization

/// Where an operation's output and questions go: the terminal for the executable, a recording for tests.
public protocol OperationOutput: Sendable {
  /// Writes a line of results.
  func line(_ text: String)
  /// Writes text as it is (a rendered plan, which ends its own lines).
  func write(_ text: String)
  /// Writes a line about the run, apart from its results (what a plan was made against), so that results piped
  /// elsewhere stay whole.
  func note(_ text: String)
  /// Writes a line an operator should read before going on, apart from the results.
  func warning(_ text: String)
  /// Writes a line saying what went wrong, apart from the results.
  func error(_ text: String)
  /// Asks `question` and returns only on `yes`; otherwise throws (`CutoverError.cancelled`, or `.usage` when there is
  /// nobody to ask). `action` is the verb the refusal names (`apply`, `switch`).
  func confirm(_ question: String, action: String) throws
  /// Receives an apply's progress as it runs.
  var progress: any ApplyObserver { get }
  /// Whether rendered plans may use colour.
  var color: Bool { get }
}

extension OperationOutput {
  /// Writes an empty line.
  public func line() { line("") }
}

/// Stops a run from outside it: SIGINT, SIGTERM or SIGHUP, or the lock lost to another run. The executable's signal
/// handling implements it; an operation run without one (a test) is stopped only by its lock.
public protocol RunStopping: Sendable {
  /// Runs `action` when the run is stopped (at once if it already was).
  func onStop(_ action: @escaping @Sendable () -> Void)
  /// What quitting at once (a second signal) does beside killing the children: give the lock back.
  func onQuit(_ action: @escaping @Sendable () -> Void)
  /// Stops the run because its lease was broken.
  func lockLost()
  /// The name of the signal that stopped the run (`SIGTERM`); nil when no signal did.
  var stoppingSignal: String? { get }
  /// Waits for an exit a second signal is making, if one is, so the run does not end the process first.
  func yieldToQuit()
  /// Gives the signals back their default action.
  func finish()
}

/// A run nothing outside stops but its lock: what tests and library callers use.
public final class UnstoppableRun: RunStopping {
  private let stops = StopActions()

  public init() {}

  public func onStop(_ action: @escaping @Sendable () -> Void) { stops.add(action) }
  public func onQuit(_ action: @escaping @Sendable () -> Void) {}
  public func lockLost() { stops.fire() }
  public var stoppingSignal: String? { nil }
  public func yieldToQuit() {}
  public func finish() {}
}

/// Actions to run once when a run is stopped; one added after the stop runs at once.
final class StopActions: Sendable {
  private struct Fields {
    var stopped = false
    var actions: [@Sendable () -> Void] = []
  }

  private let fields = Mutex(Fields())

  func add(_ action: @escaping @Sendable () -> Void) {
    let stopped = fields.withLock { fields in
      if !fields.stopped { fields.actions.append(action) }
      return fields.stopped
    }
    if stopped { action() }
  }

  func fire() {
    let actions = fields.withLock { fields in
      fields.stopped = true
      defer { fields.actions = [] }
      return fields.actions
    }
    for action in actions { action() }
  }
}
