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
      let what =
        plan.mode == .destroy
        ? "Nothing to destroy." : "No changes. The cloud matches \(source ?? "the desired state")."
      out += what + "\n"
    } else {
      out += "Cutover will perform the following actions:\n\n"
      for change in actionable { out += renderChange(change) + "\n" }
    }
    if let note = plan.unchangedNote { out += note + ".\n" }
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
    case (.create, .recreateBecauseGone?): return "will be created again (it is gone from the cloud)"
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

  /// One line per attribute that matters for the action, names aligned; long maps and lists open into blocks that
  /// show each entry (and, for an update, only the entries that change).
  private func attributeLines(_ change: PlannedChange) -> [String] {
    let before = change.before ?? [:]
    let after = change.after ?? [:]
    let unknown = Set(change.unknownAfter)
    let sensitive = Set(change.sensitive)
    let names = Set(before.keys).union(after.keys).union(unknown).union(sensitive).sorted()
    var rows: [(symbol: String, tint: Tint, name: String, value: String)] = []
    for name in names {
      let forces = change.replacePaths.contains(name) ? paint(" # forces replacement", .red) : ""
      if sensitive.contains(name) {
        rows.append(("~", .yellow, name, "(sensitive)"))
        continue
      }
      let old = before[name]
      let new = after[name]
      switch change.action {
      case .create:
        if unknown.contains(name) {
          rows.append(("+", .green, name, "(known after apply)"))
        } else if let new, new != .null {
          rows.append(("+", .green, name, block(new, symbol: "+", tint: .green)))
        }
      case .delete:
        guard let old, old != .null else { continue }
        rows.append(("-", .red, name, block(old, symbol: "-", tint: .red)))
      case .update, .replace, .noop:
        if unknown.contains(name) {
          if let old, old != .null {
            rows.append(("~", .yellow, name, "\(inline(old)) -> (known after apply)\(forces)"))
          } else {
            rows.append(("+", .green, name, "(known after apply)\(forces)"))
          }
        } else if old == new {
          continue
        } else if let old, let new, old != .null, new != .null {
          rows.append(("~", .yellow, name, difference(old, new) + forces))
        } else if let new, new != .null {
          rows.append(("+", .green, name, block(new, symbol: "+", tint: .green) + forces))
        } else if let old, old != .null {
          rows.append(("-", .red, name, "\(inline(old)) -> null\(forces)"))
        }
      }
    }
    let width = rows.map(\.name.count).max() ?? 0
    return rows.map { row in
      "      " + paint(row.symbol, row.tint) + " " + row.name.padding(toLength: width, withPad: " ", startingAt: 0)
        + " = " + row.value
    }
  }

  /// Values longer than this open into a block, one entry a line.
  private static let inlineLimit = 60

  private func inline(_ value: Value) -> String { value.description }

  /// A whole value, as a block of entries when it is a long map or list.
  private func block(_ value: Value, symbol: String, tint: Tint) -> String {
    guard value.description.count > Self.inlineLimit else { return value.description }
    switch value {
    case .map(let map):
      let width = map.keys.map(\.count).max() ?? 0
      let lines = map.keys.sorted().map { key in
        "          \(paint(symbol, tint)) \(key.padding(toLength: width, withPad: " ", startingAt: 0)) = \(map[key]!)"
      }
      return "{\n" + lines.joined(separator: "\n") + "\n        }"
    case .list(let list):
      let lines = list.map { "          \(paint(symbol, tint)) \($0)," }
      return "[\n" + lines.joined(separator: "\n") + "\n        ]"
    default:
      return value.description
    }
  }

  /// `old -> new`, or for long maps and lists a block of the entries that differ.
  private func difference(_ old: Value, _ new: Value) -> String {
    let short = "\(old) -> \(new)"
    switch (old, new) {
    case (.map(let before), .map(let after)) where short.count > Self.inlineLimit:
      let keys = Set(before.keys).union(after.keys).sorted()
      let width = keys.map(\.count).max() ?? 0
      var lines: [String] = []
      var unchanged = 0
      for key in keys {
        let name = key.padding(toLength: width, withPad: " ", startingAt: 0)
        switch (before[key], after[key]) {
        case (let was?, let now?) where was == now: unchanged += 1
        case (let was?, let now?): lines.append("          \(paint("~", .yellow)) \(name) = \(was) -> \(now)")
        case (nil, let now?): lines.append("          \(paint("+", .green)) \(name) = \(now)")
        case (let was?, nil): lines.append("          \(paint("-", .red)) \(name) = \(was)")
        case (nil, nil): break
        }
      }
      if unchanged > 0 { lines.append("            (\(unchanged) unchanged)") }
      return "{\n" + lines.joined(separator: "\n") + "\n        }"
    case (.list(let before), .list(let after)) where short.count > Self.inlineLimit:
      var lines = before.filter { !after.contains($0) }.map { "          \(paint("-", .red)) \($0)," }
      lines += after.filter { !before.contains($0) }.map { "          \(paint("+", .green)) \($0)," }
      let unchanged = before.filter { after.contains($0) }.count
      if unchanged > 0 { lines.append("            (\(unchanged) unchanged)") }
      if lines.isEmpty { lines.append("            (same entries, new order)") }
      return "[\n" + lines.joined(separator: "\n") + "\n        ]"
    default:
      return short
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
