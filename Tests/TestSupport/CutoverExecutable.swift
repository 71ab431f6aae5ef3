import Foundation

/// Finds the built `cutover` executable that end-to-end tests run.
public enum CutoverExecutable {
  /// The environment variable that names the executable explicitly.
  public static let environmentKey = "CUTOVER_BINARY"

  /// Why the executable could not be found.
  public struct NotFound: Error, CustomStringConvertible {
    /// The directories that were searched.
    public var searched: [String]

    public var description: String {
      "no executable named `cutover` next to the test bundle (searched \(searched.joined(separator: ", "))); "
        + "build it with `swift build`, or set \(CutoverExecutable.environmentKey) to its path"
    }
  }

  /// `CUTOVER_BINARY` when set; otherwise the `cutover` that SwiftPM built beside the running test bundle
  /// (`.build/<triple>/debug/` on Linux), looked up in the test bundle's directory and its parents.
  /// - Throws: ``NotFound`` when there is none.
  public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
    if let explicit = environment[environmentKey], !explicit.isEmpty {
      return URL(fileURLWithPath: explicit)
    }
    var searched: [String] = []
    for start in startingDirectories() {
      var directory = start
      for _ in 0..<4 {
        let path = directory.standardizedFileURL.path
        if !searched.contains(path) {
          searched.append(path)
          let candidate = directory.appendingPathComponent("cutover")
          if isExecutableFile(candidate) { return candidate }
        }
        directory = directory.deletingLastPathComponent()
      }
    }
    throw NotFound(searched: searched)
  }

  /// The directories holding the running test binary or bundle, most specific first.
  private static func startingDirectories() -> [URL] {
    var paths: [String] = []
    if let first = CommandLine.arguments.first { paths.append(first) }
    paths.append(Bundle.main.bundlePath)
    if let executable = Bundle.main.executablePath { paths.append(executable) }
    // Under Xcode's `xctest` runner the test bundle is one of the loaded bundles, not the main one.
    paths += Bundle.allBundles.map(\.bundlePath).filter { $0.hasSuffix(".xctest") }
    return paths.map { URL(fileURLWithPath: $0).deletingLastPathComponent() }
  }

  private static func isExecutableFile(_ url: URL) -> Bool {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
      return false
    }
    return FileManager.default.isExecutableFile(atPath: url.path)
  }
}
