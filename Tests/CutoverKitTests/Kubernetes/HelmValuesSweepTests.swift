import CutoverKit
import Foundation
import Testing

extension KubernetesTests {
  @Suite("Private values folders of dead runs are swept; a live run's never")
  struct HelmValuesSweepTests {
    /// The pid of a process that has certainly exited: `/bin/true`, run and waited for.
    private func exitedPID() throws -> Int32 {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/bin/true")
      try process.run()
      process.waitUntilExit()
      return process.processIdentifier
    }

    @Test("a folder named with a dead run's pid is removed with its values; this run's and unknown ones stay")
    func sweep() async throws {
      try await withScratchDirectory { directory in
        let dead = directory.appendingPathComponent("cutover-helm-\(try exitedPID())-a1B2c3").path
        let live = directory.appendingPathComponent("cutover-helm-\(getpid())-d4E5f6").path
        let unnamed = directory.appendingPathComponent("cutover-helm-Zx81Qa").path
        let other = directory.appendingPathComponent("not-cutover-1-abc").path
        for folder in [dead, live, unnamed, other] {
          try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
          try Data("{\"secret\": \"x\"}".utf8).write(to: URL(fileURLWithPath: folder + "/values.json"))
        }
        let removed = HelmClient.removeStaleHiddenValues(in: directory.path)
        #expect(removed == [dead])
        #expect(!FileManager.default.fileExists(atPath: dead))
        for kept in [live, unnamed, other] {
          #expect(FileManager.default.fileExists(atPath: kept + "/values.json"), "\(kept) was removed")
        }
      }
    }
  }
}
