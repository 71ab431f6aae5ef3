import Foundation

/// Writes a file readable by its owner only (0600), atomically: temporary file beside it, `fsync`, `rename`.
enum PrivateFileWriter {
  static func write(_ data: Data, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent().path
    let temporary = directory + "/." + url.lastPathComponent + ".tmp-" + UUID().uuidString.lowercased()
    let descriptor = open(temporary, O_CREAT | O_EXCL | O_WRONLY, 0o600)
    guard descriptor >= 0 else { throw failure(path) }
    var renamed = false
    defer {
      if !renamed { unlink(temporary) }
    }
    do {
      defer { close(descriptor) }
      guard fchmod(descriptor, 0o600) == 0 else { throw failure(path) }
      try data.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
          let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
          if written < 0 {
            if errno == EINTR { continue }
            throw failure(path)
          }
          offset += written
        }
      }
      guard fsync(descriptor) == 0 else { throw failure(path) }
    }
    guard rename(temporary, path) == 0 else { throw failure(path) }
    renamed = true
  }

  private static func failure(_ path: String) -> KubeconfigError {
    .writeFailed(path: path, reason: String(cString: strerror(errno)))
  }
}
