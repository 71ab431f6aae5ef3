import Foundation
import TestSupport
import Testing

/// `cutover state migrate ENV --to postgresql|local`, and what a PostgreSQL state does besides: publish snapshots.
@Suite("state migrate, and publishing from PostgreSQL")
struct StateMigrationTests {
  private static func fixtures() throws -> (local: DesiredStateFixture, shared: DesiredStateFixture) {
    let local = try DesiredStateFixture.eqiad1()
    return (local, DesiredStateFixture(text: local.text + "state:\n  backend: postgresql\n"))
  }

  @Test("local → PostgreSQL → local copies the whole state, history included; the same target twice changes nothing")
  func roundTrip() async throws {
    let bastion = try Workspace.with(try Self.fixtures().local)
    let database = ["CUTOVER_PG_URL": try ScratchPostgres.newDatabase()]
    try requireExit(0, try await bastion.apply())
    let before = try requireExit(0, try await bastion.run(["state", "history", "eqiad1"])).stdout
    let recorded = try #require(try bastion.stateStore()?.resources().count)

    let up = try requireExit(
      0, try await bastion.run(["state", "migrate", "eqiad1", "--to", "postgresql"], environment: database))
    #expect(up.stdout.contains("Copied eqiad1 from state/eqiad1.sqlite to postgresql://cutover@127.0.0.1:"), "\(up)")
    #expect(up.stdout.contains("resources \(recorded), applies 1, actions \(recorded)"), "\(up)")
    #expect(up.stdout.contains("the counts match"), "\(up)")
    #expect(!up.stdout.contains(URLComponents(string: database["CUTOVER_PG_URL"]!)!.password!), "no password shown")
    let again = try requireExit(
      0, try await bastion.run(["state", "migrate", "eqiad1", "--to", "postgresql"], environment: database))
    #expect(again.stdout.contains("already holds eqiad1's state"), "\(again)")

    // The environment file now names PostgreSQL: the same state, the same history, no change planned.
    try bastion.write(try Self.fixtures().shared)
    try requireExit(0, try await bastion.plan(["--detailed-exitcode"], environment: database))
    let after = try requireExit(0, try await bastion.run(["state", "history", "eqiad1"], environment: database))
    #expect(after.stdout == before, "history is copied whole")

    // Another machine takes it back into a local file.
    let other = try Workspace.with(try Self.fixtures().shared)
    let down = try requireExit(
      0, try await other.run(["state", "migrate", "eqiad1", "--to", "local"], environment: database))
    #expect(down.stdout.contains("to state/eqiad1.sqlite"), "\(down)")
    let copied = try #require(try other.stateStore())
    #expect(try copied.resources().count == recorded)
    #expect(try copied.history().count == 1)
  }

  @Test("a target that holds another state (another lineage) is refused, and nothing is changed")
  func otherLineageRefused() async throws {
    let database = ["CUTOVER_PG_URL": try ScratchPostgres.newDatabase()]
    let first = try Workspace.with(try Self.fixtures().local)
    try requireExit(0, try await first.apply())
    try requireExit(
      0, try await first.run(["state", "migrate", "eqiad1", "--to", "postgresql"], environment: database))
    let second = try Workspace.with(try Self.fixtures().local)
    try requireExit(0, try await second.apply())
    let refused = try requireExit(
      1, try await second.run(["state", "migrate", "eqiad1", "--to", "postgresql"], environment: database))
    #expect(refused.stderr.contains("holds another state of eqiad1"), "\(refused)")
    #expect(refused.stderr.contains("nothing was changed"), "\(refused)")
    let unchanged = try requireExit(
      0, try await first.run(["state", "migrate", "eqiad1", "--to", "postgresql"], environment: database))
    #expect(unchanged.stdout.contains("already holds"), "the first state is still there: \(unchanged)")
  }

  @Test("a PostgreSQL state publishes snapshots as a local one does; a clone plans from them")
  func publishesFromPostgreSQL() async throws {
    let database = ["CUTOVER_PG_URL": try ScratchPostgres.newDatabase()]
    let publishing = DesiredStateFixture(
      text: try Self.fixtures().shared.text + "  publish:\n    container: paws-state\n")
    let bastion = try Workspace.with(publishing)
    let apply = try requireExit(0, try await bastion.apply(environment: database))
    #expect(!apply.stderr.contains("could not publish"), "\(apply)")
    let history = try requireExit(0, try await bastion.run(["state", "history", "eqiad1"], environment: database))
    #expect(history.stdout.contains("published serial"), "\(history)")
    // The snapshot is the same kind of file a local state publishes: pull it into a plain local state.
    let clone = try Workspace.with(
      DesiredStateFixture(text: try Self.fixtures().local.text + "state:\n  publish:\n    container: paws-state\n"))
    try FileManager.default.createDirectory(atPath: clone.path("state"), withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      atPath: bastion.path("state/eqiad1.simulated-cloud.sqlite"),
      toPath: clone.path("state/eqiad1.simulated-cloud.sqlite"))
    let pull = try requireExit(0, try await clone.run(["state", "pull", "eqiad1", "--simulate", "--no-kubeconfigs"]))
    #expect(pull.stdout.contains("Pulled eqiad1 serial"), "\(pull)")
    #expect(
      try clone.stateStore()?.resources().count == apply.stdout.components(separatedBy: "Creation complete").count - 1)
  }

  @Test("state list and unlock reach the file's store while the rest of the file does not load")
  func brokenFileStillNamesTheStore() async throws {
    let database = ["CUTOVER_PG_URL": try ScratchPostgres.newDatabase()]
    let bastion = try Workspace.with(try Self.fixtures().local)
    try requireExit(0, try await bastion.apply())
    let broken = try Self.fixtures().local.text + "not_a_key: 1\n"
    try bastion.writeDesiredState(broken)
    try requireExit(65, try await bastion.run(["validate", "eqiad1"]))
    let local = try requireExit(0, try await bastion.run(["state", "list", "eqiad1"]))
    #expect(local.stdout.contains("cluster.127d"), "\(local)")

    try requireExit(
      0, try await bastion.run(["state", "migrate", "eqiad1", "--to", "postgresql"], environment: database))
    try FileManager.default.removeItem(atPath: bastion.path("state/eqiad1.sqlite"))
    try bastion.writeDesiredState(broken + "state:\n  backend: postgresql\n")
    let shared = try requireExit(0, try await bastion.run(["state", "list", "eqiad1"], environment: database))
    #expect(shared.stdout.contains("cluster.127d"), "read from PostgreSQL: \(shared)")
    let unlock = try requireExit(0, try await bastion.run(["state", "unlock", "eqiad1"], environment: database))
    #expect(unlock.stdout.contains("was not locked"), "\(unlock)")
  }
}
