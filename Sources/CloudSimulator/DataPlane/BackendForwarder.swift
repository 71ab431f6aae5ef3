import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1
import NIOPosix

/// Sends one HTTP/1.1 request to a backend over a fresh connection (`Connection: close`, so no idle connection
/// outlives a request or a listener) and reads the whole answer.
enum BackendForwarder {
  /// A backend's complete answer.
  struct Answer: Sendable {
    var head: HTTPResponse
    var body: ByteBuffer
  }

  /// Why a backend gave no answer.
  enum Failure: Error, CustomStringConvertible {
    /// Nothing accepted the connection: safe to try another backend, nothing was sent.
    case unreachable(String)
    /// The connection broke or stalled after the request was sent.
    case broken(String)

    var description: String {
      switch self {
      case .unreachable(let reason): "unreachable: \(reason)"
      case .broken(let reason): "no complete answer: \(reason)"
      }
    }
  }

  private typealias Connection = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>

  /// Sends `head` (its authority becomes the `Host` header) and `body` to `host:port`.
  /// - Throws: `Failure`.
  static func send(
    _ head: HTTPRequest, body: ByteBuffer, host: String, port: Int, connectTimeout: Duration = .seconds(2),
    timeout: Duration = .seconds(30)
  ) async throws -> Answer {
    let connection: Connection
    do {
      connection = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connectTimeout(.milliseconds(connectTimeout.components.seconds * 1000))
        .connect(host: host, port: port) { channel in
          channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHTTPClientHandlers()
            return try Connection(wrappingChannelSynchronously: channel)
          }
        }
    } catch {
      throw Failure.unreachable(String(describing: error))
    }
    return try await withThrowingTaskGroup(of: Answer.self) { group in
      group.addTask { try await exchange(head, body: body, over: connection) }
      group.addTask {
        try await Task.sleep(for: timeout)
        throw Failure.broken("no answer within \(timeout)")
      }
      defer { group.cancelAll() }
      guard let answer = try await group.next() else { throw Failure.broken("no answer") }
      return answer
    }
  }

  private static func exchange(_ head: HTTPRequest, body: ByteBuffer, over connection: Connection) async throws
    -> Answer
  {
    var headers = HTTPHeaders(head.headerFields.map { ($0.name.rawName, $0.value) })
    if let authority = head.authority {
      headers.replaceOrAdd(name: "Host", value: authority)
    }
    let requestHead = HTTPRequestHead(
      version: .http1_1, method: NIOHTTP1.HTTPMethod(rawValue: head.method.rawValue), uri: head.path ?? "/",
      headers: headers)
    do {
      return try await connection.executeThenClose { inbound, outbound in
        try await outbound.write(.head(requestHead))
        if body.readableBytes > 0 {
          try await outbound.write(.body(.byteBuffer(body)))
        }
        try await outbound.write(.end(nil))
        var responseHead: HTTPResponseHead?
        var collected = ByteBuffer()
        for try await part in inbound {
          switch part {
          case .head(let received):
            if !(100..<200).contains(received.status.code) { responseHead = received }
          case .body(var chunk):
            collected.writeBuffer(&chunk)
          case .end:
            guard let responseHead else { throw Failure.broken("the answer ended before its head") }
            return Answer(head: Self.response(responseHead), body: collected)
          }
        }
        throw Failure.broken("the connection closed before the answer ended")
      }
    } catch let failure as Failure {
      throw failure
    } catch {
      throw Failure.broken(String(describing: error))
    }
  }

  /// An HTTP/1 response head as an `HTTPResponse`; a field whose name is not a valid token is dropped.
  private static func response(_ head: HTTPResponseHead) -> HTTPResponse {
    var fields = HTTPFields()
    for (name, value) in head.headers {
      guard let fieldName = HeaderName(name) else { continue }
      fields.append(HTTPFields.Element(name: fieldName, value: value))
    }
    return HTTPResponse(status: .init(code: Int(head.status.code)), headerFields: fields)
  }
}

// MARK: - Hop-by-hop headers

extension HTTPFields {
  /// The fields without those that concern one connection only (RFC 9110 §7.6.1) and without the length, which
  /// the forwarder sets again for the body it sends.
  func removingHopByHopFields() -> HTTPFields {
    var connectionOptions = Set<String>()
    for value in self[values: .connection] {
      for option in value.split(separator: ",") {
        connectionOptions.insert(option.trimmingCharacters(in: .whitespaces).lowercased())
      }
    }
    let hopByHop: Set<String> = [
      "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer",
      "transfer-encoding", "upgrade", "content-length",
    ]
    return HTTPFields(
      filter { field in
        let name = field.name.canonicalName
        return !hopByHop.contains(name) && !connectionOptions.contains(name)
      })
  }
}
