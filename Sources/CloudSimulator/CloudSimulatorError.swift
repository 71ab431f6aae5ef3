/// Why a simulated cloud could not start, or could not do what was asked of it behind its clients' back.
public enum CloudSimulatorError: Error, Equatable, CustomStringConvertible {
  /// The host is not a loopback address (127.0.0.0/8 or ::1); the simulator never listens beyond this machine.
  case hostNotLoopback(String)
  /// The HTTP server stopped before it accepted connections (for example, the port was taken).
  case serverFailedToStart(String)
  /// A node to replace does not exist: no such cluster, or fewer workers.
  case noSuchNode(cluster: String, index: Int)

  public var description: String {
    switch self {
    case .hostNotLoopback(let host):
      return "The simulated cloud listens on loopback addresses only (127.0.0.0/8 or ::1), not \(host)."
    case .serverFailedToStart(let reason):
      return "The simulated cloud's HTTP server failed to start: \(reason)"
    case .noSuchNode(let cluster, let index):
      return "The simulated cloud has no worker \(index) in a cluster called \(cluster)."
    }
  }
}
