/// Renders a plan as the text operators read at the prompt: `+ create`, `~ update in place`, `-/+ replace`,
/// `- destroy`, attribute by attribute, ending with the `Plan:` line.
public struct TextPlanRenderer: Sendable {
  public var color: Bool

  public init(color: Bool) {
    self.color = color
  }

  public func render(_ plan: Plan, source: String? = nil) -> String {
    var out = ""
    if !plan.drift.isEmpty {
      out += "Cutover noticed these changes made outside Cutover since the last apply:\n\n"
      for drift in plan.drift { out += renderDrift(drift) }
      out += "\n"
    }
    for warning in plan.warnings {
      out += paint("Warning: ", .yellow) + warning + "\n"
    }
    if !plan.warnings.isEmpty { out += "\n" }
    let actionable = plan.actionable
    if actionable.isEmpty {
      let what = plan.mode == .destroy ? "Nothing to destroy." : "No changes. The cloud matches \(source ?? "the desired state")."
      out += what + "\n"
    } else {
      out += "Cutover will perform the following actions:\n\n"
      for change in actionable { out += renderChange(change) + "\n" }
    }
    out += paint(plan.summary.description, .bold) + "\n"
    return out
  }

  // MARK: - Changes

  func renderChange(_ change: PlannedChange) -> String {
    var out = "  " + paint("# \(change.displayAddress) \(headline(change))", .bold) + "\n"
    let (symbol, tint) = marker(for: change.action)
    out += paint(symbol, tint) + " \(change.displayAddress) {\n"
    for line in attributeLines(change) { out += line + "\n" }
    out += "    }\n"
    return out
  }

  private func headline(_ change: PlannedChange) -> String {
    switch (change.action, change.reason) {
    case (.create, .resumeInterruptedCreate?):
      return "will be created (resuming \(change.remoteID ?? "an interrupted create"))"
    case (.create, _): return "will be created"
    case (.update, _): return "will be updated in place"
    case (.replace, .replaceByRequest?): return "will be replaced, as requested"
    case (.replace, .replaceBecauseTainted?): return "is tainted (its create failed), so must be replaced"
    case (.replace, _): return "must be replaced"
    case (.delete, .deleteDeposed?): return "will be destroyed (left over from an interrupted replacement)"
    case (.delete, .deleteBecauseNoResourceConfig?): return "will be destroyed (no longer in the desired state)"
    case (.delete, _): return "will be destroyed"
    case (.noop, _): return "is unchanged"
    }
  }

  private func marker(for action: PlannedChange.Action) -> (String, Tint) {
    switch action {
    case .create: return ("  +", .green)
    case .update: return ("  ~", .yellow)
    case .replace: return ("-/+", .red)
    case .delete: return ("  -", .red)
    case .noop: return ("   ", .none)
    }
  }

  /// One line per attribute that matters for the action, names aligned.
  private func attributeLines(_ change: PlannedChange) -> [String] {
    let before = change.before ?? [:]
    let after = change.after ?? [:]
    let unknown = Set(change.unknownAfter)
    let sensitive = Set(change.sensitive)
    let names = Set(before.keys).union(after.keys).union(unknown).union(sensitive).sorted()
    var rows: [(symbol: String, tint: Tint, name: String, value: String)] = []
    for name in names {
      let old = sensitive.contains(name) ? (before.isEmpty ? nil : "(sensitive)") : before[name]?.description
      let new: String? =
        unknown.contains(name) ? "(known after apply)" : sensitive.contains(name) ? "(sensitive)" : after[name]?.description
      let forces = change.replacePaths.contains(name) ? paint(" # forces replacement", .red) : ""
      switch change.action {
      case .create:
        guard let new, after[name] != .null || unknown.contains(name) else { continue }
        rows.append(("+", .green, name, new))
      case .delete:
        guard let old, before[name] != .null else { continue }
        rows.append(("-", .red, name, old))
      case .update, .replace, .noop:
        if old == new {
          continue
        } else if let old, let new {
          rows.append(("~", .yellow, name, "\(old) -> \(new)\(forces)"))
        } else if let new {
          rows.append(("+", .green, name, new + forces))
        } else if let old {
          rows.append(("-", .red, name, "\(old) -> null\(forces)"))
        }
      }
    }
    let width = rows.map(\.name.count).max() ?? 0
    return rows.map { row in
      "      " + paint(row.symbol, row.tint) + " " + row.name.padding(toLength: width, withPad: " ", startingAt: 0)
        + " = " + row.value
    }
  }

  private func renderDrift(_ drift: Drift) -> String {
    switch drift.kind {
    case .gone:
      return "  " + paint("-", .red) + " \(drift.address) is gone from the cloud; the plan creates it again\n"
    case .changed:
      var out = "  " + paint("~", .yellow) + " \(drift.address) changed outside Cutover:\n"
      for name in Set(drift.before.keys).union(drift.after?.keys ?? [:].keys).sorted() {
        let old = drift.before[name]?.description ?? "null"
        let new = drift.after?[name]?.description ?? "null"
        out += "      \(name): \(old) -> \(new)\n"
      }
      return out
    }
  }

  // MARK: - Colour

  enum Tint: String {
    case green = "32"
    case yellow = "33"
    case red = "31"
    case bold = "1"
    case none = ""
  }

  func paint(_ text: String, _ tint: Tint) -> String {
    guard color, tint != .none else { return text }
    return "\u{1B}[\(tint.rawValue)m\(text)\u{1B}[0m"
  }
}
