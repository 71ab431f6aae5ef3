import Foundation
import Hummingbird

/// Builders for the response bodies the simulated services send.
enum JSONResponse {
  // MARK: - Bodies

  /// A JSON body with `Content-Type: application/json`.
  static func make(_ status: HTTPResponse.Status, _ body: JSONValue, headers: HTTPFields = [:]) -> Response {
    var headers = headers
    headers[.contentType] = "application/json"
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body.serialized())))
  }

  /// A plain-text body, as the Flask-based web-proxy API answers errors.
  static func text(_ status: HTTPResponse.Status, _ text: String, headers: HTTPFields = [:]) -> Response {
    var headers = headers
    headers[.contentType] = "text/html; charset=utf-8"
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
  }

  /// No body at all (204, or a 200 that carries nothing).
  static func empty(_ status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
    if status == .noContent {
      return Response(status: status, headers: headers)
    }
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer()))
  }
}
