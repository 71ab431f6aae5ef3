import Foundation
import Hummingbird
import Synchronization

/// A local stand-in of the GitHub REST endpoints `cutover ci comment` uses, shaped from GitHub's REST documentation
/// ("Issue comments"): list an issue's comments (`GET /repos/{owner}/{repo}/issues/{number}/comments`, paged with
/// `per_page`/`page` and a `Link` header), create one (`POST` there, 201) and update one
/// (`PATCH /repos/{owner}/{repo}/issues/comments/{id}`, 200). A wrong token answers 401 `{"message": "Bad
/// credentials"}`, a repository other than its own 404 `{"message": "Not Found"}`, both with `documentation_url`.
final class GitHubStandIn: Sendable {
  struct Comment: Sendable, Equatable {
    var id: Int
    var issue: Int
    var body: String
  }

  struct Recorded: Sendable {
    var method: String
    var path: String
    var authorization: String?
  }

  let owner = "wikimedia"
  let repository = "paws"
  let token: String
  /// At most this many comments a page, whatever `per_page` asks: small, so tests page.
  let pageSize: Int
  private let state = Mutex<(comments: [Comment], nextID: Int, requests: [Recorded])>(([], 1000, []))
  private let server: Task<Void, any Error>
  let port: Int

  var apiURL: String { "http://127.0.0.1:\(port)" }
  var comments: [Comment] { state.withLock { $0.comments } }
  var requests: [Recorded] { state.withLock { $0.requests } }

  /// Adds a comment someone else wrote.
  func add(issue: Int, body: String) {
    state.withLock { state in
      state.comments.append(Comment(id: state.nextID, issue: issue, body: body))
      state.nextID += 1
    }
  }

  private init(token: String, pageSize: Int, port: Int, server: Task<Void, any Error>) {
    self.token = token
    self.pageSize = pageSize
    self.port = port
    self.server = server
  }

  deinit { server.cancel() }

  static func start(token: String = "ghs_standin_token", pageSize: Int = 2) async throws -> GitHubStandIn {
    let (ports, sink) = AsyncStream.makeStream(of: Int.self)
    let box = Box()
    let router = Router()
    router.get("/repos/:owner/:repo/issues/:number/comments") { request, context in
      await answering { try box.standIn.list(request, context) }
    }
    router.post("/repos/:owner/:repo/issues/:number/comments") { request, context in
      await answering { try await box.standIn.create(request, context) }
    }
    router.patch("/repos/:owner/:repo/issues/comments/:id") { request, context in
      await answering { try await box.standIn.update(request, context) }
    }
    let application = Application(
      router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
      onServerRunning: { channel in
        sink.yield(channel.localAddress?.port ?? 0)
        sink.finish()
      })
    let server = Task { try await application.run() }
    var port = 0
    for await bound in ports {
      port = bound
      break
    }
    let standIn = GitHubStandIn(token: token, pageSize: pageSize, port: port, server: server)
    box.set(standIn)
    return standIn
  }

  func stop() async {
    server.cancel()
    _ = try? await server.value
  }

  // MARK: - Routes

  private func check(_ request: Request, _ context: BasicRequestContext) throws -> Int? {
    state.withLock {
      $0.requests.append(
        Recorded(
          method: request.method.rawValue, path: request.uri.path,
          authorization: request.headers[.authorization]))
    }
    guard request.headers[.authorization] == "Bearer \(token)" else {
      throw Self.error(.unauthorized, "Bad credentials")
    }
    guard context.parameters.get("owner") == owner, context.parameters.get("repo") == repository else {
      throw Self.error(.notFound, "Not Found")
    }
    return context.parameters.get("number").flatMap { Int($0) }
  }

  private func list(_ request: Request, _ context: BasicRequestContext) throws -> Response {
    let issue = try check(request, context) ?? 0
    let perPage = min(request.uri.queryParameters.get("per_page").flatMap { Int($0) } ?? 30, pageSize)
    let page = max(request.uri.queryParameters.get("page").flatMap { Int($0) } ?? 1, 1)
    let all = comments.filter { $0.issue == issue }
    let slice = all.dropFirst((page - 1) * perPage).prefix(perPage)
    var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
    let last = max(1, (all.count + perPage - 1) / perPage)
    if page < last {
      let base = "\(apiURL)/repos/\(owner)/\(repository)/issues/\(issue)/comments?per_page=\(perPage)"
      headers[HTTPFields.Element.Name("Link")!] =
        "<\(base)&page=\(page + 1)>; rel=\"next\", <\(base)&page=\(last)>; rel=\"last\""
    }
    return Self.json(.ok, slice.map(self.document), headers: headers)
  }

  private func create(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
    let issue = try check(request, context) ?? 0
    let body = try await Self.body(request)
    let comment = state.withLock { state in
      let comment = Comment(id: state.nextID, issue: issue, body: body)
      state.comments.append(comment)
      state.nextID += 1
      return comment
    }
    return Self.json(.created, document(comment))
  }

  private func update(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
    _ = try check(request, context)
    let id = context.parameters.get("id").flatMap { Int($0) } ?? -1
    let body = try await Self.body(request)
    let updated = state.withLock { state -> Comment? in
      guard let index = state.comments.firstIndex(where: { $0.id == id }) else { return nil }
      state.comments[index].body = body
      return state.comments[index]
    }
    guard let updated else { throw Self.error(.notFound, "Not Found") }
    return Self.json(.ok, document(updated))
  }

  // MARK: - Documents

  private func document(_ comment: Comment) -> [String: Any] {
    [
      "id": comment.id, "body": comment.body, "user": ["login": "github-actions[bot]"],
      "html_url": "https://github.com/\(owner)/\(repository)/pull/\(comment.issue)#issuecomment-\(comment.id)",
      "url": "\(apiURL)/repos/\(owner)/\(repository)/issues/comments/\(comment.id)",
    ]
  }

  private static func body(_ request: Request) async throws -> String {
    let buffer = try await request.body.collect(upTo: 1 << 20)
    guard let object = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any],
      let body = object["body"] as? String
    else { throw error(.unprocessableContent, "Invalid request.\n\n\"body\" wasn't supplied.") }
    return body
  }

  private static func json(_ status: HTTPResponse.Status, _ object: Any, headers: HTTPFields = [:]) -> Response {
    var headers = headers
    headers[.contentType] = "application/json; charset=utf-8"
    let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
  }

  /// GitHub's error document: `{"message", "documentation_url", "status"}`.
  private struct Refusal: Error {
    var status: HTTPResponse.Status
    var message: String
  }

  private static func error(_ status: HTTPResponse.Status, _ message: String) -> Refusal {
    Refusal(status: status, message: message)
  }

  private static func answering(_ body: () async throws -> Response) async -> Response {
    do {
      return try await body()
    } catch let refusal as Refusal {
      return json(
        refusal.status,
        [
          "message": refusal.message, "documentation_url": "https://docs.github.com/rest",
          "status": String(refusal.status.code),
        ])
    } catch {
      return json(.internalServerError, ["message": "\(error)"])
    }
  }

  /// Lets the routes, made before the stand-in, reach it.
  private final class Box: Sendable {
    private let value = Mutex<GitHubStandIn?>(nil)
    func set(_ standIn: GitHubStandIn) { value.withLock { $0 = standIn } }
    var standIn: GitHubStandIn {
      get throws {
        guard let standIn = value.withLock({ $0 }) else { throw HTTPError(.serviceUnavailable) }
        return standIn
      }
    }
  }
}
