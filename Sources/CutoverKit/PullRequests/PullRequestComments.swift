import Foundation
import OpenStack

/// One comment per environment on a pull request, kept up to date: the comment carrying the environment's hidden
/// marker is edited, else one is created, so a pull request never holds two for one environment.
///
/// It speaks GitHub's REST API as GitHub Actions reaches it: `GITHUB_TOKEN`, `GITHUB_REPOSITORY` (`owner/name`),
/// `GITHUB_EVENT_PATH` (the event's JSON, which holds the pull request's number) and `GITHUB_API_URL` (by default
/// `https://api.github.com`). The calls: list an issue's comments (`GET /repos/{owner}/{repo}/issues/{number}/comments`,
/// page after page through the `Link` header), create one (`POST` there), edit one
/// (`PATCH /repos/{owner}/{repo}/issues/comments/{id}`).
public struct PullRequestComments: Sendable {
  /// Where a run of GitHub Actions says it is.
  public struct Context: Sendable, Equatable {
    public var apiURL: String
    public var owner: String
    public var repository: String
    public var number: Int
    public var token: String

    /// Reads the variables GitHub Actions sets.
    /// - Throws: `CutoverError.usage` naming the variable that is missing or malformed (never the token's value).
    public init(environment: [String: String]) throws {
      func required(_ name: String) throws -> String {
        guard let value = environment[name], !value.isEmpty else {
          throw CutoverError.usage(
            "\(name) is not set: `cutover ci comment` runs in GitHub Actions, which sets it (see the README)")
        }
        return value
      }
      token = try required("GITHUB_TOKEN")
      let repository = try required("GITHUB_REPOSITORY").split(separator: "/").map(String.init)
      guard repository.count == 2, !repository[0].isEmpty, !repository[1].isEmpty else {
        throw CutoverError.usage("GITHUB_REPOSITORY must be OWNER/NAME, not '\(environment["GITHUB_REPOSITORY"]!)'")
      }
      (owner, self.repository) = (repository[0], repository[1])
      let eventPath = try required("GITHUB_EVENT_PATH")
      guard let data = FileManager.default.contents(atPath: eventPath) else {
        throw CutoverError.usage("GITHUB_EVENT_PATH: cannot read \(eventPath)")
      }
      guard let event = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
        let number = (event["pull_request"] as? [String: Any])?["number"] as? Int ?? event["number"] as? Int
      else {
        throw CutoverError.usage(
          "\(eventPath) is not a pull request's event (no pull_request.number): comment only on pull requests")
      }
      self.number = number
      var api = environment["GITHUB_API_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://api.github.com"
      while api.hasSuffix("/") { api.removeLast() }
      apiURL = api
    }
  }

  /// What posting did.
  public enum Outcome: Sendable, Equatable {
    case created(id: Int, url: String?)
    case updated(id: Int, url: String?)
  }

  public let context: Context
  let transport: any HTTPTransport

  public init(context: Context, transport: any HTTPTransport) {
    self.context = context
    self.transport = transport
  }

  /// The hidden line that marks an environment's comment.
  public static func marker(environment: String) -> String {
    "<!-- cutover-plan: \(environment) -->"
  }

  /// Posts `markdown` as the environment's comment: edits the one carrying its marker, else creates it.
  public func post(environment: String, markdown: String) async throws -> Outcome {
    let marker = Self.marker(environment: environment)
    let body = MarkdownPlanRenderer.fitted(markdown, limit: 65_536 - marker.utf8.count - 1) + "\n" + marker
    let payload = try JSONSerialization.data(withJSONObject: ["body": body])
    let issue = "\(context.apiURL)/repos/\(context.owner)/\(context.repository)/issues"
    if let existing = try await comments().first(where: { $0.body.contains(marker) }) {
      let response = try await send("PATCH", "\(issue)/comments/\(existing.id)", body: payload, expect: 200)
      return .updated(id: existing.id, url: try Self.comment(response).url)
    }
    let response = try await send("POST", "\(issue)/\(context.number)/comments", body: payload, expect: 201)
    let created = try Self.comment(response)
    return .created(id: created.id, url: created.url)
  }

  /// Every comment of the pull request, page after page.
  func comments() async throws -> [(id: Int, body: String, url: String?)] {
    var url: String? =
      "\(context.apiURL)/repos/\(context.owner)/\(context.repository)/issues/\(context.number)/comments?per_page=100"
    var comments: [(id: Int, body: String, url: String?)] = []
    var pages = 0
    while let next = url {
      pages += 1
      guard pages <= 1_000 else { throw CutoverError.cloud("GitHub: more than 1,000 pages of comments") }
      let response = try await send("GET", next, body: nil, expect: 200)
      guard let list = try? JSONSerialization.jsonObject(with: response.body) as? [[String: Any]] else {
        throw CutoverError.cloud("GitHub: GET \(Self.path(next)) did not answer a list of comments")
      }
      for item in list {
        guard let id = item["id"] as? Int else { continue }
        comments.append((id, item["body"] as? String ?? "", item["html_url"] as? String))
      }
      url = Self.nextPage(response.header("link"))
    }
    return comments
  }

  /// The `rel="next"` URL of a `Link` header.
  static func nextPage(_ link: String?) -> String? {
    guard let link else { return nil }
    for part in link.split(separator: ",") {
      let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
      guard pieces.count >= 2, pieces[1...].contains(where: { $0 == "rel=\"next\"" }),
        pieces[0].hasPrefix("<"), pieces[0].hasSuffix(">")
      else { continue }
      return String(pieces[0].dropFirst().dropLast())
    }
    return nil
  }

  private func send(_ method: String, _ url: String, body: Data?, expect: Int) async throws -> HTTPResponse {
    var headers = [
      ("Authorization", "Bearer \(context.token)"), ("Accept", "application/vnd.github+json"),
      ("X-GitHub-Api-Version", "2022-11-28"), ("User-Agent", "cutover"),
    ]
    if body != nil { headers.append(("Content-Type", "application/json")) }
    let response: HTTPResponse
    do {
      response = try await transport.send(
        HTTPRequest(method: method, url: url, headers: headers, body: body), timeout: .seconds(30))
    } catch {
      throw CutoverError.cloud(
        "GitHub: \(method) \(Self.path(url)) got no answer: \(String(describing: error))"
          .replacingOccurrences(of: context.token, with: "<redacted>"))
    }
    guard response.status == expect else {
      let message =
        (try? JSONSerialization.jsonObject(with: response.body) as? [String: Any])?["message"] as? String
        ?? String(decoding: response.body.prefix(300), as: UTF8.self)
      var text = "GitHub: \(method) \(Self.path(url)) answered \(response.status): \(message)"
      if [401, 403, 404].contains(response.status) {
        text += " (the token needs `pull-requests: write` on \(context.owner)/\(context.repository))"
      }
      throw CutoverError.cloud(text.replacingOccurrences(of: context.token, with: "<redacted>"))
    }
    return response
  }

  private static func comment(_ response: HTTPResponse) throws -> (id: Int, url: String?) {
    guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
      let id = object["id"] as? Int
    else { throw CutoverError.cloud("GitHub answered a comment without an id") }
    return (id, object["html_url"] as? String)
  }

  /// A URL's path and query, as messages show it.
  private static func path(_ url: String) -> String {
    guard let components = URLComponents(string: url) else { return url }
    return components.path + (components.query.map { "?" + $0 } ?? "")
  }
}
