import Foundation
import TestSupport
import Testing
import Yams

@Suite("kubeconfig per generation")
struct KubeconfigTests {
  @Test("apply writes the generation's kubeconfig 0600, links kube.config to it, and keeps the key out of state")
  func applyWritesKubeconfig() async throws {
    let workspace = try Workspace.with(.eqiad1())
    try requireExit(0, try await workspace.apply())

    let path = workspace.path("state/eqiad1/kube/127d.config")
    #expect(try workspace.permissions("state/eqiad1/kube/127d.config") == 0o600)
    #expect(try workspace.permissions("state/eqiad1/kube") == 0o700)
    let link = workspace.path("state/eqiad1/kube.config")
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "kube/127d.config")

    let document = try #require(try Yams.load(yaml: String(contentsOfFile: path, encoding: .utf8)) as? [String: Any])
    let cluster = try workspace.cluster("127d", in: try await workspace.cloudSnapshot())
    let clusters = try #require(document["clusters"] as? [[String: Any]])
    let server = (clusters.first?["cluster"] as? [String: Any])?["server"] as? String
    #expect(server == cluster.apiAddress)
    #expect(document["current-context"] as? String == "paws-127d")
    let users = try #require(document["users"] as? [[String: Any]])
    let key = (users.first?["user"] as? [String: Any])?["client-key-data"] as? String
    #expect(key?.isEmpty == false)

    // The state records where the file is, never what it holds.
    let state = try Data(contentsOf: URL(fileURLWithPath: workspace.stateFile()))
    for secret in ["PRIVATE KEY", try #require(key).prefix(24).description] {
      #expect(state.range(of: Data(secret.utf8)) == nil, "state holds \(secret)")
    }
  }

  @Test("a deleted kubeconfig is drift: the plan says it is gone and the apply writes it again")
  func deletedKubeconfigIsRewritten() async throws {
    let workspace = try Workspace.with(.eqiad1())
    try requireExit(0, try await workspace.apply())
    let path = workspace.path("state/eqiad1/kube/127d.config")
    try FileManager.default.removeItem(atPath: path)

    let plan = try requireExit(2, try await workspace.plan(["--detailed-exitcode"]))
    #expect(plan.stdout.contains("kubeconfig.127d is gone"), "\(plan)")
    #expect(plan.lastLine == "Plan: 1 to add, 0 to change, 0 to destroy.", "\(plan)")
    try requireExit(0, try await workspace.apply())
    #expect(FileManager.default.fileExists(atPath: path))
    try requireExit(0, try await workspace.plan(["--detailed-exitcode"]))
  }

  @Test("a kube.config link pointed elsewhere by hand is drift, and the apply points it back at the live generation")
  func movedLinkIsPutBack() async throws {
    let workspace = try Workspace.with(.eqiad1())
    try requireExit(0, try await workspace.apply())
    let link = workspace.path("state/eqiad1/kube.config")
    try FileManager.default.removeItem(atPath: link)
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/dev/null")

    let plan = try requireExit(2, try await workspace.plan(["--detailed-exitcode"]))
    #expect(plan.stdout.contains("kubeconfig.127d changed outside Cutover"), "\(plan)")
    #expect(plan.lastLine == "Plan: 0 to add, 1 to change, 0 to destroy.", "\(plan)")
    try requireExit(0, try await workspace.apply())
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "kube/127d.config")
  }
}
