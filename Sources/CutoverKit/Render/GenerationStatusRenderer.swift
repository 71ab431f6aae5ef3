import Foundation

// MARK: - Text

extension GenerationStatusReport {
  /// The column titles of ``table(width:)``.
  public static let headers = [
    "GENERATION", "ROLE", "CLUSTER", "HEALTH", "WORKERS", "RELEASES", "AGE", "SWITCHED", "ROUTED FROM",
  ]

  /// The width output fits when nothing says otherwise: a terminal's, traditionally, and a code review's.
  public static let defaultWidth = 120

  /// The cells of each row, as ``table(width:)`` prints them. Times read as how long ago; `SWITCHED` is the last
  /// switch that involved the generation (`to 1d ago`: it became live then; `away 3h ago`: it stopped being live).
  /// The JSON rendering holds the timestamps themselves.
  public var cells: [[String]] {
    rows.map { row in
      [
        row.declared ? row.generation : "\(row.generation) (not declared)",
        row.role.rawValue,
        row.clusterStatus,
        row.health,
        row.workers.description,
        row.releases.description,
        row.createdAt.map { Self.age(from: $0, to: now) } ?? "-",
        lastSwitch(of: row),
        row.routedFrom.isEmpty ? "-" : row.routedFrom.map(Self.routerName).joined(separator: ", "),
      ]
    }
  }

  /// The table as plain text in at most `width` columns: aligned columns, the routes wrapping under their column
  /// when the row is too wide (or a block per generation on a narrow terminal), then one `note:` line per failed
  /// read. Ends with a newline.
  public func table(width: Int = defaultWidth) -> String {
    guard !rows.isEmpty else { return "No generations declared or recorded for \(environment).\n" }
    var text = TextTable(headers: Self.headers, rows: cells).render(width: width)
    for note in notes {
      text += TextTable.wrapWords("note: \(note)", width: width, indent: "      ").joined(separator: "\n") + "\n"
    }
    return text
  }

  private func lastSwitch(of row: GenerationStatusRow) -> String {
    switch (row.switchedTo, row.switchedAway) {
    case (nil, nil): return "-"
    case (let to?, let away?) where away > to: return "away \(Self.age(from: away, to: now)) ago"
    case (let to?, _): return "to \(Self.age(from: to, to: now)) ago"
    case (nil, let away?): return "away \(Self.age(from: away, to: now)) ago"
    }
  }
}

// MARK: - JSON

extension GenerationStatusReport {
  /// The report as JSON for scripts: every field of every row, timestamps in ISO 8601 (UTC), routes by resource
  /// address; a count that was not checked or could not be read is null (the notes say which failed). Keys sorted,
  /// two-space indentation, ends with a newline.
  public func json() throws -> String {
    let document: Value = [
      "environment": .string(environment),
      "live": live.map(Value.string) ?? .null,
      "generations": .list(rows.map(Self.document)),
      "notes": .list(notes.map(Value.string)),
    ]
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
  }

  private static func document(_ row: GenerationStatusRow) -> Value {
    let time = { (date: Date?) in date.map { Value.string(Timestamps.format($0)) } ?? .null }
    return [
      "generation": .string(row.generation),
      "declared": .bool(row.declared),
      "role": .string(row.role.rawValue),
      "cluster": ["name": .string(row.clusterName), "status": .string(row.clusterStatus)],
      "health": ["-", "?"].contains(row.health) ? .null : .string(row.health),
      "workers": tally(row.workers, counted: "ready"),
      "releases": tally(row.releases, counted: "deployed"),
      "created_at": time(row.createdAt),
      "routed_from": .list(row.routedFrom.map { .string($0.description) }),
      "switched_to": time(row.switchedTo),
      "switched_away": time(row.switchedAway),
    ]
  }

  private static func tally(_ tally: GenerationStatusRow.Tally, counted: String) -> Value {
    guard case .counted(let count, let total) = tally else { return .null }
    return .map([counted: .int(count), "declared": .int(total)])
  }
}
