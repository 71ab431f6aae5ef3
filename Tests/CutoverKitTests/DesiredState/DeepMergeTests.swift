import Testing
import Yams

@testable import CutoverKit

/// `merge/defaults-and-generation.yaml` holds a `defaults` block and one generation's overrides of it.
@Suite("Deep merge of a generation over the defaults")
struct DeepMergeTests {
  private let merged: Node

  init() throws {
    let document = try #require(try Yams.compose(yaml: Fixture.text("merge/defaults-and-generation.yaml")))
    let defaults = try #require(document["defaults"])
    let generation = try #require(document["generation"])
    merged = DeepMerge.merge(base: defaults, override: generation)
  }

  @Test("nested mappings merge key by key: keys only the defaults set are kept")
  func mappingsMergeKeyByKey() {
    #expect(merged["template"]?["flavor"]?.string == "g4.cores8.ram32.disk20")
    #expect(merged["cluster"]?["masters"]?.int == 1)
  }

  @Test("a scalar the generation sets replaces the default")
  func scalarsReplace() {
    #expect(merged["template"]?["image"]?.string == "Fedora-CoreOS-40")
    #expect(merged["cluster"]?["workers"]?.int == 6)
  }

  @Test("overriding one label keeps the other labels")
  func oneLabelOverrideKeepsOthers() {
    #expect(merged["template"]?["labels"]?["kube_tag"]?.string == "v1.28.15")
    #expect(merged["template"]?["labels"]?["calico_tag"]?.string == "v3.26.4")
    #expect(merged["template"]?["labels"]?.mapping?.count == 2)
  }

  @Test("a list the generation sets replaces the default list whole")
  func listsReplaceWhole() {
    #expect(merged["releases"]?.sequence?.map { $0["name"]?.string } == ["paws"])
  }

  @Test("an overridden value keeps the generation's position; an inherited one keeps the defaults'")
  func marksFollowTheWriter() {
    #expect(merged["template"]?["image"]?.mark?.line == 17)
    #expect(merged["template"]?["flavor"]?.mark?.line == 5)
  }

  @Test("in a parsed file, a generation overriding one label keeps the other labels")
  func parsedGenerationKeepsOtherLabels() throws {
    let state = try Fixture.desiredState("eqiad1-two-generations.yaml")
    let live = try #require(state.generation("127d")).template.labels
    let next = try #require(state.generation("128a")).template.labels
    #expect(next["kube_tag"] == "v1.28.15")
    #expect(next.count == live.count)
    #expect(next.filter { $0.key != "kube_tag" } == live.filter { $0.key != "kube_tag" })
  }

  @Test("an error in a value a generation overrides points at the generation's line")
  func overriddenErrorPointsAtGeneration() throws {
    let diagnostics = try Fixture.diagnostics(of: "invalid/merge-errors.yaml")
    let diagnostic = try #require(diagnostics.first { $0.message.hasPrefix("generations.128a.") })
    #expect((diagnostic.line, diagnostic.column) == (27, 23))
    #expect(diagnostic.message.contains("found 'later'"))
  }

  @Test("an error in a value a generation inherits points at the defaults' line")
  func inheritedErrorPointsAtDefaults() throws {
    let diagnostics = try Fixture.diagnostics(of: "invalid/merge-errors.yaml")
    let diagnostic = try #require(diagnostics.first { $0.message.contains("found 'soon'") })
    #expect((diagnostic.line, diagnostic.column) == (18, 21))
    #expect(diagnostic.message.hasPrefix("defaults.cluster."))
    #expect(diagnostics.filter { $0.message.contains("found 'soon'") }.count == 1)
  }
}
