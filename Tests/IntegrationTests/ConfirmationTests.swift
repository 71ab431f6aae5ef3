import Foundation
import TestSupport
import Testing

@Suite("confirmation without a terminal")
struct ConfirmationTests {
  @Test("apply without --auto-approve and with no terminal refuses with exit 64 instead of waiting")
  func applyRefuses() async throws {
    let workspace = try Workspace.with(.eqiad1())
    // Standard input is /dev/null: not a terminal, and a prompt reading it would get end-of-file.
    let apply = try requireExit(64, try await workspace.run(["apply", "eqiad1", "--simulate"], timeout: .seconds(60)))
    #expect(apply.stderr.contains("--auto-approve"), "\(apply)")
    #expect(!apply.stdout.contains("Creating..."), "\(apply)")
    #expect(try await workspace.cloudSnapshot().clusters.isEmpty)
  }

  @Test("destroy without --auto-approve and with no terminal refuses with exit 64 and destroys nothing")
  func destroyRefuses() async throws {
    let workspace = try Workspace.with(.eqiad1())
    try requireExit(0, try await workspace.apply())
    let destroy = try requireExit(
      64, try await workspace.run(["destroy", "eqiad1", "--simulate"], timeout: .seconds(60)))
    #expect(destroy.stderr.contains("--auto-approve"), "\(destroy)")
    let cloud = try await workspace.cloudSnapshot()
    #expect(cloud.clusters.count == 1)
    #expect(cloud.routes.count == PAWS.domains.count)
  }
}
