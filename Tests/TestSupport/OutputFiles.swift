import Foundation

/// Two new, empty files a child process writes its standard output and error to, opened for writing. Files, not
/// pipes: a child that leaves servers behind hands them its descriptors, and a pipe would not reach its end.
struct OutputFiles {
  let stdoutFile: URL
  let stderrFile: URL
  let stdout: FileHandle
  let stderr: FileHandle

  init(stdout stdoutFile: URL, stderr stderrFile: URL) throws {
    for file in [stdoutFile, stderrFile] where !FileManager.default.createFile(atPath: file.path, contents: nil) {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file.path])
    }
    self.stdoutFile = stdoutFile
    self.stderrFile = stderrFile
    stdout = try FileHandle(forWritingTo: stdoutFile)
    stderr = try FileHandle(forWritingTo: stderrFile)
  }

  /// Closes this process's handles (the child keeps its own copies).
  func close() {
    try? stdout.close()
    try? stderr.close()
  }

  /// What a file holds, as text; empty when it cannot be read.
  static func read(_ file: URL) -> String {
    String(decoding: FileManager.default.contents(atPath: file.path) ?? Data(), as: UTF8.self)
  }
}
