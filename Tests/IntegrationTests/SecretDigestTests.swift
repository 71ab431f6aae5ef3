import CutoverKit
import Foundation
import TestSupport
import Testing

/// Nothing in the state, a saved plan or a plan's output lets a secret be recovered by trying candidates: what may
/// hold one is recorded and shown only as a digest keyed with a key kept outside the state.
@Suite("secrets: keyed digests and private plan files")
struct SecretDigestTests {
  private let password = "vrrp-pw1"

  /// The bytes of the state (with its write-ahead log) and of a saved plan, as text.
  private func files(_ workspace: Workspace, _ paths: [String]) -> String {
    paths.map { String(decoding: FileManager.default.contents(atPath: $0) ?? Data(), as: UTF8.self) }.joined()
  }

  @Test("an 8-character VRRP password is nowhere as a plain digest: not in state, not in a saved plan (0600)")
  func noPlainDigestOfAPassword() async throws {
    let workspace = try await Workspace.withLoadBalancerHosts(deliver: false)
    let environment = [DesiredStateFixture.vrrpSecretVariable: password]
    try requireExit(0, try await workspace.apply(environment: environment))
    let rotated = [DesiredStateFixture.vrrpSecretVariable: "vrrp-pw2"]
    let plan = try requireExit(0, try await workspace.plan(["--out", "plans/rotate.plan"], environment: rotated))
    #expect(plan.stdout.contains("(sensitive)"), "\(plan)")

    #expect(try workspace.permissions("plans/rotate.plan") == 0o600)
    #expect(try workspace.permissions("state/eqiad1/digest.key") == 0o600)
    let text = files(
      workspace, [workspace.stateFile(), workspace.stateFile() + "-wal", workspace.path("plans/rotate.plan")])
    for secret in [password, "vrrp-pw2"] {
      let plain = String(Value.string(secret).sha256Digest.dropFirst("sha256:".count))
      #expect(!text.contains(secret))
      #expect(!text.contains(plain), "the plain SHA-256 of \(secret) would be reversed by trying passwords")
    }
    let store = try #require(try workspace.stateStore())
    let keepalived = try #require(try store.resource(ResourceAddress(type: "keepalived", name: "paws-k8s-haproxy-1")))
    #expect(SensitiveDigester.isDigest(try #require(keepalived.attributes["secret"])))
    #expect(!plan.stdout.contains("\"sha256:"), "\(plan)")

    // The saved plan still applies: its digests are the key's.
    try requireExit(0, try await workspace.run(["apply", "plans/rotate.plan", "--simulate"], environment: rotated))
    try requireExit(0, try await workspace.plan(["--detailed-exitcode"], environment: rotated))
  }

  @Test("another machine's key cannot compare the digests: the plan says so, and shows the secret as changing")
  func anotherKeyIsNamed() async throws {
    let workspace = try await Workspace.withLoadBalancerHosts(deliver: false)
    let environment = [DesiredStateFixture.vrrpSecretVariable: password]
    try requireExit(0, try await workspace.apply(environment: environment))
    var elsewhere = environment
    elsewhere["CUTOVER_DIGEST_KEY"] = String(repeating: "5a", count: 32)
    let plan = try requireExit(2, try await workspace.plan(["--detailed-exitcode"], environment: elsewhere))
    #expect(plan.stdout.contains("recorded with another digest key"), "\(plan)")
    #expect(plan.stdout.contains("keepalived.paws-k8s-haproxy-1"), "\(plan)")
  }
}
