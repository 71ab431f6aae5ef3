import CutoverKit
import Foundation
import TestSupport
import Testing

@Suite("ProcessRunner runs commands with a deadline and bounded output")
struct ProcessRunnerTests {
  let runner = ProcessRunner()

  @Test("a failing command's exit status and its standard output and error are reported")
  func failingCommand() async throws {
    try await withScratchDirectory { directory in
      let script = try writeScript(
        "fails", in: directory,
        """
        echo "reading the file"
        echo "fails: the file is broken" >&2
        exit 3
        """)
      let outcome = try await runner.run(script, timeout: .seconds(30))
      #expect(outcome.termination == .exited(3))
      #expect(!outcome.succeeded)
      #expect(outcome.output == "reading the file\nfails: the file is broken\n")
      #expect(outcome.command == [script])
      let error = #expect(throws: ProcessRunnerError.self) { try outcome.requireSuccess() }
      #expect(error?.localizedDescription.contains("exited with status 3") == true)
      #expect(error?.localizedDescription.contains("fails: the file is broken") == true)
    }
  }

  @Test("a command that hangs is killed with everything it started when the timeout passes")
  func timeout() async throws {
    try await withScratchDirectory { directory in
      let pidFile = directory.appendingPathComponent("sleeper.pid").path
      let script = try writeScript(
        "hangs", in: directory,
        """
        sleep 600 &
        echo $! > '\(pidFile)'
        echo "waiting forever"
        wait
        """)
      let clock = ContinuousClock()
      let started = clock.now
      let outcome = try await runner.run(script, timeout: .seconds(2))
      let elapsed = clock.now - started
      #expect(outcome.termination == .timedOut(.seconds(2)))
      #expect(outcome.output.contains("waiting forever"))
      // Far below the script's 600 s, so it was killed; not tighter, because the whole suite running beside it can
      // keep the deadline's wake-up waiting for a free thread for many seconds on a two-core machine.
      #expect(elapsed < .seconds(120), "the kill took \(elapsed)")
      #expect(throws: ProcessRunnerError.self) { try outcome.requireSuccess() }
      #expect(outcome.termination.description.contains("did not finish within"))

      // The script's child was in its process group, so it is gone too (or a zombie nobody reaped yet).
      let sleeper = try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
      try await poll("the script's sleep \(sleeper) to be killed", timeout: .seconds(10)) {
        guard let stat = try? String(contentsOfFile: "/proc/\(sleeper)/stat", encoding: .utf8) else { return true }
        return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
      }
    }
  }

  @Test("a command that ignores SIGTERM is killed with SIGKILL after the grace period")
  func ignoresTerminate() async throws {
    try await withScratchDirectory { directory in
      let script = try writeScript("stubborn", in: directory, "trap '' TERM\necho stubborn\nsleep 600")
      let runner = ProcessRunner(killGracePeriod: .milliseconds(200))
      let clock = ContinuousClock()
      let started = clock.now
      let outcome = try await runner.run(script, timeout: .milliseconds(500))
      #expect(outcome.termination == .timedOut(.milliseconds(500)))
      // Far below the script's 600 s: SIGKILL followed the ignored SIGTERM (see the bound above).
      #expect(clock.now - started < .seconds(120))
    }
  }

  @Test("cancelling the task that runs a command kills the command")
  func cancellation() async throws {
    try await withScratchDirectory { directory in
      let marker = directory.appendingPathComponent("started").path
      let script = try writeScript("hangs", in: directory, "touch '\(marker)'\nexec sleep 600")
      let runner = self.runner
      let clock = ContinuousClock()
      let started = clock.now
      let run = Task { try await runner.run(script, timeout: .seconds(600)) }
      try await poll("the script to start", timeout: .seconds(30)) { FileManager.default.fileExists(atPath: marker) }
      run.cancel()
      await #expect(throws: ProcessRunnerError.cancelled(command: script)) { try await run.value }
      #expect(clock.now - started < .seconds(40))
    }
  }

  @Test("a missing executable is an error naming it and where the runner looked")
  func missingExecutable() async throws {
    let name = "cutover-no-such-tool-\(UUID().uuidString.prefix(8))"
    let error = await #expect(throws: ProcessRunnerError.self) {
      try await runner.run(name, timeout: .seconds(5))
    }
    guard case .executableNotFound(let reported, let searched)? = error else {
      Issue.record("expected executableNotFound, got \(String(describing: error))")
      return
    }
    #expect(reported == name)
    #expect(searched.contains("/usr/sbin") && searched.contains("/sbin") && searched.contains("/usr/local/sbin"))
    #expect(error?.localizedDescription.hasPrefix("\(name) not found on PATH or in ") == true)

    await #expect(
      throws: ProcessRunnerError.executableNotFound(name: "/nonexistent/tool", searched: ["/nonexistent/tool"])
    ) {
      try await runner.run("/nonexistent/tool", timeout: .seconds(5))
    }
  }

  @Test("a file without the execute bit is not run")
  func notExecutable() async throws {
    try await withScratchDirectory { directory in
      let script = try writeScript("plain", in: directory, "exit 0", executable: false)
      await #expect(throws: ProcessRunnerError.notExecutable(path: script)) {
        try await runner.run(script, timeout: .seconds(5))
      }
    }
  }

  @Test("a bare name is found on PATH first, then in the fallback directories such as /usr/sbin")
  func lookup() async throws {
    try await withScratchDirectory { directory in
      let onPath = directory.appendingPathComponent("path")
      let fallback = directory.appendingPathComponent("sbin")
      try FileManager.default.createDirectory(at: onPath, withIntermediateDirectories: true)
      try FileManager.default.createDirectory(at: fallback, withIntermediateDirectories: true)
      let daemon = try writeScript("daemon", in: fallback, "echo from sbin")
      let runner = ProcessRunner(fallbackDirectories: [fallback.path])

      let outcome = try await runner.run("daemon", environment: ["PATH": onPath.path], timeout: .seconds(30))
      #expect(outcome.command == [daemon])
      #expect(outcome.output == "from sbin\n")

      let shadowing = try writeScript("daemon", in: onPath, "echo from PATH")
      #expect(try runner.locate("daemon", environment: ["PATH": onPath.path]) == shadowing)
      #expect(ProcessRunner.systemDirectories == ["/usr/sbin", "/sbin", "/usr/local/sbin"])
    }
  }

  @Test("environment additions and the working directory reach the process")
  func environmentAndWorkingDirectory() async throws {
    try await withScratchDirectory { directory in
      let script = try writeScript("show", in: directory, #"echo "$CUTOVER_TEST_VALUE in $(pwd -P)""#)
      let outcome = try await runner.run(
        script, environment: ["CUTOVER_TEST_VALUE": "blue-green"], workingDirectory: directory.path,
        timeout: .seconds(30))
      let real = directory.resolvingSymlinksInPath().path
      #expect(outcome.output == "blue-green in \(real)\n")
      #expect(outcome.succeeded)
    }
  }

  @Test("a shell command line may use pipes, variables and its own exit status")
  func shellCommandLine() async throws {
    let outcome = try await runner.runShell(
      #"echo "$GREETING" | tr a-z A-Z; echo to stderr >&2; exit 4"#, environment: ["GREETING": "deliver"],
      timeout: .seconds(30))
    #expect(outcome.termination == .exited(4))
    #expect(outcome.output == "DELIVER\nto stderr\n")
    #expect(outcome.command == ["/bin/sh", "-c", #"echo "$GREETING" | tr a-z A-Z; echo to stderr >&2; exit 4"#])
  }

  @Test("only the last bytes of a long output are kept")
  func boundedOutput() async throws {
    let runner = ProcessRunner(outputLimit: 1024)
    let outcome = try await runner.runShell(
      "head -c 200000 /dev/zero | tr '\\0' x; echo; echo the end", timeout: .seconds(30))
    #expect(outcome.succeeded)
    #expect(outcome.outputWasTruncated)
    #expect(outcome.output.utf8.count == 1024)
    #expect(outcome.output.hasSuffix("xxx\nthe end\n"))
  }
}
