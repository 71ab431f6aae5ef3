/// Aligned columns that fit a width: each cell padded to its column, two spaces between columns, no trailing blanks.
///
/// When the rows are wider than the width, the last column (a list such as the routes to a generation) wraps its
/// comma-separated items onto further lines under itself; when the other columns leave it too little room, each row
/// becomes a block of `HEADER  value` lines instead. Either way no line is longer than the width: an item longer
/// than the room it has is cut.
struct TextTable {
  var headers: [String]
  /// The cells of each row, one per header.
  var rows: [[String]]

  /// The narrowest the wrapped last column may get before the table gives way to blocks.
  static let narrowestLastColumn = 20

  /// The table, ending with a newline.
  func render(width: Int) -> String {
    let all = [headers] + rows
    let widths = headers.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
    let others = widths.dropLast().reduce(0, +) + 2 * (headers.count - 1)
    let natural = widths.last ?? 0
    if others + natural <= width { return columns(all, widths: widths, lastWidth: natural) }
    let room = width - others
    guard room >= max(Self.narrowestLastColumn, headers.last?.count ?? 0) else { return blocks(width: width) }
    return columns(all, widths: widths, lastWidth: room)
  }

  private func columns(_ all: [[String]], widths: [Int], lastWidth: Int) -> String {
    var text = ""
    for row in all {
      let lead = zip(row.dropLast(), widths).map { cell, width in
        cell.padding(toLength: width, withPad: " ", startingAt: 0)
      }
      let prefix = lead.isEmpty ? "" : lead.joined(separator: "  ") + "  "
      for (index, part) in Self.wrap(row.last ?? "", width: lastWidth).enumerated() {
        let line = (index == 0 ? prefix : String(repeating: " ", count: prefix.count)) + part
        text += Self.trimmingTrailingBlanks(line) + "\n"
      }
    }
    return text
  }

  /// Each row as a title line (its first cell), then one `HEADER  value` line per other cell, values wrapped; rows
  /// separated by a blank line.
  private func blocks(width: Int) -> String {
    let labelWidth = headers.dropFirst().map(\.count).max() ?? 0
    let indent = String(repeating: " ", count: 2 + labelWidth + 2)
    var blocks: [String] = []
    for row in rows {
      var text = Self.wrap(row.first ?? "", width: max(1, width)).joined(separator: "\n") + "\n"
      for (header, cell) in zip(headers.dropFirst(), row.dropFirst()) {
        let label = "  " + header.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + "  "
        for (index, part) in Self.wrap(cell, width: max(1, width - indent.count)).enumerated() {
          text += Self.trimmingTrailingBlanks((index == 0 ? label : indent) + part) + "\n"
        }
      }
      blocks.append(text)
    }
    return blocks.joined(separator: "\n")
  }

  /// A comma-separated list broken into lines of at most `width`, between items where it can be.
  static func wrap(_ text: String, width: Int) -> [String] {
    let items = text.components(separatedBy: ", ")
    let pieces = items.enumerated().map { $0.offset < items.count - 1 ? $0.element + "," : $0.element }
    return wrap(pieces: pieces, width: width, indent: "")
  }

  /// Words broken into lines of at most `width`, between words where it can be, the lines after the first indented
  /// by `indent`.
  static func wrapWords(_ text: String, width: Int, indent: String) -> [String] {
    wrap(pieces: text.split(separator: " ").map(String.init), width: width, indent: indent)
  }

  /// Pieces joined by spaces into lines of at most `width` (the first unindented); a piece longer than a line is
  /// cut.
  private static func wrap(pieces: [String], width: Int, indent: String) -> [String] {
    let width = max(1, width)
    let indent = indent.count < width ? indent : ""
    var lines: [String] = []
    var current = ""
    for piece in pieces {
      let lead = lines.isEmpty ? "" : indent
      let joined = current.isEmpty ? lead + piece : current + " " + piece
      if joined.count <= width {
        current = joined
        continue
      }
      if !current.isEmpty { lines.append(current) }
      var rest = Substring(piece)
      while (lines.isEmpty ? 0 : indent.count) + rest.count > width {
        let room = width - (lines.isEmpty ? 0 : indent.count)
        lines.append((lines.isEmpty ? "" : indent) + rest.prefix(room))
        rest = rest.dropFirst(room)
      }
      current = rest.isEmpty ? "" : (lines.isEmpty ? "" : indent) + rest
    }
    if !current.isEmpty || lines.isEmpty { lines.append(current) }
    return lines
  }

  private static func trimmingTrailingBlanks(_ line: String) -> String {
    var line = line
    while line.hasSuffix(" ") { line.removeLast() }
    return line
  }
}
