import Foundation
import Testing

@testable import CutoverKit

@Suite("Adding a generation by editing the environment file's text")
struct GenerationEditorTests {
  // MARK: - Next id

  @Test(
    "the next id: the next letter, or after z the next number with a",
    arguments: [
      (["127d"], "127e"), (["127z"], "128a"), (["9a"], "9b"), (["127c", "127d", "126z"], "127e"),
      (["128a", "127z"], "128b"), (["blue", "127d"], "127e"), (["007z"], "008a"), (["99y"], "99z"),
    ])
  func nextID(ids: [String], expected: String) throws {
    #expect(try GenerationEditor.nextID(after: ids) == expected)
  }

  @Test("no id of the number-and-letter shape: a usage error asking for --id", arguments: [["blue"], ["127"], []])
  func nonIncrementableID(ids: [String]) throws {
    let error = try #require(throws: CutoverError.self) { try GenerationEditor.nextID(after: ids) }
    #expect(error.exitCode == 64)
    #expect(error.errorDescription?.contains("--id") == true)
  }

  // MARK: - Copying an entry

  @Test("a flow entry `127d: {}` is copied as `127e: {}` right after it, nothing else changing")
  func flowEntry() throws {
    let text = try Fixture.text("environments/minimal.yaml")
    let addition = try add(to: text)
    #expect(addition.id == "127e")
    #expect(addition.source == "127d")
    #expect(addition.insertedLines == ["  127e: {}"])
    #expect(addition.firstLine == 25)
    #expect(addition.text == inserting(["  127e: {}"], after: "  127d: {}", in: text))
  }

  @Test("a block entry with nested mappings and comments: the comments inside are copied, those after it are not")
  func blockEntry() throws {
    let text = environment(
      generations: """
        generations:
          127d: {}
          128a:                      # the upgrade to Kubernetes 1.28
            # labels first: Magnum reads them at template creation
            template:
              labels:
                kube_tag: v1.28.15

            cluster: {workers: 6}    # more load since the autumn
            # end of 128a's settings
          # the next generation goes below

        live: 127d
        """)
    let addition = try add(to: text, from: "128a")
    let copy = [
      "  128b:",
      "    # labels first: Magnum reads them at template creation",
      "    template:",
      "      labels:",
      "        kube_tag: v1.28.15",
      "",
      "    cluster: {workers: 6}    # more load since the autumn",
      "    # end of 128a's settings",
    ]
    #expect(addition.id == "128b")
    #expect(addition.insertedLines == copy)
    #expect(addition.text == inserting(copy, after: "    # end of 128a's settings", in: text))
    let edited = try EnvironmentFile.parse(addition.text, environment: "eqiad1", file: "clusters/eqiad1.yaml")
    let copied = try #require(edited.generations.first { $0.id == "128b" })
    #expect(copied.template.labels["kube_tag"] == "v1.28.15")
    #expect(copied.cluster.workers == 6)
  }

  @Test("comments and blank lines everywhere stay; the copy goes after the last entry, whichever entry it copies")
  func commentsEverywhere() throws {
    let text = environment(
      generations: """

        # Generations, oldest first.

        generations:   # blue-green

          # the one serving users
          127c: {}

          127d:
            cluster:
              workers: 6   # six

          # a retired one used to be here

        # which one the proxies point at
        live: 127d   # since May

        """)
    let addition = try add(to: text, from: "127c")
    #expect(addition.id == "127e")
    #expect(addition.insertedLines == ["  127e: {}"])
    #expect(addition.text == inserting(["  127e: {}"], after: "      workers: 6   # six", in: text))
    #expect(addition.text.contains("  127e: {}\n\n  # a retired one used to be here\n\n# which one"))
  }

  @Test("the key line's own comment is about the old generation and is not copied; a quoted key is renamed")
  func keyLineComment() throws {
    let text = environment(
      generations: """
        generations:
          "127d": {cluster: {workers: 7}}   # live since 2024-05, see T12345
        live: 127d
        """)
    let addition = try add(to: text)
    #expect(addition.insertedLines == ["  127e: {cluster: {workers: 7}}"])
    let withHash = environment(
      generations: """
        generations:
          127d: {template: {labels: {note: 'a # not a comment'}}}  # a comment
        live: 127d
        """)
    #expect(try add(to: withHash).insertedLines == ["  127e: {template: {labels: {note: 'a # not a comment'}}}"])
    let withApostrophe = environment(
      generations: """
        generations:
          127d: {template: {labels: {note: don't}}}  # a comment
        live: 127d
        """)
    #expect(try add(to: withApostrophe).insertedLines == ["  127e: {template: {labels: {note: don't}}}"])
  }

  @Test("a file without a final newline, and a file with CRLF line ends, keep their shape")
  func lineEnds() throws {
    let noNewline = environment(generations: "live: 127d\ngenerations:\n  127d: {}")
    let added = try add(to: noNewline)
    #expect(added.text.hasSuffix("  127d: {}\n  127e: {}"))

    let crlf = environment(generations: "generations:\n  127d: {}\nlive: 127d\n").replacingOccurrences(
      of: "\n", with: "\r\n")
    let addition = try add(to: crlf)
    #expect(addition.insertedLines == ["  127e: {}"])
    #expect(addition.text == crlf.replacingOccurrences(of: "  127d: {}\r\n", with: "  127d: {}\r\n  127e: {}\r\n"))
  }

  // MARK: - Refusals

  @Test("--id naming an existing generation is a usage error naming it")
  func idCollision() throws {
    let text = try Fixture.text("environments/eqiad1-before.yaml")
    let error = try #require(throws: CutoverError.self) { try add(to: text, id: "127c") }
    #expect(error.exitCode == 64)
    #expect(error.errorDescription?.contains("127c") == true)
    #expect(error.errorDescription?.contains("already exists") == true)
  }

  @Test("--id that is not a generation id, or --from naming no generation, is a usage error")
  func badArguments() throws {
    let text = try Fixture.text("environments/minimal.yaml")
    for id in ["128A", "-x", "128 a", ""] {
      let error = try #require(throws: CutoverError.self) { try add(to: text, id: id) }
      #expect(error.exitCode == 64, "\(id)")
    }
    let error = try #require(throws: CutoverError.self) { try add(to: text, from: "999z") }
    #expect(error.exitCode == 64)
    #expect(error.errorDescription?.contains("999z") == true)
  }

  @Test("an invalid file is reported as the loader reports it, with its line and column")
  func invalidFile() throws {
    let text = environment(generations: "generations:\n  127d: {cluster: {wrokers: 6}}\nlive: 127d\n")
    let error = try #require(throws: CutoverError.self) { try add(to: text) }
    #expect(error.exitCode == 65)
    #expect(error.errorDescription?.contains("clusters/eqiad1.yaml:") == true)
    #expect(error.errorDescription?.contains("wrokers") == true)
  }

  @Test("generations written as one flow mapping cannot take an inserted line: refused, saying what to change")
  func flowGenerations() throws {
    let text = environment(generations: "generations: {127d: {}}\nlive: 127d\n")
    let error = try #require(throws: GenerationEditError.self) { try add(to: text) }
    #expect(error.errorDescription?.contains("one generation per line") == true)
  }

  // MARK: - The result

  @Test("the edited text loads: the same environment with one more generation, a standby copy of the source")
  func editedTextParses() throws {
    let text = try Fixture.text("environments/eqiad1-before.yaml")
    let before = try EnvironmentFile.parse(text, environment: "eqiad1", file: "clusters/eqiad1.yaml")
    let addition = try add(to: text, from: "128a", id: "128b")
    let after = try EnvironmentFile.parse(addition.text, environment: "eqiad1", file: "clusters/eqiad1.yaml")
    #expect(after.generations.map(\.id) == before.generations.map(\.id) + ["128b"])
    var expected = try #require(before.generations.first { $0.id == "128a" })
    expected.id = "128b"
    #expect(after.generations.last == expected)
    #expect(after.live == before.live)
    #expect(after.webProxies == before.webProxies)
  }

  // MARK: - Writing

  @Test("writing replaces the file atomically, keeping its permissions; a file changed meanwhile is left alone")
  func rewrite() throws {
    try withTemporaryDirectory { directory in
      let path = directory + "/eqiad1.yaml"
      let text = try Fixture.text("environments/minimal.yaml")
      try Data(text.utf8).write(to: URL(fileURLWithPath: path))
      chmod(path, 0o640)
      let read = try EnvironmentFileRewriter.read(environment: "eqiad1", path: path)
      let addition = try GenerationEditor.addGeneration(to: read, environment: "eqiad1", file: path)
      try EnvironmentFileRewriter.replace(path: path, original: read, with: addition.text)
      #expect(try String(contentsOfFile: path, encoding: .utf8) == addition.text)
      let attributes = try FileManager.default.attributesOfItem(atPath: path)
      #expect(((attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0) & 0o777 == 0o640)

      #expect(throws: GenerationEditError.self) {
        try EnvironmentFileRewriter.replace(path: path, original: read, with: "environment: eqiad1\n")
      }
      #expect(try String(contentsOfFile: path, encoding: .utf8) == addition.text)
      #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["eqiad1.yaml"])
    }
  }

  @Test("a missing file is reported as the loader reports it (exit 65)")
  func missingFile() throws {
    let error = try #require(throws: CutoverError.self) {
      try EnvironmentFileRewriter.read(environment: "eqiad1", path: "/nonexistent/clusters/eqiad1.yaml")
    }
    #expect(error.exitCode == 65)
    #expect(error.errorDescription?.contains("no such file") == true)
  }

  // MARK: - Helpers

  private func add(to text: String, from source: String? = nil, id: String? = nil) throws
    -> GenerationEditor.Addition
  {
    try GenerationEditor.addGeneration(
      to: text, environment: "eqiad1", file: "clusters/eqiad1.yaml", from: source, id: id)
  }

  /// `text` with `inserted` after the one line equal to `anchor`, split and joined on "\n" as the editor does.
  private func inserting(_ inserted: [String], after anchor: String, in text: String) -> String {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let matches = lines.indices.filter { lines[$0] == anchor }
    #expect(matches.count == 1, "the anchor `\(anchor)` should occur once")
    lines.insert(contentsOf: inserted, at: (matches.first ?? 0) + 1)
    return lines.joined(separator: "\n")
  }

  /// A small valid environment ending with `generations` (its `generations:` and `live:`).
  private func environment(generations: String) -> String {
    """
    # eqiad1, trimmed for the editor's tests
    environment: eqiad1   # must match the file name
    project: paws
    name_prefix: paws

    defaults:
      template: {image: Fedora-CoreOS-38, keypair: paws-magnum-vm, flavor: g4.cores8.ram32.disk20,
        master_flavor: g4.cores2.ram4.disk20, external_network: wan-transport-eqiad}
      # five workers unless a generation says otherwise
      cluster: {masters: 1, workers: 5}

    """ + generations
  }
}
