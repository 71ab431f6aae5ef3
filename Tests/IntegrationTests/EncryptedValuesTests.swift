import Foundation
import TestSupport
import Testing

/// PAWS keeps `paws/secrets.yaml` encrypted with git-crypt; CI, without the key, sees the ciphertext. A preview must
/// not show the release changing because of that, and must say "changed" when the encrypted file did change.
///
/// The repository here stands a deterministic filter in for git-crypt under its name (`filter=git-crypt` in
/// `.gitattributes`): its clean step writes git-crypt's ten-byte header and then the content in base64, its smudge
/// step reverses that. The bastion's clone has the filter configured (as `git-crypt unlock` configures it); CI's clone
/// has not, so its working tree holds the ciphertext, exactly as with git-crypt.
@Suite("git-crypt encrypted values files in previews")
struct EncryptedValuesTests {
  @discardableResult
  private static func git(_ arguments: [String], in directory: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "-C", directory] + arguments
    process.environment = ProcessInfo.processInfo.environment.merging([
      "GIT_AUTHOR_NAME": "ops", "GIT_AUTHOR_EMAIL": "ops@example.org", "GIT_COMMITTER_NAME": "ops",
      "GIT_COMMITTER_EMAIL": "ops@example.org", "GIT_CONFIG_NOSYSTEM": "1", "HOME": directory,
    ]) { $1 }
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let problem = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try #require(
      process.terminationStatus == 0,
      "git \(arguments.joined(separator: " ")): \(String(decoding: problem, as: UTF8.self))")
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Makes `workspace`'s folder a repository whose `paws/secrets.yaml` and the chart's `paws/files/secrets/**` are
  /// committed through the stand-in filter.
  private static func makeRepository(_ workspace: Workspace) throws {
    let root = workspace.path("")
    let filters = workspace.home.appendingPathComponent("filters").path
    try FileManager.default.createDirectory(atPath: filters, withIntermediateDirectories: true)
    let scripts = [
      "clean": "#!/bin/sh\nprintf '\\000GITCRYPT\\000'\nbase64 -w0\n",
      "smudge": "#!/bin/sh\ntail -c +11 | base64 -d\n",
    ]
    for (name, text) in scripts {
      try text.write(toFile: "\(filters)/\(name)", atomically: true, encoding: .utf8)
      chmod("\(filters)/\(name)", 0o755)
    }
    try "paws/secrets.yaml filter=git-crypt diff=git-crypt\npaws/files/secrets/** filter=git-crypt diff=git-crypt\n"
      .write(
        toFile: root + "/.gitattributes", atomically: true, encoding: .utf8)
    try "state/\nplans/\nclouds.yaml\ncloud.sqlite*\n".write(
      toFile: root + "/.gitignore", atomically: true, encoding: .utf8)
    try git(["init", "-q", "-b", "main"], in: root)
    try git(["config", "filter.git-crypt.clean", filters + "/clean"], in: root)
    try git(["config", "filter.git-crypt.smudge", filters + "/smudge"], in: root)
    try git(["add", "-A"], in: root)
    try git(["commit", "-q", "-m", "PAWS"], in: root)
  }

  private static func write(_ text: String, to path: String) throws {
    try FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try text.write(toFile: path, atomically: true, encoding: .utf8)
  }

  /// Brings `workspace`'s folder to `source`'s latest commit, without any filter: encrypted files stay ciphertext.
  private static func checkOut(_ source: Workspace, into workspace: Workspace) throws {
    let root = workspace.path("")
    if !FileManager.default.fileExists(atPath: root + "/.git") { try git(["init", "-q", "-b", "main"], in: root) }
    try git(["fetch", "-q", source.path(""), "main"], in: root)
    try git(["checkout", "-q", "-f", "FETCH_HEAD"], in: root)
  }

  @Test("unchanged ciphertext plans no change; changed ciphertext says so; the saved preview cannot be applied")
  func previewWithoutTheKey() async throws {
    var fixture = try DesiredStateFixture.eqiad1()
    try fixture.addKubernetesWork()
    let desired = DesiredStateFixture(text: fixture.text + "state:\n  publish:\n    container: paws-state\n")
    let bastion = try Workspace.with(desired)
    try bastion.writeKubernetesSources()
    try Self.write("not-a-real-key\n", to: bastion.path("paws/files/secrets/hub.key"))
    try Self.makeRepository(bastion)
    let cloudsYAML = bastion.home.appendingPathComponent("clouds.yaml").path
    let server = try bastion.start(
      [
        "simulator", "serve", "--port", "0", "--database", bastion.home.appendingPathComponent("cloud.sqlite").path,
        "--clouds-yaml", cloudsYAML, "--play-kubernetes",
      ])
    try await server.waitForOutput("Ctrl-C stops it.", timeout: .seconds(60))
    let cloud = ["OS_CLIENT_CONFIG_FILE": cloudsYAML]
    try requireExit(
      0, try await bastion.run(["apply", "eqiad1", "--cloud", "simulator", "--auto-approve"], environment: cloud))
    let committed = try Self.git(["rev-parse", "HEAD:paws/secrets.yaml"], in: bastion.path(""))
    let shown = try requireExit(0, try await bastion.run(["state", "show", "eqiad1", "helm_release.127d.paws"]))
    #expect(shown.stdout.contains("values_git_blobs") && shown.stdout.contains(committed), "\(shown)")
    #expect(shown.stdout.contains("chart_git_identity"), "\(shown)")

    let key = try String(contentsOfFile: bastion.path("state/eqiad1/digest.key"), encoding: .utf8)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let ci = cloud.merging(["CUTOVER_DIGEST_KEY": key]) { $1 }
    let runner = try Workspace()
    try Self.checkOut(bastion, into: runner)
    let ciphertext = try Data(contentsOf: URL(fileURLWithPath: runner.path("paws/secrets.yaml")))
    #expect(ciphertext.starts(with: Data([0] + Array("GITCRYPT".utf8) + [0])), "CI holds the ciphertext")
    let chartSecret = try Data(contentsOf: URL(fileURLWithPath: runner.path("paws/files/secrets/hub.key")))
    #expect(chartSecret.starts(with: Data([0] + Array("GITCRYPT".utf8) + [0])), "and the chart's secret as such")

    let preview = ["plan", "eqiad1", "--cloud", "simulator", "--from-snapshot", "--no-refresh", "--detailed-exitcode"]
    let same = try requireExit(0, try await runner.run(preview, environment: ci))
    #expect(same.stdout.contains("No changes."), "\(same)")
    #expect(same.stdout.contains("preview only") || same.stderr.contains("preview only"), "\(same)")

    // The secrets change on the bastion and are committed (encrypted); CI sees only that the ciphertext changed.
    try "jupyterhub:\n  hub:\n    db: {password: another-one}\n".write(
      toFile: bastion.path("paws/secrets.yaml"), atomically: true, encoding: .utf8)
    try Self.git(["commit", "-q", "-am", "Rotate the hub's database password"], in: bastion.path(""))
    try Self.checkOut(bastion, into: runner)
    let changed = try requireExit(
      2, try await runner.run(preview + ["--out", runner.path("preview.plan")], environment: ci))
    #expect(changed.stdout.contains("helm_release.127d.paws will be updated in place"), "\(changed)")
    #expect(changed.stdout.contains("(encrypted here; content not shown)"), "\(changed)")
    #expect(!changed.stdout.contains("another-one"))
    #expect(!changed.stdout.contains("chart_sha256"), "the chart's encrypted file did not change: \(changed)")
    let markdown = try requireExit(2, try await runner.run(preview + ["--format", "markdown"], environment: ci))
    #expect(markdown.stdout.contains("**Preview only:**"), "\(markdown)")

    // A secret file inside the local chart changes: its ciphertext does, and the chart shows changed, unreadable.
    try Self.write("another-key\n", to: bastion.path("paws/files/secrets/hub.key"))
    try Self.git(["commit", "-q", "-am", "Rotate the hub's key"], in: bastion.path(""))
    try Self.checkOut(bastion, into: runner)
    let chart = try requireExit(2, try await runner.run(preview, environment: ci))
    #expect(
      chart.stdout.split(separator: "\n").contains { $0.contains("chart_sha256") && $0.contains("(encrypted here") },
      "\(chart)")
    #expect(!chart.stdout.contains("another-key"))

    let refused = try requireExit(
      1, try await runner.run(["apply", runner.path("preview.plan"), "--cloud", "simulator"], environment: ci))
    #expect(refused.stderr.contains("this plan is a preview only"), "\(refused)")
    _ = try await server.killAndWait()
  }
}
