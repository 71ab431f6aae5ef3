import Foundation
import Yams

/// Adds a generation to the text of an environment file by inserting lines, so every comment, blank line, key order
/// and layout of the operator's file stays exactly as it was (`cutover generation new`).
///
/// The new generation's entry is a copy of another generation's own entry under `generations:` (its overrides of
/// `defaults`, comments inside it included) with the key renamed, inserted after the last generation entry.
/// `live:` is never touched: a new generation starts as a standby.
public enum GenerationEditor {
  /// What adding a generation did to the file's text.
  public struct Addition: Sendable, Equatable {
    /// The new generation's id.
    public var id: String
    /// The generation whose settings it copies.
    public var source: String
    /// The whole edited text.
    public var text: String
    /// The inserted lines, without line terminators.
    public var insertedLines: [String]
    /// The 1-based line number of the first inserted line in the edited text.
    public var firstLine: Int
  }

  // MARK: - Ids

  /// The id after the highest of `ids` that follow PAWS's pattern: the same number and the next letter (`127d` →
  /// `127e`), or after `z` the next number with `a` (`127z` → `128a`). Ids of another shape are passed over.
  /// - Throws: `CutoverError.usage` when no id follows the pattern, asking for `--id`.
  public static func nextID(after ids: [String]) throws -> String {
    var highest: (number: Int, letter: Character, digits: Int)?
    for id in ids {
      // PAWS's ids: a number, then one letter.
      guard let match = id.wholeMatch(of: /([0-9]+)([a-z])/), let number = Int(match.1), let letter = match.2.first
      else { continue }
      if let current = highest, (current.number, current.letter) >= (number, letter) { continue }
      highest = (number, letter, match.1.count)
    }
    guard let highest else {
      let known = ids.isEmpty ? "there are none" : "found " + ids.joined(separator: ", ")
      throw CutoverError.usage(
        "cannot suggest the next generation id: none is a number and a letter such as 127d (\(known)); "
          + "name the new generation with --id")
    }
    if highest.letter < "z", let scalar = highest.letter.unicodeScalars.first,
      let next = Unicode.Scalar(scalar.value + 1)
    {
      return padded(highest.number, to: highest.digits) + String(Character(next))
    }
    let (number, overflow) = highest.number.addingReportingOverflow(1)
    guard !overflow else {
      throw CutoverError.usage("cannot suggest an id after \(highest.number)z; name the new generation with --id")
    }
    return padded(number, to: highest.digits) + "a"
  }

  /// Keeps leading zeros an operator chose (`007z` → `008a`).
  private static func padded(_ number: Int, to digits: Int) -> String {
    let text = String(number)
    return String(repeating: "0", count: max(0, digits - text.count)) + text
  }

  // MARK: - Editing

  /// Adds a generation to the text of an environment file.
  /// - Parameters:
  ///   - text: the file's text.
  ///   - environment: the environment the file must describe.
  ///   - file: the file's path as the user should see it in messages.
  ///   - source: the generation to copy; the live one when nil.
  ///   - id: the new generation's id; the next after the highest when nil.
  /// - Throws: `CutoverError.invalidDesiredState` when the file (or, which would be a bug, the edited text) is not
  ///   valid; `CutoverError.usage` for an unknown source, an invalid or taken id, or no id to suggest;
  ///   `GenerationEditError` when the file's layout cannot be edited by inserting lines.
  public static func addGeneration(
    to text: String, environment: String, file: String, from source: String? = nil, id: String? = nil
  ) throws -> Addition {
    let desired = try EnvironmentFile.parse(text, environment: environment, file: file)
    let ids = desired.generations.map(\.id)
    let knownText = ids.isEmpty ? "none" : ids.joined(separator: ", ")

    guard let sourceID = source ?? desired.live else {
      throw CutoverError.usage("\(file) has no generation to copy; add the first generation by hand")
    }
    guard let original = desired.generations.first(where: { $0.id == sourceID }) else {
      throw CutoverError.usage("--from \(sourceID): no such generation in \(file) (generations: \(knownText))")
    }
    let newID = try id ?? nextID(after: ids)
    if id != nil {
      guard TextPattern.generationID.matches(newID) else {
        throw CutoverError.usage(
          "--id \(newID): a generation id is lower-case letters, digits and '-', starting with a letter or digit, "
            + "such as 128a")
      }
    }
    guard !ids.contains(newID) else {
      throw CutoverError.usage(
        "--id \(newID): generation \(newID) already exists in \(file) (generations: \(knownText))")
    }

    // Split on the scalar: a "\r\n" is one Character, and a CRLF file keeps its "\r" on every line.
    var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let layout = try GenerationsLayout(text: text, lines: lines, file: file)
    guard let sourceEntry = layout.entries.first(where: { $0.id == sourceID }), let last = layout.entries.last else {
      throw GenerationEditError.cannotEdit(file: file, reason: "generations: does not list \(sourceID) as a key")
    }
    var copied = Array(lines[sourceEntry.lines])
    copied[0] = try renamedKeyLine(copied[0], column: sourceEntry.column, to: newID, file: file)
    let insertAt = last.lines.upperBound + 1
    lines.insert(contentsOf: copied, at: insertAt)
    let edited = lines.joined(separator: "\n")

    try checkEdit(edited, environment: environment, file: file, newID: newID, original: original, before: desired)
    return Addition(
      id: newID, source: sourceID, text: edited, insertedLines: copied.map { dropCarriageReturn($0) },
      firstLine: insertAt + 1)
  }

  /// Parses the edited text and checks it says what the edit meant: the same file with one more generation, whose
  /// settings are the source's. A failure here is Cutover's, so it is reported rather than written.
  private static func checkEdit(
    _ edited: String, environment: String, file: String, newID: String, original: Generation, before: DesiredState
  ) throws {
    var expected = before
    var copy = original
    copy.id = newID
    expected.generations.append(copy)
    try checkEdit(edited, environment: environment, file: file, edit: "add generation \(newID)", expected: expected)
  }

  /// The key line of the copied entry with the key renamed and any trailing comment dropped: a comment there speaks
  /// of the generation it was written for, while comments inside the entry speak of its settings and are kept.
  private static func renamedKeyLine(_ line: String, column: Int, to id: String, file: String) throws -> String {
    let characters = Array(line)
    var end = column
    if column < characters.count, characters[column] == "'" || characters[column] == "\"" {
      let quote = characters[column]
      end += 1
      while end < characters.count {
        if characters[end] == "\\" && quote == "\"" {
          end += 2
          continue
        }
        if characters[end] == quote {
          if quote == "'", end + 1 < characters.count, characters[end + 1] == "'" {
            end += 2
            continue
          }
          break
        }
        end += 1
      }
      end += 1
    } else {
      while end < characters.count, characters[end] != ":" { end += 1 }
    }
    guard end < characters.count, characters[end] == ":" else {
      throw GenerationEditError.cannotEdit(file: file, reason: "cannot find the key on the line `\(line)`")
    }
    var rest = Array(characters[end...])
    let carriageReturn = rest.last == "\r"
    if carriageReturn { rest.removeLast() }
    if let comment = commentStart(in: rest) {
      rest = Array(rest[..<comment])
      while let last = rest.last, last == " " || last == "\t" { rest.removeLast() }
    }
    return String(characters[..<column]) + id + String(rest) + (carriageReturn ? "\r" : "")
  }

  /// Where a `#` comment starts in the rest of a line, outside quoted scalars; nil when there is none.
  static func commentStart(in characters: [Character]) -> Int? {
    var quote: Character?
    var index = 0
    while index < characters.count {
      let character = characters[index]
      let previous: Character? = index > 0 ? characters[index - 1] : nil
      if let open = quote {
        if open == "\"" && character == "\\" {
          index += 2
          continue
        }
        if character == open {
          if open == "'", index + 1 < characters.count, characters[index + 1] == "'" {
            index += 2
            continue
          }
          quote = nil
        }
      } else if character == "'" || character == "\"" {
        // A quote opens a quoted scalar only where a scalar can start; inside a plain one (`don't`) it is a letter.
        if let previous, !" \t{[,:".contains(previous) {
          index += 1
          continue
        }
        quote = character
      } else if character == "#", let previous, previous == " " || previous == "\t" {
        return index
      }
      index += 1
    }
    return nil
  }

  static func dropCarriageReturn(_ line: String) -> String {
    line.hasSuffix("\r") ? String(line.dropLast()) : line
  }
}

/// Where each entry of `generations:` sits in the file's lines.
struct GenerationsLayout {
  struct Entry {
    var id: String
    /// The 0-based column of the entry's key.
    var column: Int
    /// The entry's lines, 0-based: its key line through the last line indented under it (comments included);
    /// comments and blank lines after it at the key's indentation or less belong to what follows.
    var lines: ClosedRange<Int>
  }

  var entries: [Entry] = []

  init(text: String, lines: [String], file: String) throws {
    guard case .mapping(let mapping)? = try? Yams.compose(yaml: text) else {
      throw GenerationEditError.cannotEdit(file: file, reason: "the top level is not a mapping")
    }
    let root = Array(mapping)
    guard let index = root.firstIndex(where: { $0.key.scalar?.string == "generations" }) else {
      throw GenerationEditError.cannotEdit(file: file, reason: "no `generations:` mapping at the top level")
    }
    let generations = root[index].value
    guard case .mapping(let entriesMapping) = generations, !entriesMapping.isEmpty else {
      throw GenerationEditError.cannotEdit(
        file: file, reason: "generations: lists no generation to copy; add the first one by hand")
    }
    // A block mapping's entries each start their own line; a flow mapping's (`{127d: {}}`) do not, and Yams does
    // not report a mapping's style, so the lines tell.
    let keys = entriesMapping.map(\.key)
    let ownLines = keys.allSatisfy { key in
      guard let mark = key.mark, mark.line >= 1, mark.line <= lines.count else { return false }
      return lines[mark.line - 1].prefix(mark.column - 1).allSatisfy { $0 == " " }
    }
    guard ownLines else {
      throw GenerationEditError.cannotEdit(
        file: file,
        reason:
          "generations: is not one generation per line (a flow mapping such as {127d: {}}); write it as "
          + "`generations:` with each generation on its own line, such as `  127d: {}`, to add one")
    }
    // The entries end at the next top-level key, or at the end of the file.
    let limit = index + 1 < root.count ? (root[index + 1].key.mark?.line ?? lines.count + 1) - 1 : lines.count
    for (position, key) in keys.enumerated() {
      guard let id = key.scalar?.string, let mark = key.mark else { continue }
      let start = mark.line - 1
      let bound = position + 1 < keys.count ? (keys[position + 1].mark?.line ?? limit + 1) - 1 : limit
      let column = mark.column - 1
      entries.append(
        Entry(id: id, column: column, lines: start...Self.lastLine(of: start, column, before: bound, lines)))
    }
  }

  /// The last line of an entry: the last non-blank line before `bound` indented deeper than its key, or the key line.
  private static func lastLine(of start: Int, _ column: Int, before bound: Int, _ lines: [String]) -> Int {
    var last = start
    var index = start + 1
    while index < min(bound, lines.count) {
      let line = lines[index]
      let indent = line.prefix { $0 == " " }.count
      let rest = line.dropFirst(indent).trimmingCharacters(in: .whitespacesAndNewlines)
      if rest.isEmpty {
        index += 1
        continue
      }
      if indent > column {
        last = index
      } else if !rest.hasPrefix("#") {
        break
      }
      index += 1
    }
    return last
  }
}

/// `cutover generation new` cannot make its edit, or cannot write it.
public enum GenerationEditError: Error, LocalizedError, Sendable, Equatable {
  /// The file's layout cannot be edited by inserting lines; the reason says what to change (exit 1).
  case cannotEdit(file: String, reason: String)
  /// The edited file could not be written; the original is untouched (exit 1).
  case writeFailed(file: String, reason: String)
  /// Another edit (`live:`, removing a generation) cannot be made by changing lines (exit 1).
  case cannotChange(file: String, edit: String, reason: String)

  public var errorDescription: String? {
    switch self {
    case .cannotEdit(let file, let reason):
      return "\(file): cannot add a generation by inserting lines: \(reason); the file was not changed"
    case .writeFailed(let file, let reason):
      return "\(file): cannot write the edited file: \(reason); the file was not changed"
    case .cannotChange(let file, let edit, let reason):
      return "\(file): cannot \(edit): \(reason); the file was not changed"
    }
  }
}
