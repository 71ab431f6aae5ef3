import Hummingbird
import Logging

/// A small HTTP server on one loopback address and port, answering every request with one closure: a worker
/// node's ingress port, or the web-proxy data plane's front.
final class LoopbackServer: Sendable {
  /// The port it listens on (the bound one when asked for 0).
  let port: Int
  private let server: Task<Void, any Error>

  private init(port: Int, server: Task<Void, any Error>) {
    self.port = port
    self.server = server
  }

  /// Why a server could not start listening.
  struct StartFailure: Error, CustomStringConvertible {
    var description: String
  }

  /// Starts listening on `host:port` and returns once connections are accepted; a cancelled start stops the
  /// server and throws. Hummingbird's own logs (a server started, at info; a server stopped by cancellation, at
  /// error) are left out: callers log what matters.
  /// - Throws: `StartFailure` when the address cannot be bound (taken, or not a local address).
  static func start(
    host: String, port: Int, logger: Logger,
    respond: @escaping @Sendable (Request, BasicRequestContext) async throws -> Response
  ) async throws -> LoopbackServer {
    var serverLogger = logger
    serverLogger.logLevel = .critical
    let (boundPorts, portSink) = AsyncStream.makeStream(of: Int.self)
    let application = Application(
      responder: CallbackResponder(callback: respond),
      configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
      onServerRunning: { channel in
        portSink.yield(channel.localAddress?.port ?? port)
        portSink.finish()
      },
      logger: serverLogger
    )
    let server = Task {
      defer { portSink.finish() }
      try await application.run()
    }
    for await boundPort in boundPorts {
      return LoopbackServer(port: boundPort, server: server)
    }
    // Binding failed, or this task was cancelled while waiting (the stream then ends at once): either way no one
    // will ever stop this server, so stop it now rather than leave it listening — and awaiting it hanging.
    server.cancel()
    do {
      try await server.value
    } catch {
      throw StartFailure(description: "cannot listen on \(host):\(port): \(error)")
    }
    throw StartFailure(description: "cannot listen on \(host):\(port): the server stopped before accepting connections")
  }

  /// Stops listening and drops open connections. Calling it twice is harmless.
  func stop() async {
    server.cancel()
    _ = try? await server.value
  }
}
