import Foundation
import TestSupport
import Testing

/// What an operator reads from the generation commands: one summary per switch, a status table that fits the
/// terminal, and the same status as JSON.
@Suite("generation switch and status: output")
struct GenerationOutputTests {
  @Test("a switch prints one summary for the traffic and the kube.config link together")
  func oneSummary() async throws {
    let workspace = try await Workspace.withTwoBuiltGenerations()
    let switched = try requireExit(0, try await workspace.generation(["switch", "eqiad1", "128a", "--auto-approve"]))
    let summaries = switched.stdoutLines.filter { $0.contains("complete! Resources:") }
    #expect(summaries.count == 1, "\(switched)")
    // Both web proxies, and both kubeconfigs' `live` (the link moves from 127d to 128a).
    #expect(
      summaries.first?.hasPrefix("Apply complete! Resources: 0 added, 4 changed, 0 destroyed.") == true, "\(switched)")
  }

  @Test("generation status fits 120 columns, or the width COLUMNS gives; --format json holds every field")
  func status() async throws {
    let workspace = try await Workspace.withTwoBuiltGenerations()
    let table = try requireExit(0, try await workspace.generation(["status", "eqiad1"]))
    #expect(table.stdoutLines.allSatisfy { $0.count <= 120 }, "\(table)")
    #expect(table.stdoutLines.first?.hasPrefix("GENERATION") == true, "\(table)")

    let wide = try requireExit(
      0, try await workspace.generation(["status", "eqiad1"], environment: ["COLUMNS": "250"]))
    let live = try #require(wide.stdoutLines.first { $0.hasPrefix("127d") }, "\(wide)")
    #expect(PAWS.domains.allSatisfy { live.contains($0) }, "a wide terminal shows every route on the row: \(wide)")

    let json = try requireExit(0, try await workspace.generation(["status", "eqiad1", "--format", "json"]))
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json)")
    #expect(document["environment"] as? String == "eqiad1")
    #expect(document["live"] as? String == "127d")
    let generations = try #require(document["generations"] as? [[String: Any]], "\(json)")
    #expect(generations.map { $0["generation"] as? String } == ["127d", "128a"])
    #expect(generations.map { $0["role"] as? String } == ["live", "standby"])
    let routes = try #require(generations.first?["routed_from"] as? [String], "\(json)")
    #expect(routes == PAWS.domains.map { "web_proxy.\($0)" }, "\(json)")
  }

  @Test("on a terminal, the table fits the terminal's own width; too narrow for the columns, a block per generation")
  func terminalWidth() async throws {
    let workspace = try Workspace.with(try DesiredStateFixture.eqiad1())
    try requireExit(0, try await workspace.apply())
    let narrow = try await workspace.statusOnTerminal(columns: 70)
    #expect(narrow.first == "127d", "\(narrow)")
    #expect(narrow.contains { $0.hasPrefix("  ROUTED FROM  hub-paws.wmcloud.org") }, "\(narrow)")
    #expect(narrow.allSatisfy { $0.count <= 70 }, "\(narrow)")
    let wide = try await workspace.statusOnTerminal(columns: 200)
    #expect(wide.first?.hasPrefix("GENERATION") == true, "\(wide)")
    let live = try #require(wide.first { $0.hasPrefix("127d") }, "\(wide)")
    #expect(PAWS.domains.allSatisfy { live.contains($0) }, "\(wide)")
  }

  @Test("a COLUMNS that is not a width exits 64, naming it")
  func badColumns() async throws {
    let workspace = try Workspace.with(try DesiredStateFixture.eqiad1())
    let result = try await workspace.generation(["status", "eqiad1"], environment: ["COLUMNS": "wide"])
    try requireExit(64, result)
    #expect(result.stderr.hasPrefix("error: COLUMNS must be "), "\(result)")
  }
}

extension Workspace {
  /// The lines `cutover generation status eqiad1 --simulate` prints to a terminal `columns` wide: a pseudo-terminal
  /// from util-linux's `script`, sized with `stty`, and no `COLUMNS`.
  func statusOnTerminal(columns: Int) async throws -> [String] {
    let script = URL(fileURLWithPath: "/usr/bin/script")
    try #require(FileManager.default.isExecutableFile(atPath: script.path), "util-linux's script is not installed")
    var environment = ProcessInfo.processInfo.environment.filter { name, _ in
      !name.hasPrefix("OS_") && !name.hasPrefix("CUTOVER_") && name != "COLUMNS" && name != "LINES"
    }
    environment["HOME"] = home.path
    environment.merge(Self.defaultEnvironment) { _, new in new }
    let outputFile = root.appendingPathComponent("terminal-\(columns).out")
    guard FileManager.default.createFile(atPath: outputFile.path, contents: nil) else {
      throw CocoaError(.fileWriteUnknown)
    }
    let output = try FileHandle(forWritingTo: outputFile)
    defer { try? output.close() }
    let process = Process()
    process.executableURL = script
    process.arguments = [
      "-q", "-e", "-c",
      "stty cols \(columns); '\(executable.path)' generation status eqiad1 --simulate --no-color", "/dev/null",
    ]
    process.currentDirectoryURL = directory
    process.environment = environment
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    try await poll("`script … generation status` to exit", timeout: .seconds(60)) { !process.isRunning }
    try #require(process.terminationStatus == 0, "script exited \(process.terminationStatus)")
    return try String(contentsOf: outputFile, encoding: .utf8).replacingOccurrences(of: "\r", with: "")
      .split(separator: "\n").map(String.init)
  }
}
