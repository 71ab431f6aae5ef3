import Foundation

/// Why a rendered haproxy or keepalived file was not confirmed by the daemon that will read it.
public enum DaemonConfigCheckError: Error, LocalizedError, Sendable, Equatable {
  /// The daemon is not installed where Cutover looks; the check needs Debian's package on the machine running it.
  case daemonNotFound(daemon: String, searched: [String])
  /// The daemon read the file and refused it; `message` is its own explanation, trimmed to the lines that matter.
  case rejected(daemon: String, file: String, message: String)
  /// The daemon could not be run to the end: it could not start, it hung past the timeout, or the file to check
  /// could not be written.
  case couldNotRun(daemon: String, reason: String)
  /// keepalived refuses a VRRP interface that does not exist, and this machine has no interface but loopback (which
  /// keepalived also refuses) to check the file with.
  case noNetworkInterface(wanted: String)

  public var errorDescription: String? {
    switch self {
    case .daemonNotFound(let daemon, let searched):
      let directories = searched.isEmpty ? "" : " or in \(searched.joined(separator: ", "))"
      return
        "\(daemon) not found on PATH\(directories); install Debian's \(daemon) (`apt-get install \(daemon)`): "
        + "Cutover checks every \(daemon) file it renders with the real daemon before delivering it"
    case .rejected(let daemon, let file, let message):
      return "\(daemon) rejected \(file):\n\(message)"
    case .couldNotRun(let daemon, let reason):
      return "could not check the \(daemon) configuration: \(reason)"
    case .noNetworkInterface(let wanted):
      return
        "cannot check keepalived.conf here: keepalived refuses a VRRP interface that does not exist, this machine has "
        + "no \(wanted) and no other interface but loopback to check with"
    }
  }
}
