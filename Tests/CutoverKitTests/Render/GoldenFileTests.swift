import Foundation
import Testing

@Suite("Rendered plans match their golden files")
struct GoldenFileTests {
  @Test(
    "each plan renders in each format exactly as its golden file", arguments: GoldenPlan.allCases, PlanFormat.allCases)
  func matchesGoldenFile(plan: GoldenPlan, format: PlanFormat) throws {
    let output = try format.render(plan.plan())
    try GoldenFile.check(output, matches: "\(plan.rawValue).\(format.rawValue)")
  }
}

/// The markdown as GitHub shows it: each golden plan rendered to HTML by a GitHub-flavoured markdown renderer
/// (Debian's `cmark-gfm`, with GitHub's table, strikethrough, autolink and tag-filter extensions), compared with its
/// golden HTML, so a table that stops being a table or a `<details>` block that swallows the rest shows as a diff.
@Suite("Markdown plans as GitHub renders them")
struct MarkdownRenderingTests {
  @Test(
    "each golden plan's markdown renders through cmark-gfm exactly as its golden HTML", arguments: GoldenPlan.allCases)
  func rendersAsGitHubWould(plan: GoldenPlan) throws {
    let rendered = try plan.plan()
    let html = try Self.cmarkGFM(try PlanFormat.markdown.render(rendered))
    try GoldenFile.check(html, matches: "\(plan.rawValue).gfm.html")
    guard rendered.hasChanges else { return }
    #expect(html.contains("<table>"), "the summary is a table")
    #expect(html.contains("<details>") && html.contains("<code class=\"language-diff\">"), "diff blocks stay blocks")
  }

  /// `cmark-gfm` on the PATH, which `scripts/test` installs.
  static func cmarkGFM(_ markdown: String) throws -> String {
    let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
      .map { "\($0)/cmark-gfm" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    let executable = try #require(
      path, "cmark-gfm is not on PATH: run scripts/test, which installs it (apt-get install cmark-gfm)")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    // `--unsafe` keeps the raw `<details>` HTML a comment carries, as GitHub does.
    process.arguments = ["--unsafe"] + ["table", "strikethrough", "autolink", "tagfilter"].flatMap { ["-e", $0] }
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(Data(markdown.utf8))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0, "cmark-gfm exited \(process.terminationStatus)")
    return String(decoding: data, as: UTF8.self)
  }
}
