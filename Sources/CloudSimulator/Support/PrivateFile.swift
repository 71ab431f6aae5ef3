import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Creates files only their owner can read or write.
enum PrivateFile {
  /// Creates an empty file with mode 0600 (and its directory) unless it already exists, so SQLite (and its
  /// -wal/-shm companions, which copy the main file's permissions) never exposes tokens to other users.
  /// `O_EXCL` makes this safe when two processes race to create the same cloud: the loser leaves the winner's
  /// file alone.
  static func create(at path: String) throws {
    let directory = (path as NSString).deletingLastPathComponent
    if !directory.isEmpty {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }
    let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
    if descriptor >= 0 {
      close(descriptor)
    } else if errno != EEXIST {
      throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
    }
  }
}
