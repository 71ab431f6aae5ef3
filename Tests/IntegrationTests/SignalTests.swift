import CutoverKit
import Foundation
import TestSupport
import Testing

/// SIGTERM, SIGHUP and SIGPIPE in the middle of a run, and a lock broken under a running apply: the run launches
/// nothing new, stops its children, removes its private files, records what it did and gives the lock back.
@Suite("signals and a lost lock")
struct SignalTests {
  @Test(
    "SIGTERM or SIGHUP while helm deploys: helm is stopped, its values file removed, the journal settled, exit 1",
    arguments: [SIGTERM, SIGHUP])
  func signalDuringHelmDeploy(signal: Int32) async throws {
    let run = try await HangingHelmRun.start()
    let helm = try await run.waitForHangingHelm()
    #expect(try run.privateValuesFolders().count == 1, "the deploy's private values file exists while helm runs")

    run.apply.kill(signal)
    let result = try await run.apply.waitForExit(timeout: .seconds(60))
    _ = try await run.server.killAndWait()
    // Every check runs whatever the exit, so a failure says all that went wrong.
    #expect(result.exitCode == 1 && result.signal == nil, "\(result)")
    #expect(result.stderr.contains("stopping"), "\(result)")
    #expect(!ProcessState.isAlive(helm), "helm (pid \(helm)) outlived the run")
    if ProcessState.isAlive(helm) { kill(helm, SIGKILL) }
    #expect(try run.privateValuesFolders().isEmpty, "a private values file was left behind")
    try JournalCheck.settled(run.workspace, result: result)
  }

  @Test("SIGTERM while a refresh reads a release: helm is stopped, the lock given back, exit 1 (every command alike)")
  func signalDuringRefresh() async throws {
    let run = try await HangingHelmRun.start(hangingIn: .statusInRefresh)
    let helm = try await run.waitForHangingHelm()
    run.apply.kill(SIGTERM)
    let result = try await run.apply.waitForExit(timeout: .seconds(60))
    _ = try await run.server.killAndWait()
    #expect(result.exitCode == 1 && result.signal == nil, "\(result)")
    #expect(result.stderr.contains("stopped by SIGTERM"), "\(result)")
    #expect(!ProcessState.isAlive(helm), "helm (pid \(helm)) outlived the run")
    if ProcessState.isAlive(helm) { kill(helm, SIGKILL) }
    try JournalCheck.settled(run.workspace, result: result)
  }

  @Test("a second signal quits at once, 128 + its number: helm's group is killed, its values file removed, lock freed")
  func secondSignal() async throws {
    // A helm that ignores SIGTERM keeps the first stop waiting for the teardown's SIGKILL, 2 s later; the second
    // signal, sent at once, lands in that wait. Two different signals, as two pending SIGTERMs may be merged into one.
    let run = try await HangingHelmRun.start(ignoringSIGTERM: true)
    let helm = try await run.waitForHangingHelm()
    run.apply.kill(SIGTERM)
    run.apply.kill(SIGINT)
    let result = try await run.apply.waitForExit(timeout: .seconds(60))
    _ = try await run.server.killAndWait()
    #expect([128 + SIGINT, 128 + SIGTERM].contains(result.exitCode) && result.signal == nil, "\(result)")
    #expect(result.stderr.contains("received while stopping: quitting now"), "\(result)")
    try await poll("helm to be gone", timeout: .seconds(10)) { !ProcessState.isAlive(helm) }
    #expect(try run.privateValuesFolders().isEmpty, "a private values file was left behind")
    #expect(try run.workspace.stateStore()?.currentLease() == nil, "the lock is still held")
  }

  @Test("a run killed with SIGKILL leaves its values folder; the next run removes it, never a live run's")
  func staleValuesFolderIsSwept() async throws {
    let run = try await HangingHelmRun.start()
    let helm = try await run.waitForHangingHelm()
    let left = try run.privateValuesFolders()
    #expect(left.count == 1)
    _ = try await run.apply.killAndWait()
    kill(helm, SIGKILL)  // helm runs in its own session: a SIGKILL of Cutover cannot reach it.
    #expect(try run.privateValuesFolders() == left, "nothing could remove it")

    // A live run's folder, named with the pid of a process that is running (this test's).
    let live = run.temporary + "/cutover-helm-\(getpid())-keepme"
    try FileManager.default.createDirectory(atPath: live, withIntermediateDirectories: true)
    let refresh = try await run.workspace.run(
      ["refresh", "eqiad1", "--cloud", "simulator"], environment: run.environment)
    _ = try await run.server.killAndWait()
    try requireExit(0, refresh)
    #expect(try run.privateValuesFolders() == ["cutover-helm-\(getpid())-keepme"])
  }

  @Test("output closed early (`| head -5`): later writes are dropped, no SIGPIPE or crash, the run and journal finish")
  func closedOutput() async throws {
    let workspace = try Workspace.with(.eqiad1())
    let pipe = Pipe()
    let apply = try workspace.start(
      ["apply", "eqiad1", "--simulate", "--auto-approve"], environment: ["CUTOVER_SIMULATOR_BUILD_SECONDS": "2"],
      standardOutput: pipe)
    // Read until the apply has begun, then close the reading end, as `head` does once it has its lines.
    let reader = pipe.fileHandleForReading
    let seen = try await Task.detached {
      var text = ""
      while !text.contains("cluster_template.127d: Creat"), let data = try reader.read(upToCount: 256), !data.isEmpty {
        text += String(decoding: data, as: UTF8.self)
      }
      try reader.close()
      return text
    }.value
    #expect(seen.contains("cluster_template.127d: Creat"), "\(seen)")
    let result = try await apply.waitForExit(timeout: .seconds(120))
    #expect(result.signal == nil, "\(result)")
    try requireExit(0, result)
    let store = try #require(try workspace.stateStore())
    #expect(try store.history().first?.outcome == .succeeded)
    try JournalCheck.settled(workspace, result: result)
  }

  @Test("a lock broken and taken by another run stops the holder: nothing new launched, exit 1 naming who has it")
  func lostLock() async throws {
    let workspace = try Workspace.with(.eqiad1())
    let environment = ["CUTOVER_SIMULATOR_BUILD_SECONDS": "30", "CUTOVER_LOCK_TTL_SECONDS": "3"]
    let apply = try workspace.start(["apply", "eqiad1", "--simulate", "--auto-approve"], environment: environment)
    try await apply.waitForOutput("cluster.127d: CREATE_IN_PROGRESS", timeout: .seconds(60))
    let store = try #require(try workspace.stateStore())
    #expect(try store.breakLock() != nil)
    let other = ProcessIdentity(user: "bob", host: "bastion-b", pid: 4242)
    let taken = try store.acquireLock(command: "apply eqiad1", identity: other, ttl: 60)

    let result = try await apply.waitForExit(timeout: .seconds(60))
    try requireExit(1, result)
    #expect(result.stderr.contains("lost the lock to bob@bastion-b pid 4242 (apply eqiad1)"), "\(result)")
    let record = try #require(try store.history().first)
    #expect(record.outcome == .interrupted)
    #expect(!record.actions.contains { $0.status == .pending }, "\(record.actions)")
    // The cluster's dependents (its kubeconfig, the proxies) were never launched.
    #expect(
      Set(record.actions.map(\.address.type)).isSubset(of: ["cluster_template", "cluster"]), "\(record.actions)")
    #expect(try store.currentLease()?.token == taken.token, "the holder left the other run's lease alone")
  }
}

/// A run against `simulator serve` whose helm is a stand-in that writes its pid and then hangs: an apply hanging in the
/// deploy of paws, or a refresh (after an apply) hanging in `helm status paws`. `TMPDIR` is in the workspace so the
/// private values folders can be counted.
private struct HangingHelmRun {
  /// Where the stand-in helm hangs.
  enum HangPoint {
    case upgrade
    case statusInRefresh
  }

  let workspace: Workspace
  let server: BackgroundCommand
  /// The run that hangs (named for the usual case: an apply).
  let apply: BackgroundCommand
  let environment: [String: String]
  let temporary: String
  let helmPIDFile: String

  /// - Parameter ignoringSIGTERM: whether the hanging helm ignores SIGTERM, so only SIGKILL stops it.
  static func start(ignoringSIGTERM: Bool = false, hangingIn hangPoint: HangPoint = .upgrade) async throws
    -> HangingHelmRun
  {
    let (workspace, server, cloudsYAML) = try await Workspace.withReleasesOnStandaloneCloud()
    let tools = workspace.path("tools")
    let temporary = workspace.path("tmp")
    let helmPIDFile = workspace.path("helm.pid")
    let hangStatus = workspace.path("hang-status")
    let hang = """
      \(ignoringSIGTERM ? "trap '' TERM" : "")
      echo $$ > '\(helmPIDFile).partial' && mv '\(helmPIDFile).partial' '\(helmPIDFile)'
      exec sleep 600
      """
    for folder in [tools, temporary] {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }
    let scripts = [
      "helm": """
      #!/bin/sh
      case "$1" in
        version) echo v3.16.2 ;;
        status)
          if [ "$2" = paws ] && [ -e '\(hangStatus)' ]; then
            \(hang)
          fi
          echo "{\\"name\\":\\"$2\\",\\"namespace\\":\\"$4\\",\\"version\\":1,\\"info\\":{\\"status\\":\\"deployed\\"}}" ;;
        get) echo '{}' ;;
        upgrade)
          if [ "$3" = paws ] && [ ! -e '\(hangStatus)' ] && [ \(hangPoint == .upgrade) = true ]; then
            \(hang)
          fi
          echo "helm upgrade done" ;;
        *) echo "helm $1 done" ;;
      esac
      """,
      "kubectl": """
      #!/bin/sh
      case " $* " in
        *" version "*) echo '{"clientVersion":{"major":"1","minor":"28","gitVersion":"v1.28.15"}}' ;;
        *" get "*) echo "storageclass.storage.k8s.io/standard" ;;
        *) echo "storageclass.storage.k8s.io/standard serverside-applied" ;;
      esac
      """,
    ]
    for (name, text) in scripts {
      try Data(text.utf8).write(to: URL(fileURLWithPath: tools + "/" + name))
      chmod(tools + "/" + name, 0o755)
    }
    let environment = [
      "OS_CLIENT_CONFIG_FILE": cloudsYAML, "PATH": tools + ":/usr/bin:/bin", "TMPDIR": temporary,
    ]
    let arguments = ["apply", "eqiad1", "--cloud", "simulator", "--auto-approve"]
    let apply: BackgroundCommand
    switch hangPoint {
    case .upgrade:
      apply = try workspace.start(arguments, environment: environment)
    case .statusInRefresh:
      try requireExit(0, try await workspace.run(arguments, environment: environment))
      #expect(FileManager.default.createFile(atPath: hangStatus, contents: nil))
      apply = try workspace.start(["refresh", "eqiad1", "--cloud", "simulator"], environment: environment)
    }
    return HangingHelmRun(
      workspace: workspace, server: server, apply: apply, environment: environment, temporary: temporary,
      helmPIDFile: helmPIDFile)
  }

  /// Waits until the stand-in helm deploys paws (and hangs); returns its pid.
  func waitForHangingHelm() async throws -> Int32 {
    try await poll("the stand-in helm to deploy paws", timeout: .seconds(120)) {
      if FileManager.default.fileExists(atPath: helmPIDFile) { return true }
      guard apply.isRunning else { throw HelmNeverRan(stdout: apply.stdout, stderr: apply.stderr) }
      return false
    }
    let text = try String(contentsOfFile: helmPIDFile, encoding: .utf8)
    return try #require(Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
  }

  /// The names of the `cutover-helm-*` folders in the run's `TMPDIR`.
  func privateValuesFolders() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: temporary).filter { $0.hasPrefix("cutover-helm-") }.sorted()
  }
}

/// The apply ended before the stand-in helm deployed paws.
struct HelmNeverRan: Error, CustomStringConvertible {
  var stdout: String
  var stderr: String
  var description: String {
    "the apply ended before helm deployed paws\n--- stdout ---\n\(stdout)\n--- stderr ---\n\(stderr)"
  }
}

/// Whether a process runs, as the tests see it: a zombie (ended, not yet reaped) does not.
enum ProcessState {
  static func isAlive(_ pid: Int32) -> Bool {
    guard pid > 0, kill(pid, 0) == 0 || errno != ESRCH else { return false }
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return false }
    let state = stat[stat.index(after: close)...].drop { $0 == " " }.first
    return state != "Z" && state != "X"
  }
}

/// What the journal must say once a run has ended, however it ended.
enum JournalCheck {
  static func settled(_ workspace: Workspace, result: CommandResult, sourceLocation: SourceLocation = #_sourceLocation)
    throws
  {
    let store = try #require(try workspace.stateStore(), sourceLocation: sourceLocation)
    for record in try store.history() {
      #expect(
        record.outcome != .running, "apply \(record.id) is left running\n\(result)", sourceLocation: sourceLocation)
      for action in record.actions {
        #expect(
          action.status != .pending, "\(action.address) is left pending\n\(result)", sourceLocation: sourceLocation)
      }
    }
    #expect(try store.currentLease() == nil, "the lock is still held\n\(result)", sourceLocation: sourceLocation)
  }
}
