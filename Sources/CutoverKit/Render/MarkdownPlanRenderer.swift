/// Renders a plan for a pull-request comment: a summary table, then each change in a collapsible `diff` block.
/// Output stays below a comment's size limit; what does not fit is cut with a note saying so.
public struct MarkdownPlanRenderer: Sendable {
  /// GitHub refuses comments over 65,536 characters; stay clear of it.
  public var limit: Int

  public init(limit: Int = 65_000) {
    self.limit = limit
  }

  public func render(_ plan: Plan) -> String {
    var head = "### Cutover plan for `\(plan.environment)`\n\n"
    head += "**\(plan.summary.description)**\n\n"
    for warning in plan.warnings { head += "> **Warning:** \(warning)\n" }
    if !plan.warnings.isEmpty { head += "\n" }
    if !plan.drift.isEmpty {
      head +=
        "Changed outside Cutover: " + plan.drift.map { "`\($0.address)` (\($0.kind.rawValue))" }.joined(separator: ", ")
      head += "\n\n"
    }
    let actionable = plan.actionable
    guard !actionable.isEmpty else { return head + "No changes.\n" }

    let cutNote = { (count: Int) in
      "_\(count) more change(s) cut to fit the comment; run `cutover plan` for the whole plan._\n"
    }
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

  private func detail(_ change: PlannedChange) -> String {
    if !change.replacePaths.isEmpty {
      return "forced by " + change.replacePaths.map { "`\($0)`" }.joined(separator: ", ")
    }
    if let reason = change.reason { return reason.rawValue.replacingOccurrences(of: "_", with: " ") }
    if change.action == .update {
      let changed = Set((change.before ?? [:]).keys).union(change.unknownAfter).filter {
        change.before?[$0] != change.after?[$0] && !(change.before?[$0] == nil && change.after?[$0] == nil)
      }
      return changed.sorted().map { "`\($0)`" }.joined(separator: ", ")
    }
    return ""
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
