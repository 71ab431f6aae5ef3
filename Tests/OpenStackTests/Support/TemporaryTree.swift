import Foundation

// MARK: - TemporaryTree

/// A throw-away directory tree standing in for the current, home and system configuration directories.
struct TemporaryTree {
  let root: String

  var currentDirectory: String { root + "/work" }
  var homeDirectory: String { root + "/home" }
  var userConfigDirectory: String { homeDirectory + "/.config/openstack" }
  var systemDirectory: String { root + "/etc/openstack" }

  /// Runs `body` with a fresh tree, removed afterwards.
  static func with<Result>(_ body: (TemporaryTree) throws -> Result) throws -> Result {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("cutover-openstack-\(UUID().uuidString)")
      .path
    let tree = TemporaryTree(root: root)
    for directory in [tree.currentDirectory, tree.userConfigDirectory, tree.systemDirectory] {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }
    defer { try? FileManager.default.removeItem(atPath: root) }
    return try body(tree)
  }

  /// Writes `text` to `path` (creating directories).
  @discardableResult
  func write(_ path: String, _ text: String) throws -> String {
    let directory = (path as NSString).deletingLastPathComponent
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
  }
}
