import Foundation
import OpenStack
import TestSupport
import Testing

/// Facts of the PAWS eqiad1 fixture that the tests check the cloud against.
enum PAWS {
  static let domains = ["hub-paws.wmcloud.org", "public-paws.wmcloud.org"]
  /// The ingress NodePort every web-proxy backend points at.
  static let ingressPort = 30001

  /// The backends a web proxy should have for a cluster: every worker node at the ingress port.
  static func backends(of cluster: Cluster) -> Set<String> {
    Set((cluster.nodeAddresses ?? []).map { "http://\($0):\(ingressPort)" })
  }
}

extension Workspace {
  /// A new workspace whose `clusters/eqiad1.yaml` is `desired`.
  static func with(_ desired: DesiredStateFixture) throws -> Workspace {
    let workspace = try Workspace()
    try workspace.write(desired)
    return workspace
  }

  /// Writes `clusters/eqiad1.yaml`.
  func write(_ desired: DesiredStateFixture) throws {
    try writeDesiredState(desired.text)
  }

  /// `cutover apply eqiad1 --simulate --auto-approve EXTRA`.
  func apply(_ extra: [String] = [], environment: [String: String] = [:]) async throws -> CommandResult {
    try await run(["apply", "eqiad1", "--simulate", "--auto-approve"] + extra, environment: environment)
  }

  /// `cutover plan eqiad1 --simulate EXTRA`.
  func plan(_ extra: [String] = [], environment: [String: String] = [:]) async throws -> CommandResult {
    try await run(["plan", "eqiad1", "--simulate"] + extra, environment: environment)
  }

  /// The one cluster named `paws-<generation>` in the simulated cloud; fails the test when there is not exactly one.
  func cluster(
    _ generation: String, in snapshot: CloudSnapshot, sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> Cluster {
    let matches = snapshot.clusters(named: "paws-\(generation)")
    try #require(
      matches.count == 1, "expected one cluster paws-\(generation), found \(matches.map(\.uuid))",
      sourceLocation: sourceLocation)
    return matches[0]
  }
}

/// Requires `result` to have exited with `code`, showing its output when it did not; returns it for chaining.
@discardableResult
func requireExit(
  _ code: Int32, _ result: CommandResult, sourceLocation: SourceLocation = #_sourceLocation
) throws -> CommandResult {
  try #require(result.exitCode == code && !result.timedOut, "\(result)", sourceLocation: sourceLocation)
  return result
}

extension CommandResult {
  /// The index of the first stdout line containing `fragment`.
  func lineIndex(containing fragment: String) -> Int? {
    stdoutLines.firstIndex { $0.contains(fragment) }
  }
}
