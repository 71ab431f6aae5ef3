import CutoverKit
import Foundation
import Testing

@Suite("Plan renderers")
struct PlanRendererTests {
  // MARK: - Text

  @Test("text ends with the Plan line counting adds, changes and destroys")
  func textEndsWithSummary() throws {
    let changes = TextPlanRenderer(color: false).render(try GoldenPlan.everyKindOfChange.plan())
    #expect(changes.hasSuffix("\nPlan: 8 to add, 7 to change, 8 to destroy.\n"))
    let none = TextPlanRenderer(color: false).render(try GoldenPlan.noChanges.plan())
    #expect(none.hasSuffix("\nPlan: 0 to add, 0 to change, 0 to destroy.\n"))
  }

  @Test("text without colour holds no escape codes; with colour it does")
  func textColour() throws {
    let plan = try GoldenPlan.everyKindOfChange.plan()
    #expect(!TextPlanRenderer(color: false).render(plan).contains("\u{1B}["))
    #expect(TextPlanRenderer(color: true).render(plan).contains("\u{1B}["))
  }

  // MARK: - JSON

  /// The JSON rendering of a plan, decoded, and its resource changes by address.
  private func json(_ plan: GoldenPlan) throws -> (document: [String: Any], changes: [String: [String: Any]]) {
    let text = try JSONPlanRenderer().render(plan.plan())
    let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    let list = try #require(document["resource_changes"] as? [[String: Any]])
    let changes = Dictionary(list.map { ($0["address"] as? String ?? "", $0) }, uniquingKeysWith: { first, _ in first })
    return (document, changes)
  }

  @Test("JSON carries the format version, environment, lineage and serial")
  func jsonHeader() throws {
    let document = try json(.everyKindOfChange).document
    #expect(document["format_version"] as? String == "1.0")
    #expect(document["environment"] as? String == "eqiad1")
    #expect(document["lineage"] as? String == StateVersion.fixed.lineage)
    #expect(document["serial"] as? Int == 7)
  }

  @Test("JSON lists a replacement as create then delete, with replace paths, unknowns and its reason")
  func jsonReplacement() throws {
    let cluster = try #require(try json(.everyKindOfChange).changes["cluster.128a"])
    #expect(cluster["type"] as? String == "cluster")
    #expect(cluster["actions"] as? [String] == ["create", "delete"])
    #expect(cluster["replace_paths"] as? [[String]] == [["labels"], ["template_id"]])
    #expect(cluster["action_reason"] as? String == "replace_because_cannot_update")
    let unknown = try #require(cluster["after_unknown"] as? [String: Bool])
    #expect(unknown["template_id"] == true)
    #expect(unknown["node_addresses"] == true)
    #expect((cluster["before"] as? [String: Any])?["id"] as? String == "cluster-128a")
  }

  @Test("JSON lists every kind of action with its own name")
  func jsonActionNames() throws {
    let changes = try json(.everyKindOfChange).changes
    #expect(changes["cluster.128b"]?["actions"] as? [String] == ["create"])
    #expect(changes["cluster.127d"]?["actions"] as? [String] == ["update"])
    #expect(changes["cluster.127c"]?["actions"] as? [String] == ["delete"])
    #expect(changes["cluster.127c"]?["action_reason"] as? String == "delete_because_no_resource_config")
    #expect(changes["cluster_template.127d"]?["actions"] as? [String] == ["no-op"])
  }

  // MARK: - Sensitive values

  @Test("sensitive values appear in no rendering of the plan", arguments: PlanFormat.allCases)
  func sensitiveValuesNeverAppear(format: PlanFormat) throws {
    let output = try format.render(GoldenPlan.sensitive.plan())
    for secret in GoldenPlan.secrets.values + [GoldenPlan.oldSecret] {
      #expect(!output.contains(secret))
    }
  }

  @Test("text and JSON say that a sensitive attribute changes, without its value")
  func sensitiveAttributesAreMarked() throws {
    let plan = try GoldenPlan.sensitive.plan()
    #expect(TextPlanRenderer(color: false).render(plan).contains("token = (sensitive)"))
    let changes = try json(.sensitive).changes
    #expect((changes["app_secret.hub"]?["after_sensitive"] as? [String: Bool])?["token"] == true)
    #expect(changes["app_secret.hub"]?["actions"] as? [String] == ["update"])
  }

  // MARK: - Markdown

  @Test(
    "in a markdown diff block every line carries one sign, in the first column, closing braces included",
    arguments: [GoldenPlan.everyKindOfChange, .sensitive])
  func markdownDiffSigns(_ golden: GoldenPlan) throws {
    let markdown = MarkdownPlanRenderer().render(try golden.plan())
    let blocks = markdown.components(separatedBy: "```diff\n").dropFirst().map {
      $0.components(separatedBy: "```")[0].split(separator: "\n").map(String.init)
    }
    #expect(!blocks.isEmpty)
    for line in blocks.joined() {
      let sign = try #require(line.first)
      #expect("+-~! ".contains(sign), "\(line)")
      let rest = line.dropFirst().drop { $0 == " " }
      #expect(!["+ ", "- ", "~ ", "-/+ "].contains { rest.hasPrefix($0) }, "a second sign: \(line)")
      if rest.hasPrefix("}") { #expect(sign != " ", "a closing brace without its block's sign: \(line)") }
    }
  }

  @Test("the markdown table's Detail column is never empty: changed values old → new, a new object's highlights")
  func markdownDetails() throws {
    let markdown = MarkdownPlanRenderer().render(try GoldenPlan.everyKindOfChange.plan())
    let rows = markdown.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| Action") }
    #expect(rows.count == 21)
    for row in rows {
      let cells = row.split(separator: "|", omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      #expect(cells.count == 5 && !cells[3].isEmpty, "\(row)")
    }
    #expect(rows.contains { $0.contains("`cluster.127d`") && $0.contains("`node_count` 5 → 6") })
    #expect(
      rows.contains { $0.contains("`cluster.128b`") && $0.contains("`node_count` = 5") && $0.contains("kube_tag") })
    #expect(rows.contains { $0.contains("`helm_release.128b.prometheus`") && $0.contains("`version` = \"25.26.0\"") })
  }

  @Test("markdown longer than the limit is cut with a note and stays within the limit")
  func markdownIsCutToLimit() throws {
    let plan = try GoldenPlan.everyKindOfChange.plan()
    let whole = MarkdownPlanRenderer().render(plan)
    let limit = whole.utf8.count - 1
    let cut = MarkdownPlanRenderer(limit: limit).render(plan)
    #expect(cut.utf8.count <= limit)
    #expect(cut.contains("more change(s) left out of the details to fit the comment; the full plan"))
    #expect(!whole.contains("to fit the comment"))
  }

  @Test(
    "markdown stays within the limit even when the summary table alone is longer")
  func markdownTableIsCutToLimit() throws {
    let plan = try GoldenPlan.everyKindOfChange.plan()
    let cut = MarkdownPlanRenderer(limit: 300).render(plan)
    #expect(cut.count <= 300)
    #expect(cut.contains("cut to fit the comment"))
  }
}
