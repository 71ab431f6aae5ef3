import Foundation
import Yams

extension GenerationEditor {
  /// Sets `live:` to `generation` by rewriting only the value on its line (a trailing comment stays), for
  /// `cutover generation switch`.
  /// - Throws: `CutoverError.usage` for an unknown generation; `GenerationEditError` when the file has no `live:`
  ///   line to rewrite; `CutoverError.invalidDesiredState` when the file is not valid.
  public static func setLive(in text: String, environment: String, file: String, to generation: String) throws
    -> String
  {
    let before = try EnvironmentFile.parse(text, environment: environment, file: file)
    guard before.generation(generation) != nil else {
      let known = before.generations.map(\.id).joined(separator: ", ")
      throw CutoverError.usage("no generation \(generation) in \(file) (generations: \(known))")
    }
    let edit = "set live: \(generation)"
    guard case .mapping(let root)? = try? Yams.compose(yaml: text),
      let entry = root.first(where: { $0.key.scalar?.string == "live" }), let mark = entry.value.mark,
      case .scalar = entry.value
    else {
      throw GenerationEditError.cannotChange(file: file, edit: edit, reason: "there is no `live:` key to rewrite")
    }
    var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let index = mark.line - 1
    guard index >= 0, index < lines.count else {
      throw GenerationEditError.cannotChange(file: file, edit: edit, reason: "cannot find the `live:` line")
    }
    let characters = Array(lines[index])
    let start = mark.column - 1
    var rest = Array(characters[start...])
    let carriageReturn = rest.last == "\r"
    if carriageReturn { rest.removeLast() }
    let comment = commentStart(in: rest)
    var valueEnd = comment ?? rest.count
    while valueEnd > 0, rest[valueEnd - 1] == " " || rest[valueEnd - 1] == "\t" { valueEnd -= 1 }
    guard valueEnd > 0 else {
      throw GenerationEditError.cannotChange(file: file, edit: edit, reason: "`live:` is not a value on one line")
    }
    // A trailing comment keeps its column where the new value leaves room for it.
    let trailing = comment.map { String(repeating: " ", count: max(1, $0 - generation.count)) + String(rest[$0...]) }
    lines[index] = String(characters[..<start]) + generation + (trailing ?? "") + (carriageReturn ? "\r" : "")
    let edited = lines.joined(separator: "\n")
    var expected = before
    expected.live = generation
    try checkEdit(edited, environment: environment, file: file, edit: edit, expected: expected)
    return edited
  }

  /// Removes a generation's entry (its key line and every line under it) from `generations:`, for
  /// `cutover generation retire`. It must not be live, and must not be the only one.
  public static func removeGeneration(from text: String, environment: String, file: String, id: String) throws
    -> String
  {
    let before = try EnvironmentFile.parse(text, environment: environment, file: file)
    let edit = "remove generation \(id)"
    guard before.generation(id) != nil else {
      let known = before.generations.map(\.id).joined(separator: ", ")
      throw CutoverError.usage("no generation \(id) in \(file) (generations: \(known))")
    }
    guard before.live != id else {
      throw GenerationEditError.cannotChange(file: file, edit: edit, reason: "it is live")
    }
    var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let layout = try GenerationsLayout(text: text, lines: lines, file: file)
    guard let entry = layout.entries.first(where: { $0.id == id }) else {
      throw GenerationEditError.cannotChange(
        file: file, edit: edit, reason: "generations: does not list \(id) as a key")
    }
    guard layout.entries.count > 1 else {
      throw GenerationEditError.cannotChange(file: file, edit: edit, reason: "it is the only generation")
    }
    lines.removeSubrange(entry.lines)
    let edited = lines.joined(separator: "\n")
    var expected = before
    expected.generations.removeAll { $0.id == id }
    try checkEdit(edited, environment: environment, file: file, edit: edit, expected: expected)
    return edited
  }

  /// Parses the edited text and checks it reads as `expected`; a failure here is Cutover's, reported, not written.
  static func checkEdit(
    _ edited: String, environment: String, file: String, edit: String, expected: DesiredState
  ) throws {
    let after: DesiredState
    do {
      after = try EnvironmentFile.parse(edited, environment: environment, file: file)
    } catch CutoverError.invalidDesiredState(let diagnostics) {
      throw CutoverError.invalidDesiredState(
        [
          Diagnostic(
            file: file, line: 0, column: 0,
            message: "the edit to \(edit) would leave an invalid file, so it was not written; make it by hand "
              + "(problems in the edited text follow)")
        ] + diagnostics)
    }
    guard after == expected else {
      throw GenerationEditError.cannotChange(
        file: file, edit: edit, reason: "the edited file does not read back as that change alone")
    }
  }
}
