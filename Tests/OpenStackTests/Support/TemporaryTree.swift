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
    let tree = try make()
    defer { tree.remove() }
    return try body(tree)
  }

  /// A fresh tree with its directories made; the caller calls ``remove()`` (for async tests).
  static func make() throws -> TemporaryTree {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("cutover-openstack-\(UUID().uuidString)")
      .path
    let tree = TemporaryTree(root: root)
    for directory in [tree.currentDirectory, tree.userConfigDirectory, tree.systemDirectory] {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }
    return tree
  }

  /// Deletes the tree.
  func remove() {
    try? FileManager.default.removeItem(atPath: root)
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
