import Foundation
import TestSupport
import Testing

/// `cutover ci comment ENV FILE` against a local stand-in of GitHub's issue-comment endpoints.
@Suite("ci comment: one comment per environment per pull request")
struct CICommentTests {
  /// The variables GitHub Actions sets, for pull request #42 of the stand-in's repository.
  private static func actions(_ github: GitHubStandIn, in workspace: Workspace, token: String? = nil) throws
    -> [String: String]
  {
    let event = workspace.path("event.json")
    try Data(#"{"action": "synchronize", "number": 42, "pull_request": {"number": 42}}"#.utf8)
      .write(to: URL(fileURLWithPath: event))
    return [
      "GITHUB_TOKEN": token ?? github.token, "GITHUB_REPOSITORY": "\(github.owner)/\(github.repository)",
      "GITHUB_EVENT_PATH": event, "GITHUB_API_URL": github.apiURL,
    ]
  }

  private static func write(_ text: String, to name: String, in workspace: Workspace) throws -> String {
    let path = workspace.path(name)
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test("the first run creates the comment, the second edits it, through pages of others'; three environments, three")
  func createThenEdit() async throws {
    let github = try await GitHubStandIn.start()
    let workspace = try Workspace()
    // Five comments by reviewers first, so the stand-in's pages of two are followed to find Cutover's.
    for index in 1...5 { github.add(issue: 42, body: "review \(index)") }
    github.add(issue: 7, body: "another pull request's")
    let environment = try Self.actions(github, in: workspace)

    let first = try Self.write("### Cutover plan for `eqiad1`\n\nfirst\n", to: "first.md", in: workspace)
    let created = try requireExit(
      0, try await workspace.run(["ci", "comment", "eqiad1", first], environment: environment))
    #expect(created.stdout.hasPrefix("Created comment "), "\(created)")
    let second = try Self.write("### Cutover plan for `eqiad1`\n\nsecond\n", to: "second.md", in: workspace)
    let updated = try requireExit(
      0, try await workspace.run(["ci", "comment", "eqiad1", second], environment: environment))
    #expect(updated.stdout.hasPrefix("Updated comment "), "\(updated)")

    let ours = github.comments.filter { $0.body.contains("<!-- cutover-plan: eqiad1 -->") }
    #expect(ours.count == 1 && ours.first?.body.contains("second") == true, "\(github.comments)")
    #expect(ours.first?.issue == 42)
    #expect(github.requests.contains { $0.method == "PATCH" }, "the second run edits")
    #expect(github.requests.allSatisfy { $0.authorization == "Bearer \(github.token)" })

    for name in ["codfw", "eqiad1-canary"] {
      try requireExit(0, try await workspace.run(["ci", "comment", name, first], environment: environment))
    }
    try requireExit(0, try await workspace.run(["ci", "comment", "codfw", second], environment: environment))
    let cutovers = github.comments.filter { $0.body.contains("<!-- cutover-plan: ") }
    #expect(cutovers.count == 3, "\(github.comments)")
    #expect(github.comments.filter { $0.body.hasPrefix("review") }.count == 5, "others' comments untouched")
    await github.stop()
  }

  @Test("a refused token exits 1 with GitHub's message and never prints the token; missing variables are usage errors")
  func refusals() async throws {
    let github = try await GitHubStandIn.start()
    let workspace = try Workspace()
    let plan = try Self.write("plan\n", to: "plan.md", in: workspace)
    let wrong = try Self.actions(github, in: workspace, token: "ghs_wrong_secret_token")
    let refused = try requireExit(1, try await workspace.run(["ci", "comment", "eqiad1", plan], environment: wrong))
    #expect(refused.stderr.contains("answered 401: Bad credentials"), "\(refused)")
    #expect(!refused.stderr.contains("ghs_wrong_secret_token") && !refused.stdout.contains("ghs_wrong_secret_token"))
    #expect(github.comments.isEmpty)

    var elsewhere = try Self.actions(github, in: workspace)
    elsewhere["GITHUB_REPOSITORY"] = "someone/else"
    let notFound = try requireExit(
      1, try await workspace.run(["ci", "comment", "eqiad1", plan], environment: elsewhere))
    #expect(notFound.stderr.contains("answered 404: Not Found"), "\(notFound)")

    let missing = try requireExit(
      64, try await workspace.run(["ci", "comment", "eqiad1", plan], unsetting: ["GITHUB_TOKEN"]))
    #expect(missing.stderr.contains("GITHUB_TOKEN is not set"), "\(missing)")
    await github.stop()
  }

  @Test("a body over GitHub's limit is cut to fit, marker kept")
  func longBody() async throws {
    let github = try await GitHubStandIn.start()
    let workspace = try Workspace()
    let long = try Self.write(
      String(repeating: "line of a very long plan\n", count: 5_000), to: "long.md", in: workspace)
    try requireExit(
      0,
      try await workspace.run(["ci", "comment", "eqiad1", long], environment: try Self.actions(github, in: workspace)))
    let body = try #require(github.comments.first?.body)
    #expect(body.utf8.count <= 65_536 && body.hasSuffix("<!-- cutover-plan: eqiad1 -->"))
    await github.stop()
  }
}
