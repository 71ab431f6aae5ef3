import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

// MARK: - LoopbackHTTPServer

/// A tiny HTTP/1.1 server on 127.0.0.1 for testing the real transport; `reply` returns nil to never answer. With a
/// TLS configuration it serves HTTPS instead.
final class LoopbackHTTPServer: Sendable {
  /// A request as the server saw it.
  struct Received: Sendable {
    var method: String
    var uri: String
    var headers: [(String, String)]
    var body: String
  }

  /// What to answer.
  struct Reply: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: String
  }

  typealias Responder = @Sendable (Received) -> Reply?

  private let channel: any Channel

  var port: Int { channel.localAddress?.port ?? 0 }
  private let scheme: String
  var baseURL: String { "\(scheme)://127.0.0.1:\(port)" }

  private init(channel: any Channel, scheme: String) {
    self.channel = channel
    self.scheme = scheme
  }

  /// - Parameter tls: the server's certificate and key; nil serves plain HTTP.
  static func start(tls: TLSConfiguration? = nil, _ reply: @escaping Responder) async throws -> LoopbackHTTPServer {
    let sslContext = try tls.map(NIOSSLContext.init(configuration:))
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          if let sslContext {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
          }
          try channel.pipeline.syncOperations.configureHTTPServerPipeline()
          try channel.pipeline.syncOperations.addHandler(Handler(reply: reply))
        }
      }
      .bind(host: "127.0.0.1", port: 0)
      .get()
    return LoopbackHTTPServer(channel: channel, scheme: tls == nil ? "http" : "https")
  }

  func stop() async throws {
    try await channel.close()
  }

  // MARK: - Handler

  private final class Handler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let reply: Responder
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(reply: @escaping Responder) {
      self.reply = reply
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      switch unwrapInboundIn(data) {
      case .head(let requestHead):
        head = requestHead
        body.clear()
      case .body(var part):
        body.writeBuffer(&part)
      case .end:
        guard let head else { return }
        let received = Received(
          method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) },
          body: String(buffer: body)
        )
        guard let answer = reply(received) else { return }
        var headers = HTTPHeaders(answer.headers)
        headers.replaceOrAdd(name: "Content-Length", value: "\(answer.body.utf8.count)")
        let responseHead = HTTPResponseHead(
          version: head.version, status: HTTPResponseStatus(statusCode: answer.status), headers: headers
        )
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: answer.body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
      }
    }
  }
}
