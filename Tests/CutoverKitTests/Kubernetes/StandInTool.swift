import Foundation
import Testing

/// A stand-in for helm or kubectl, neither of which is installed where the tests run: shell scripts in a scratch
/// directory that record each call's arguments and the directory it ran in, then do what the test says.
struct StandInTool {
  let directory: URL

  private var callLog: String { directory.appendingPathComponent("calls.log").path }
  private var directoryLog: String { directory.appendingPathComponent("directories.log").path }

  /// Writes an executable script named `name` that records its call, then runs `body`; returns its path.
  @discardableResult
  func script(_ name: String, _ body: String) throws -> String {
    try writeScript(
      name, in: directory,
      """
      { for argument in "$@"; do printf '%s\\n' "$argument"; done; echo '--end-of-call--'; } >> '\(callLog)'
      pwd -P >> '\(directoryLog)'
      \(body)
      """)
  }

  /// Writes a canned answer into a file and returns its path, for a script to `cat`.
  func answer(_ name: String, _ text: String) throws -> String {
    let path = directory.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// A fresh empty subdirectory.
  func subdirectory(_ name: String) throws -> URL {
    let url = directory.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// The arguments of each call so far, in order.
  func calls() throws -> [[String]] {
    guard FileManager.default.fileExists(atPath: callLog) else { return [] }
    var calls: [[String]] = []
    var current: [String] = []
    for line in try String(contentsOfFile: callLog, encoding: .utf8).split(
      separator: "\n", omittingEmptySubsequences: false)
    {
      if line == "--end-of-call--" {
        calls.append(current)
        current = []
      } else if !line.isEmpty || !current.isEmpty {
        current.append(String(line))
      }
    }
    return calls
  }

  /// The working directory of each call so far, symbolic links resolved.
  func directories() throws -> [String] {
    guard FileManager.default.fileExists(atPath: directoryLog) else { return [] }
    return try String(contentsOfFile: directoryLog, encoding: .utf8).split(separator: "\n").map(String.init)
  }
}

/// Runs `body` with a stand-in in a fresh scratch directory, removed afterwards.
func withStandIn<Result>(_ body: (StandInTool) async throws -> Result) async throws -> Result {
  try await withScratchDirectory { directory in try await body(StandInTool(directory: directory)) }
}
