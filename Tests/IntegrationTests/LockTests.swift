import Foundation
import TestSupport
import Testing

@Suite("the state lock")
struct LockTests {
  @Test("a second apply is refused with exit 75 while one runs; plan --lock=false still works; unlock breaks it")
  func concurrentApplyIsRefused() async throws {
    let workspace = try Workspace.with(.eqiad1())
    // A build that outlasts the test whatever the machine's load: the first apply is killed, never waited for.
    let slow = ["CUTOVER_SIMULATOR_BUILD_SECONDS": "600", "CUTOVER_LOCK_TTL_SECONDS": "600"]
    let first = try workspace.start(["apply", "eqiad1", "--simulate", "--auto-approve"], environment: slow)
    try await first.waitForOutput("cluster.127d: CREATE_IN_PROGRESS", timeout: .seconds(60))
    let lease = try #require(try workspace.stateStore()?.currentLease())
    #expect(lease.pid == first.pid)
    #expect(lease.command == "apply eqiad1")

    let second = try requireExit(75, try await workspace.apply(environment: slow))
    #expect(second.stderr.contains("state locked by"), "\(second)")
    #expect(second.stderr.contains("pid \(first.pid)"), "\(second)")

    let peek = try await workspace.plan(["--lock=false"], environment: slow)
    try requireExit(0, peek)
    #expect(peek.stdout.contains("Plan:"), "\(peek)")
    // A plan without the lock changes nothing: the running apply is still running in the journal.
    let running = try #require(try workspace.stateStore()?.history().last)
    #expect(running.outcome == .running)

    let killed = try await first.killAndWait()
    #expect(killed.signal == SIGKILL)
    let unlock = try requireExit(0, try await workspace.run(["state", "unlock", "eqiad1"]))
    #expect(unlock.stdout.contains("Broke the lock held by"), "\(unlock)")
    #expect(unlock.stdout.contains("pid \(first.pid)"), "\(unlock)")
    #expect(try workspace.stateStore()?.currentLease() == nil)
    let again = try requireExit(0, try await workspace.run(["state", "unlock", "eqiad1"]))
    #expect(again.stdout.contains("was not locked"), "\(again)")
  }
}
