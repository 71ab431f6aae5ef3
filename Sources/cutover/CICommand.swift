import ArgumentParser
import CutoverKit
import Foundation
import OpenStack

/// `cutover ci comment ENV FILE`: what a pull request's workflow runs after `plan`.
struct CICommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ci", abstract: "What a pull request's workflow runs: post the plan as a comment.",
    subcommands: [Comment.self])

  struct Comment: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "comment",
      abstract: "Post FILE (a markdown plan) as the pull request's comment for ENV: edit it if there is one.",
      discussion: """
        Reads GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH (for the pull request's number) and GITHUB_API_URL \
        (default https://api.github.com), as GitHub Actions sets them. The comment carries a hidden marker naming \
        ENV, so each run edits the same one.
        """)
    @Argument(help: "The environment the plan is of.") var environment: String
    @Argument(help: "The markdown file (`cutover plan ENV --format markdown > FILE`).") var file: String
    @OptionGroup var global: GlobalOptions

    func run() async throws {
      try await reportingErrors {
        try EnvironmentName.validate(environment)
        guard let data = FileManager.default.contents(atPath: file) else {
          throw CutoverError.usage("\(file): no such file")
        }
        let context = try PullRequestComments.Context(environment: ProcessInfo.processInfo.environment)
        let transport = try AsyncHTTPClientTransport()
        let outcome: PullRequestComments.Outcome
        do {
          outcome = try await PullRequestComments(context: context, transport: transport)
            .post(environment: environment, markdown: String(decoding: data, as: UTF8.self))
        } catch {
          try? await transport.shutdown()
          throw error
        }
        try? await transport.shutdown()
        switch outcome {
        case .created(let id, let url):
          Terminal.line("Created comment \(id) on pull request #\(context.number)\(url.map { ": \($0)" } ?? "").")
        case .updated(let id, let url):
          Terminal.line("Updated comment \(id) on pull request #\(context.number)\(url.map { ": \($0)" } ?? "").")
        }
      }
    }
  }
}
