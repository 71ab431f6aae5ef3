import Foundation
import Testing

@testable import CutoverKit

@Suite("Files the desired state names: where they resolve, what their digests cover")
struct SourceFilesTests {
  private func write(_ text: String, to path: String) throws {
    try FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
  }

  @Test("a chart's digest covers Chart.yaml, values.yaml and its directories, not the files kept beside them")
  func chartDigestScope() throws {
    try withTemporaryDirectory { base in
      try write("apiVersion: v2\nname: paws\nversion: 0.1.0\n", to: base + "/paws/Chart.yaml")
      try write("a: 1\n", to: base + "/paws/values.yaml")
      try write("kind: ConfigMap\n", to: base + "/paws/templates/cm.yaml")
      try write("a: 2\n", to: base + "/paws/codfw.yaml")
      let digest = try SourceFiles.chartDigest("./paws", in: base)

      // Another environment's values file, a lock file dependency update rewrites, fetched subcharts, hidden files.
      try write("a: 3\n", to: base + "/paws/codfw.yaml")
      try write("digest: x\n", to: base + "/paws/Chart.lock")
      try write("tgz", to: base + "/paws/charts/jupyterhub-3.3.8.tgz")
      try write("x", to: base + "/paws/.helmignore")
      #expect(try SourceFiles.chartDigest("./paws", in: base) == digest)

      // What the chart deploys.
      try write("kind: ConfigMap\ndata: {}\n", to: base + "/paws/templates/cm.yaml")
      let changed = try SourceFiles.chartDigest("./paws", in: base)
      #expect(changed != digest)
      try write("a: 9\n", to: base + "/paws/values.yaml")
      #expect(try SourceFiles.chartDigest("./paws", in: base) != changed)
    }
  }

  @Test("a chart's .helmignore leaves directories and patterns out of its digest, as helm leaves them out of the chart")
  func helmIgnore() throws {
    try withTemporaryDirectory { base in
      try write("apiVersion: v2\nname: paws\nversion: 0.1.0\n", to: base + "/paws/Chart.yaml")
      try write("# comment\nmanifests/\n*.tmp\n", to: base + "/paws/.helmignore")
      try write("kind: ConfigMap\n", to: base + "/paws/templates/cm.yaml")
      try write("kind: StorageClass\n", to: base + "/paws/manifests/sc.yaml")
      let digest = try SourceFiles.chartDigest("./paws", in: base)
      try write("kind: StorageClass\nprovisioner: x\n", to: base + "/paws/manifests/sc.yaml")
      try write("scratch", to: base + "/paws/templates/notes.tmp")
      #expect(try SourceFiles.chartDigest("./paws", in: base) == digest)
      try write("kind: ConfigMap\ndata: {}\n", to: base + "/paws/templates/cm.yaml")
      #expect(try SourceFiles.chartDigest("./paws", in: base) != digest)
    }
  }

  @Test("a directory without Chart.yaml, or a missing one, is said plainly")
  func chartProblems() throws {
    try withTemporaryDirectory { base in
      try FileManager.default.createDirectory(atPath: base + "/empty", withIntermediateDirectories: true)
      #expect(throws: SourceFiles.Problem.self) { try SourceFiles.chartDigest("./empty", in: base) }
      do {
        _ = try SourceFiles.chartDigest("./missing", in: base)
        Issue.record("a missing chart was digested")
      } catch {
        #expect((error as? SourceFiles.Problem)?.message == "no chart directory (looked for \(base)/missing)")
      }
    }
  }

  @Test("a manifest's kinds are read from each document; a document without kind is refused")
  func manifestKinds() throws {
    try withTemporaryDirectory { base in
      try write("kind: StorageClass\n---\n# nothing\n---\nkind: Ingress\n", to: base + "/m.yaml")
      let read = try SourceFiles.manifest("m.yaml", in: base)
      #expect(read.kinds == ["StorageClass", "Ingress"])
      #expect(read.sha256.hasPrefix("sha256:"))
      try write("metadata: {name: x}\n", to: base + "/bad.yaml")
      #expect(throws: SourceFiles.Problem.self) { try SourceFiles.manifest("bad.yaml", in: base) }
    }
  }

  @Test(
    "relative paths resolve beside the clusters directory, however it is written",
    arguments: ["clusters", "clusters/", "./clusters", "clusters/."])
  func sourceDirectory(clusters: String) {
    let expected = FileManager.default.currentDirectoryPath
    #expect(WorkspacePaths(clustersDirectory: clusters).sourceDirectory == expected)
  }

  @Test("--clusters . resolves in the working directory's parent, not in a crash")
  func sourceDirectoryOfDot() {
    let parent = (FileManager.default.currentDirectoryPath as NSString).deletingLastPathComponent
    #expect(WorkspacePaths(clustersDirectory: ".").sourceDirectory == parent)
    #expect(WorkspacePaths(clustersDirectory: "./").sourceDirectory == parent)
    #expect(WorkspacePaths(clustersDirectory: "/etc/cutover/clusters").sourceDirectory == "/etc/cutover")
  }
}
