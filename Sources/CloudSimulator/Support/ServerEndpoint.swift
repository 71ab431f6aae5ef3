import Synchronization

/// The address the simulator's HTTP server listens on, known once it is bound; every URL the simulated
/// services hand out (catalog, links) is built from it.
final class ServerEndpoint: Sendable {
  /// The host as given to `CloudSimulator.start` (an IPv4 or IPv6 loopback literal).
  let host: String
  private let boundPort = Mutex(0)

  init(host: String) {
    self.host = host
  }

  var port: Int {
    boundPort.withLock { $0 }
  }

  func bind(port: Int) {
    boundPort.withLock { $0 = port }
  }

  /// `http://127.0.0.1:PORT` (IPv6 hosts in brackets).
  var baseURL: String {
    Self.url(host: host, port: port)
  }

  /// `http://HOST:PORT`, an IPv6 host in brackets.
  static func url(host: String, port: Int) -> String {
    let hostPart = host.contains(":") ? "[\(host)]" : host
    return "http://\(hostPart):\(port)"
  }
}
