/// Renders a plan for a pull-request comment: what it does to the blue-green picture, the counts, what it was planned
/// against, warnings, drift and a table of the changes, then each change in a collapsible `diff` block.
///
/// The whole comment is at most `limit` bytes of UTF-8 (so at most as many characters) whatever the plan. The summary
/// always fits: each of its parts is bounded (a table too long for the comment becomes one row per action and type,
/// long lists of warnings or drift are cut with a count); the per-change details fill what is left, cut with a line
/// saying how many were left out and where the whole plan is.
public struct MarkdownPlanRenderer: Sendable {
  /// GitHub refuses comments over 65,536 characters.
  public var limit: Int
  /// Where each type's highlights come from: what the Detail column shows of a new object.
  public var catalog: ResourceCatalog

  /// The most warnings, and drifted objects, the summary lists by name.
  static let listedWarnings = 10
  static let listedDrift = 30
  /// The longest a warning is shown.
  static let warningLength = 400

  public init(limit: Int = 65_536, catalog: ResourceCatalog = .standard) {
    self.limit = limit
    self.catalog = catalog
  }

  public func render(_ plan: Plan) -> String {
    let title = "### Cutover plan for `\(plan.environment)`\n\n"
    var summary = "**\(plan.summary.description)**\n\n"
    if let basis = basis(plan) { summary += basis + "\n\n" }
    if let reasons = plan.previewOnly, !reasons.isEmpty {
      summary += "> **Preview only:** " + reasons.joined(separator: "; ") + "\n\n"
    }
    summary += bounded(
      plan.warnings.map { "> **Warning:** \(Self.cut($0, to: Self.warningLength))\n" }, listing: Self.listedWarnings,
      rest: { "> _…and \($0) more warning(s), in the full plan._\n" })
    if !plan.warnings.isEmpty { summary += "\n" }
    if !plan.drift.isEmpty {
      let drifted = plan.drift.prefix(Self.listedDrift).map { "`\($0.address)` (\($0.kind.rawValue))" }
      let more = plan.drift.count > Self.listedDrift ? ", and \(plan.drift.count - Self.listedDrift) more" : ""
      summary += "Changed outside Cutover: " + drifted.joined(separator: ", ") + more + "\n\n"
    }
    if let note = plan.unchangedNote { summary += note + ".\n\n" }
    let actionable = plan.actionable
    guard !actionable.isEmpty else { return Self.fitted(title + summary + "No changes.\n", limit: limit) }

    // The story goes first when it fits beside everything else the summary must hold.
    let story = blueGreenStory(plan)
    let storyLine = story.isEmpty ? "" : "This plan " + story.joined(separator: "; ") + ".\n\n"
    let cutNote = { (count: Int) in
      "_\(count) more change(s) left out of the details to fit the comment; the full plan (`cutover show` of the "
        + "saved plan, or the JSON) is in the workflow's artifacts._\n"
    }
    let reserve = cutNote(actionable.count).utf8.count + 2
    let rows = actionable.map { "| \(label($0.action)) | `\($0.displayAddress)` | \(detail($0)) |\n" }
    let header = "| Action | Resource | Detail |\n|---|---|---|\n"
    var table = header + rows.joined() + "\n"
    if (title + storyLine + summary + table).utf8.count + reserve > limit {
      table = groupedTable(actionable)
    }
    let fixed = title + summary + table
    var head = title + (fixed.utf8.count + storyLine.utf8.count + reserve <= limit ? storyLine : "") + summary + table
    head = Self.fitted(head, limit: limit - reserve)
    var size = head.utf8.count

    let text = TextPlanRenderer(color: false)
    var body = ""
    for (index, change) in actionable.enumerated() {
      let block =
        "<details><summary>\(label(change.action)) <code>\(change.displayAddress)</code></summary>\n\n```diff\n"
        + diffLines(text.renderChange(change)) + "```\n\n</details>\n\n"
      let note = cutNote(actionable.count - index)
      if size + block.utf8.count + note.utf8.count > limit {
        body += note
        break
      }
      body += block
      size += block.utf8.count
    }
    return head + body
  }

  /// The comment for a plan the guards refused: why, so the pull request shows it where the plan would be.
  public func refusal(environment: String, reasons: [String], commit: String?) -> String {
    var text = "### Cutover plan for `\(environment)`: refused\n\n"
    if let commit { text += "commit `\(Self.cut(commit, to: 40))`\n\n" }
    text += "Cutover refuses to plan this change:\n\n"
    text += bounded(
      reasons.map { "- \(Self.cut($0, to: Self.warningLength))\n" }, listing: Self.listedWarnings,
      rest: { "- _…and \($0) more._\n" })
    return Self.fitted(text, limit: limit)
  }

  /// What the plan was made against, when it says: `Planned against snapshot serial 42 (published … by …) · commit
  /// abc123`.
  private func basis(_ plan: Plan) -> String? {
    var parts: [String] = []
    if let snapshot = plan.snapshot {
      var part =
        "Planned against the published state, serial \(snapshot.serial) (\(Timestamps.format(snapshot.publishedAt)) "
        + "by \(snapshot.publishedBy), `cutover \(snapshot.command)`)"
      if snapshot.applyRunning { part += ", taken while an apply was running" }
      parts.append(part)
    }
    if let commit = plan.commit { parts.append("commit `\(Self.cut(commit, to: 40))`") }
    return parts.isEmpty ? nil : parts.joined(separator: " · ")
  }

  /// The changes as one row per action and type, for a plan whose table of every change would not fit: how many,
  /// and the first few addresses.
  private func groupedTable(_ changes: [PlannedChange]) -> String {
    var groups: [(action: PlannedChange.Action, type: String, addresses: [String])] = []
    for change in changes {
      if let index = groups.firstIndex(where: { $0.action == change.action && $0.type == change.address.type }) {
        groups[index].addresses.append(change.displayAddress)
      } else {
        groups.append((change.action, change.address.type, [change.displayAddress]))
      }
    }
    var table = "_\(changes.count) changes: too many to list one by one here; by action and type:_\n\n"
    table += "| Action | Count | Resources |\n|---|---|---|\n"
    for group in groups {
      let named = group.addresses.prefix(5).map { "`\($0)`" }.joined(separator: ", ")
      let more = group.addresses.count > 5 ? ", … \(group.addresses.count - 5) more" : ""
      table += "| \(label(group.action)) | \(group.addresses.count) `\(group.type)` | \(named)\(more) |\n"
    }
    return table + "\n"
  }

  /// `items` joined, at most `listing` of them, then `rest(count left out)`.
  private func bounded(_ items: [String], listing: Int, rest: (Int) -> String) -> String {
    items.prefix(listing).joined() + (items.count > listing ? rest(items.count - listing) : "")
  }

  /// `text` cut to at most `length` characters, with an ellipsis.
  static func cut(_ text: String, to length: Int) -> String {
    text.count > length ? String(text.prefix(length - 1)) + "…" : text
  }

  /// `text` cut to at most `limit` bytes of UTF-8 at a line's end: the last safety, for a summary its bounds did not
  /// keep small enough (a tiny limit).
  static func fitted(_ text: String, limit: Int) -> String {
    guard text.utf8.count > limit else { return text }
    var kept = ""
    var size = 0
    let note = "\n_…cut to fit the comment; the full plan is in the workflow's artifacts._\n"
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let length = line.utf8.count + 1
      if size + length + note.utf8.count > limit { break }
      kept += line + "\n"
      size += length
    }
    return kept + note
  }

  private func label(_ action: PlannedChange.Action) -> String {
    switch action {
    case .create: return "➕ create"
    case .update: return "🔄 update"
    case .replace: return "♻️ replace"
    case .delete: return "❌ destroy"
    case .noop: return "no-op"
    }
  }

  /// What the plan does to the blue-green picture, in the words a reviewer reads at a glance: "adds generation 128b
  /// (standby; live stays 127d)", "switches live 127d → 128b", "resizes 127d from 5 to 6 workers", "retires 127c".
  func blueGreenStory(_ plan: Plan) -> [String] {
    let pointers = plan.changes.filter { catalog[$0.address.type]?.switchRole == .pointsOperators }
    let live = KubeconfigResource.Attribute.live
    let liveBefore = pointers.first { $0.before?[live] == true }.flatMap { catalog.generation(of: $0.address) }
    let liveAfter = pointers.first { $0.after?[live] == true }.flatMap { catalog.generation(of: $0.address) }
    var order: [String] = []
    var byGeneration: [String: [PlannedChange]] = [:]
    for change in plan.actionable {
      guard let generation = catalog.generation(of: change.address) else { continue }
      if byGeneration[generation] == nil { order.append(generation) }
      byGeneration[generation, default: []].append(change)
    }
    var story: [String] = []
    for generation in order {
      let changes = byGeneration[generation] ?? []
      if changes.allSatisfy({ $0.action == .create }) {
        let role =
          generation == liveAfter
          ? "live" : liveAfter.map { "standby; live stays \($0)" } ?? "standby"
        story.append("adds generation \(generation) (\(role))")
      } else if changes.allSatisfy({ $0.action == .delete }) {
        story.append("retires \(generation)")
      } else {
        let workers = ClusterResource.Attribute.nodeCount
        if let resize = changes.first(where: { $0.action == .update && $0.before?[workers] != $0.after?[workers] }),
          let from = resize.before?[workers], let to = resize.after?[workers]
        {
          story.append("resizes \(generation) from \(from) to \(to) workers")
        }
        let forcing = Set(changes.filter { $0.action == .replace }.flatMap(\.replacePaths))
        if !forcing.isEmpty {
          story.append(
            "rebuilds \(generation) (forced by \(forcing.sorted().map { "`\($0)`" }.joined(separator: ", ")))")
        }
      }
    }
    if let liveBefore, let liveAfter, liveBefore != liveAfter {
      story.insert("switches live \(liveBefore) → \(liveAfter)", at: 0)
    }
    return story
  }

  /// The Detail column, never empty: what forces a replacement, why an object goes, each changed attribute of an
  /// update as old → new, and a new object's highlights.
  private func detail(_ change: PlannedChange) -> String {
    if !change.replacePaths.isEmpty {
      return "forced by " + change.replacePaths.map { "`\($0)`" }.joined(separator: ", ")
    }
    if let reason = change.reason { return reason.rawValue.replacingOccurrences(of: "_", with: " ") }
    let sensitive = Set(change.sensitive)
    let unknown = Set(change.unknownAfter)
    switch change.action {
    case .update:
      // What the cloud computes (addresses, a status) follows from the inputs a reviewer reads; it is left out, as is
      // a value that was not there before and is known only after apply.
      let schema = catalog[change.address.type]?.schema
      let names = Set((change.before ?? [:]).keys).union(change.after?.keys ?? [:].keys).union(unknown).filter {
        !sensitive.contains($0) && !(change.before?[$0] == nil && unknown.contains($0))
          && schema?[$0]?.isInput != false
          && (unknown.contains($0) || change.before?[$0] != change.after?[$0])
      }
      let changed = names.sorted().map { name in
        let new = unknown.contains(name) ? "(known after apply)" : shown(change.after?[name])
        return "`\(name)` \(shown(change.before?[name])) → \(new)"
      }
      // Nothing shown changed, so what did is a sensitive value (never printed).
      let secret = sensitive.sorted().map { "`\($0)` (sensitive)" }.joined(separator: ", ")
      return cell(changed.joined(separator: ", "), or: secret.isEmpty ? "an attribute known only after apply" : secret)
    case .create:
      let after = change.after ?? [:]
      let wanted = catalog[change.address.type]?.highlights ?? []
      var shownNames = wanted.compactMap { path -> String? in
        value(at: path, in: after).map { "`\(path)` = \(shown($0))" }
      }
      if shownNames.isEmpty {
        shownNames = after.keys.sorted().filter { !sensitive.contains($0) }.prefix(3).map {
          "`\($0)` = \(shown(after[$0]))"
        }
      }
      return cell(shownNames.joined(separator: ", "), or: "every attribute known only after apply")
    default:
      return "no longer declared"
    }
  }

  /// A value at `path` (`labels.kube_tag`: a key of a map attribute).
  private func value(at path: String, in attributes: Attributes) -> Value? {
    let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
    guard let top = attributes[parts[0]] else { return nil }
    guard parts.count == 2 else { return top }
    return top.mapValue?[parts[1]]
  }

  /// A value as a table cell shows it: at most 40 characters.
  private func shown(_ value: Value?) -> String {
    let text = value?.description ?? "(none)"
    return text.count > 40 ? String(text.prefix(39)) + "…" : text
  }

  /// A table cell's text, with its pipes escaped; `fallback` when there is nothing to say.
  private func cell(_ text: String, or fallback: String) -> String {
    (text.isEmpty ? fallback : text).replacingOccurrences(of: "|", with: "\\|")
  }

  /// Puts each line's change sign in the first column, once, where GitHub's `diff` highlighting looks for it: a
  /// line with a marker (`+`, `-`, `~`, `-/+` as `!`) takes the marker's sign and loses the marker; a closing brace
  /// takes the sign of the line that opened its block; comments and unchanged counts are context (a space).
  private func diffLines(_ rendered: String) -> String {
    var openers: [Character] = []
    return rendered.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line -> String in
      let indent = line.prefix { $0 == " " }.count
      let trimmed = line.dropFirst(indent)
      for (marker, sign) in [("-/+", Character("!")), ("+", "+"), ("-", "-"), ("~", "~")]
      where trimmed.hasPrefix(marker + " ") {
        if trimmed.hasSuffix("{") { openers.append(sign) }
        return String(sign) + String(repeating: " ", count: indent + marker.count) + trimmed.dropFirst(marker.count)
      }
      if trimmed.hasPrefix("}") {
        return String(openers.popLast() ?? " ") + line
      }
      return " " + line
    }.joined(separator: "\n") + "\n"
  }
}
