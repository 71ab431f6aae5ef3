import Foundation
import TestSupport
import Testing

/// Snapshots published to OpenStack Swift itself — Debian's packages, one node on loopback, started by
/// `scripts/swift-aio` — reached as python-swiftclient reaches it, by `OS_STORAGE_URL` and `OS_AUTH_TOKEN`; the
/// listing read back by the real `openstack` CLI; the state pulled into a clone with none.
@Suite("state snapshots on a real Swift")
struct RealSwiftTests {
  /// A running Swift all-in-one: where its account is, a token for it, and how to stop it.
  private struct SwiftAIO {
    let directory: URL
    let storageURL: String
    let token: String

    /// Starts Swift with `scripts/swift-aio` and asks tempauth for the storage URL and a token, as
    /// python-swiftclient's `swift auth` does; stops it again when that fails.
    static func start() async throws -> SwiftAIO {
      let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("cutover-swift-\(UUID().uuidString)")
      let started = try await ProgramRun.run(script, ["start", directory.path])
      try #require(started.exitCode == 0, "Swift did not start (scripts/test installs it): \(started)")
      do {
        let authURL = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let curl = try #require(ProgramRun.onPath("curl"), "curl is not on PATH: run scripts/test, which installs it")
        // tempauth: GET /auth/v1.0 with the user and key answers the storage URL and a token in headers.
        let auth = try await ProgramRun.run(
          curl,
          [
            "-fsS", "-D", "-", "-o", "/dev/null", "-H", "X-Auth-User: test:tester", "-H", "X-Auth-Key: testing",
            authURL,
          ])
        func header(_ name: String) -> String? {
          auth.stdout.split(separator: "\r\n").first { $0.lowercased().hasPrefix(name + ":") }
            .map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
        }
        let storageURL = try #require(header("x-storage-url"), "\(auth)")
        let token = try #require(header("x-auth-token"), "\(auth)")
        return SwiftAIO(directory: directory, storageURL: storageURL, token: token)
      } catch {
        await SwiftAIO(directory: directory, storageURL: "", token: "").stop()
        throw error
      }
    }

    /// Stops the servers and removes their files.
    func stop() async {
      _ = try? await ProgramRun.run(Self.script, ["stop", directory.path])
      try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `body` with a Swift started for it, and stops Swift however `body` ends.
    static func with(_ body: (SwiftAIO) async throws -> Void) async throws {
      let swift = try await start()
      do {
        try await body(swift)
      } catch {
        await swift.stop()
        throw error
      }
      await swift.stop()
    }

    /// `scripts/swift-aio` in the checkout.
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("scripts/swift-aio")
  }

  @Test("apply publishes to Swift; the openstack CLI lists it; a clone pulls it and plans no change")
  func publishListPull() async throws {
    try await SwiftAIO.with(publishListPull)
  }

  private func publishListPull(_ swift: SwiftAIO) async throws {
    let desired = DesiredStateFixture(
      text: try DesiredStateFixture.eqiad1().text + "state:\n  publish:\n    container: paws-state\n")
    let bastion = try Workspace.with(desired)
    let store = ["OS_STORAGE_URL": swift.storageURL, "OS_AUTH_TOKEN": swift.token]
    let apply = try requireExit(0, try await bastion.apply(environment: store))
    #expect(!apply.stderr.contains("could not publish"), "\(apply)")
    #expect(!apply.stdout.contains(swift.token) && !apply.stderr.contains(swift.token))

    // The real CLI, given the same URL and token, reads the container Cutover made, private.
    let cli = try OpenStackCLI(cloudsYAML: bastion.path("no-clouds.yaml"), cloud: nil, home: bastion.home)
    let listing = try await cli.run(
      ["--os-auth-type", "admin_token", "--os-token", swift.token, "--os-endpoint", swift.storageURL]
        + ["object", "list", "paws-state", "-f", "value"])
    #expect(listing.exitCode == 0, "\(listing)")
    #expect(listing.stdout.contains("eqiad1/index.json") && listing.stdout.contains("eqiad1/snapshots/"), "\(listing)")
    let curl = try #require(ProgramRun.onPath("curl"))
    let head = try await ProgramRun.run(
      curl, ["-fsS", "-I", "-H", "X-Auth-Token: \(swift.token)", swift.storageURL + "/paws-state"])
    #expect(head.exitCode == 0, "\(head)")
    #expect(!head.stdout.lowercased().contains("x-container-read"), "created private: \(head)")

    let key = try String(contentsOfFile: bastion.path("state/eqiad1/digest.key"), encoding: .utf8)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let clone = try Workspace.with(desired)
    let withKey = store.merging(["CUTOVER_DIGEST_KEY": key]) { $1 }
    let preview = try requireExit(
      0,
      try await clone.run(
        ["plan", "eqiad1", "--simulate", "--from-snapshot", "--no-refresh", "--detailed-exitcode"], environment: withKey
      ))
    #expect(preview.stdout.contains("No changes."), "\(preview)")
    let pull = try requireExit(
      0, try await clone.run(["state", "pull", "eqiad1", "--simulate", "--no-kubeconfigs"], environment: withKey))
    #expect(pull.stdout.contains("Pulled eqiad1 serial"), "\(pull)")
    let plan = try requireExit(
      0,
      try await clone.run(
        ["plan", "eqiad1", "--simulate", "--no-refresh", "--detailed-exitcode"], environment: withKey))
    #expect(plan.stdout.contains("No changes."), "\(plan)")
  }
}
