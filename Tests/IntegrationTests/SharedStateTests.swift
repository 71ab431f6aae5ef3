import Foundation
import TestSupport
import Testing

/// One state for several machines: two clones with the same `CUTOVER_PG_URL` and the standalone simulator as their
/// cloud, as two bastions of PAWS would share a PostgreSQL state and the cloud.
@Suite("a PostgreSQL state shared by two clones")
struct SharedStateTests {
  /// Two clones of the eqiad1 environment kept in PostgreSQL (a database of their own), and the simulator they share.
  private struct Pair {
    let a: Workspace
    let b: Workspace
    let server: BackgroundCommand
    let cloudDatabase: String
    /// What both clones run with: the simulator's clouds.yaml and the database.
    let environment: [String: String]

    static func start(buildSeconds: Int) async throws -> Pair {
      let desired = try DesiredStateFixture(
        text: DesiredStateFixture.eqiad1().text + "state:\n  backend: postgresql\n")
      let a = try Workspace.with(desired)
      let b = try Workspace.with(desired)
      let cloudsYAML = a.path("clouds.yaml")
      let cloudDatabase = a.path("cloud.sqlite")
      let server = try a.start(
        ["simulator", "serve", "--port", "0", "--database", cloudDatabase, "--clouds-yaml", cloudsYAML],
        environment: ["CUTOVER_SIMULATOR_BUILD_SECONDS": String(buildSeconds)])
      try await server.waitForOutput("Ctrl-C stops it.", timeout: .seconds(60))
      let environment = [
        "OS_CLIENT_CONFIG_FILE": cloudsYAML, "CUTOVER_PG_URL": try ScratchPostgres.newDatabase(),
        "CUTOVER_DIGEST_KEY": String(repeating: "ab", count: 32),
      ]
      return Pair(a: a, b: b, server: server, cloudDatabase: cloudDatabase, environment: environment)
    }

    func clusters() async throws -> Int {
      try await SimulatedCloud.snapshot(databasePath: cloudDatabase).clusters.count
    }
  }

  private static let apply = ["apply", "eqiad1", "--cloud", "simulator", "--auto-approve"]

  @Test("B's apply exits 75 naming A while A applies; A killed with SIGKILL mid-build, B converges: one cluster")
  func lockedThenKilled() async throws {
    let pair = try await Pair.start(buildSeconds: 20)
    let first = try pair.a.start(Self.apply, environment: pair.environment)
    try await first.waitForOutput("cluster.127d: CREATE_IN_PROGRESS", timeout: .seconds(60))

    let locked = try requireExit(75, try await pair.b.run(Self.apply, environment: pair.environment))
    #expect(locked.stderr.contains("state locked by"), "\(locked)")
    #expect(locked.stderr.contains("\(ProcessInfo.processInfo.hostName) pid \(first.pid)"), "\(locked)")

    _ = try await first.killAndWait()
    // A's process is gone from this host, so B takes the lease at once; the journal says a cluster is building.
    let resumed = try requireExit(0, try await pair.b.run(Self.apply, environment: pair.environment))
    #expect(resumed.stdout.contains("resuming"), "\(resumed)")
    #expect(!resumed.stdout.contains("cluster_template.127d: Creating..."), "\(resumed)")
    #expect(try await pair.clusters() == 1, "no second cluster, no orphan")
    let plan = try requireExit(
      0,
      try await pair.b.run(
        ["plan", "eqiad1", "--cloud", "simulator", "--detailed-exitcode"], environment: pair.environment))
    #expect(plan.stdout.contains("No changes."), "\(plan)")
    // A reads what B recorded; only its own kubeconfig, which is this machine's file, is missing there.
    let list = try requireExit(0, try await pair.a.run(["state", "list", "eqiad1"], environment: pair.environment))
    #expect(list.stdout.contains("cluster.127d"), "\(list)")
    _ = try await pair.server.killAndWait()
  }

  @Test("A stopped with SIGSTOP past its lease: B takes over; A resumed writes nothing and exits 1, lost to B")
  func pausedHolderIsFenced() async throws {
    let pair = try await Pair.start(buildSeconds: 15)
    let shortLease = pair.environment.merging(["CUTOVER_LOCK_TTL_SECONDS": "2"]) { $1 }
    let first = try pair.a.start(Self.apply, environment: shortLease)
    try await first.waitForOutput("cluster.127d: CREATE_IN_PROGRESS", timeout: .seconds(60))
    first.kill(SIGSTOP)
    defer { first.kill(SIGCONT) }

    // A's lease expires two seconds after its last heartbeat; until then B is refused.
    let second = try await Self.startOnceUnlocked(pair.b, environment: shortLease)
    try await second.waitForOutput("resuming", timeout: .seconds(60))

    first.kill(SIGCONT)
    let woken = try await first.waitForExit(timeout: .seconds(60))
    #expect(woken.exitCode == 1, "\(woken)")
    #expect(woken.stderr.contains("lost the lock to"), "\(woken)")
    #expect(woken.stderr.contains("pid \(second.pid)"), "\(woken)")
    // B marked A's apply interrupted when it took over; A, fenced off, never finished it nor failed its action.
    #expect(
      try Self.sql("SELECT outcome, finished_at IS NULL FROM cutover.applies ORDER BY id LIMIT 1", pair)
        == "interrupted|t")
    #expect(try Self.sql("SELECT count(*) FROM cutover.actions WHERE status = 'failed'", pair) == "0")

    let finished = try await second.waitForExit(timeout: .seconds(120))
    #expect(finished.exitCode == 0, "\(finished)")
    #expect(try await pair.clusters() == 1)
    let history = try requireExit(
      0, try await pair.b.run(["state", "history", "eqiad1"], environment: pair.environment))
    #expect(history.stdout.contains("interrupted"), "A's apply is recorded as interrupted: \(history)")
    try requireExit(
      0,
      try await pair.b.run(
        ["plan", "eqiad1", "--cloud", "simulator", "--detailed-exitcode"], environment: pair.environment))
    _ = try await pair.server.killAndWait()
  }

  /// Starts B's apply again and again until it is not refused for the lock (bounded), and returns it running.
  private static func startOnceUnlocked(_ workspace: Workspace, environment: [String: String]) async throws
    -> BackgroundCommand
  {
    let deadline = ContinuousClock.now + .seconds(60)
    while ContinuousClock.now < deadline {
      let attempt = try workspace.start(apply, environment: environment)
      // Refused, B exits at once saying so on stderr; with the lease, it starts printing its plan.
      try await poll("B to start applying or be refused", timeout: .seconds(60)) {
        !attempt.isRunning || !attempt.stdout.isEmpty
      }
      if attempt.isRunning { return attempt }
      let result = try await attempt.waitForExit(timeout: .seconds(10))
      try #require(result.exitCode == 75, "B failed otherwise than for the lock: \(result)")
    }
    Issue.record("A's lease never expired for B within 60 s")
    throw CancellationError()
  }

  /// What a query answers in the shared database (`psql -At`: columns joined by `|`).
  private static func sql(_ query: String, _ pair: Pair) throws -> String {
    let url = try #require(pair.environment["CUTOVER_PG_URL"])
    let result = try ScratchPostgres.run(sql: query, at: url)
    try #require(result.status == 0, "\(result.errors)")
    return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
  }
}
