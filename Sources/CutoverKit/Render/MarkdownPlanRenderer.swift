/// Renders a plan for a pull-request comment: a summary table, then each change in a collapsible `diff` block.
/// Output stays below a comment's size limit; what does not fit is cut with a note saying so.
public struct MarkdownPlanRenderer: Sendable {
  /// GitHub refuses comments over 65,536 characters; stay clear of it.
  public var limit: Int
  /// Where each type's highlights come from: what the Detail column shows of a new object.
  public var catalog: ResourceCatalog

  public init(limit: Int = 65_000, catalog: ResourceCatalog = .standard) {
    self.limit = limit
    self.catalog = catalog
  }

  public func render(_ plan: Plan) -> String {
    let title = "### Cutover plan for `\(plan.environment)`\n\n"
    var head = ""
    head += "**\(plan.summary.description)**\n\n"
    for warning in plan.warnings { head += "> **Warning:** \(warning)\n" }
    if !plan.warnings.isEmpty { head += "\n" }
    if !plan.drift.isEmpty {
      head +=
        "Changed outside Cutover: " + plan.drift.map { "`\($0.address)` (\($0.kind.rawValue))" }.joined(separator: ", ")
      head += "\n\n"
    }
    let actionable = plan.actionable
    guard !actionable.isEmpty else { return title + head + "No changes.\n" }

    let cutNote = { (count: Int) in
      "_\(count) more change(s) cut to fit the comment; run `cutover plan` for the whole plan._\n"
    }
    // The story goes first when it fits beside the counts and a cut note; a comment's limit comes before it.
    let story = blueGreenStory(plan)
    let storyLine = story.isEmpty ? "" : "This plan " + story.joined(separator: "; ") + ".\n\n"
    let fits = title.count + storyLine.count + head.count + cutNote(actionable.count).count + 40 <= limit
    head = title + (fits ? storyLine : "") + head
    head += "| Action | Resource | Detail |\n|---|---|---|\n"
    // Sizes are kept as running counts: String.count walks the whole string.
    var size = head.count
    for (index, change) in actionable.enumerated() {
      let row = "| \(label(change.action)) | `\(change.displayAddress)` | \(detail(change)) |\n"
      if size + row.count + cutNote(actionable.count).count > limit {
        return head + "\n" + cutNote(actionable.count - index)
      }
      head += row
      size += row.count
    }
    head += "\n"
    size += 1

    let text = TextPlanRenderer(color: false)
    var body = ""
    for (index, change) in actionable.enumerated() {
      let block =
        "<details><summary>\(label(change.action)) <code>\(change.displayAddress)</code></summary>\n\n```diff\n"
        + diffLines(text.renderChange(change)) + "```\n\n</details>\n\n"
      let note = cutNote(actionable.count - index)
      if size + block.count + note.count > limit {
        body += note
        break
      }
      body += block
      size += block.count
    }
    return head + body
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
      // A computed value that was not there before and is known only after apply says nothing to a reviewer.
      let names = Set((change.before ?? [:]).keys).union(change.after?.keys ?? [:].keys).union(unknown).filter {
        !sensitive.contains($0) && !(change.before?[$0] == nil && unknown.contains($0))
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
