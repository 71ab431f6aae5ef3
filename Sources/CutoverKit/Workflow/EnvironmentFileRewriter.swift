import Foundation

/// Reads an environment file for an edit and writes the edited text back, atomically and keeping the file's
/// permissions, so a failure at any point leaves the operator's file as it was.
public enum EnvironmentFileRewriter {
  /// The text of `clusters/<env>.yaml`.
  /// - Throws: `CutoverError.invalidDesiredState` for a missing, unreadable or non-UTF-8 file, as the loader reports it.
  public static func read(environment: String, path: String) throws -> String {
    if let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) {
      return text
    }
    // The loader words these problems the way every other command does.
    _ = try EnvironmentFile.load(environment: environment, path: path)
    throw CutoverError.invalidDesiredState([Diagnostic(file: path, line: 0, column: 0, message: "cannot be read")])
  }

  /// Replaces the file's text with `text`: a temporary file beside it with the same permissions, `fsync`, then
  /// `rename` over it (over the target of a symbolic link, which stays a link).
  /// - Parameter original: the text the edit was made from; if the file no longer holds it, nothing is written.
  /// - Throws: `GenerationEditError.writeFailed`; the file is then unchanged.
  public static func replace(path: String, original: String, with text: String) throws {
    let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    var status = stat()
    guard stat(target, &status) == 0 else { throw failure(path, String(cString: strerror(errno))) }
    let directory = (target as NSString).deletingLastPathComponent
    let name = (target as NSString).lastPathComponent
    let temporary = (directory.isEmpty ? "." : directory) + "/." + name + ".tmp-" + UUID().uuidString.lowercased()
    let descriptor = open(temporary, O_CREAT | O_EXCL | O_WRONLY, 0o600)
    guard descriptor >= 0 else {
      throw failure(path, "cannot create a file beside it: " + String(cString: strerror(errno)))
    }
    var renamed = false
    defer {
      if !renamed { unlink(temporary) }
    }
    do {
      defer { close(descriptor) }
      // Best effort for the owner (only root may give a file away); the mode must match.
      _ = fchown(descriptor, status.st_uid, status.st_gid)
      guard fchmod(descriptor, status.st_mode & 0o7777) == 0 else {
        throw failure(path, String(cString: strerror(errno)))
      }
      try writeAll(Data(text.utf8), to: descriptor, path: path)
      guard fsync(descriptor) == 0 else { throw failure(path, String(cString: strerror(errno))) }
    }
    // Another editor may have saved the file since it was read: theirs wins, and the operator runs the command again.
    guard let current = FileManager.default.contents(atPath: target), current == Data(original.utf8) else {
      throw failure(path, "it changed while it was being edited; run the command again")
    }
    guard rename(temporary, target) == 0 else { throw failure(path, String(cString: strerror(errno))) }
    renamed = true
  }

  private static func writeAll(_ data: Data, to descriptor: Int32, path: String) throws {
    try data.withUnsafeBytes { buffer in
      guard let base = buffer.baseAddress else { return }
      var offset = 0
      while offset < buffer.count {
        let written = write(descriptor, base + offset, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          throw failure(path, String(cString: strerror(errno)))
        }
        offset += written
      }
    }
  }

  private static func failure(_ path: String, _ reason: String) -> GenerationEditError {
    .writeFailed(file: path, reason: reason)
  }
}
