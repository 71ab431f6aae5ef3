// Yams exposes no event stream, and its composed tree cannot say where an alias was written: it resolves each alias
// to the anchored node itself, position included. libyaml, which Yams builds on and ships as the CYaml module, can.
import CYaml

/// Refuses YAML whose aliases would expand into more values than any environment file needs (an alias bomb), at the
/// alias that crosses the bound, before the file is composed.
///
/// A 3 KB file of nested aliases (`l1: &l1 [*l0, *l0, …]`, seven levels deep) names 9⁷ values: composing it is cheap,
/// since Yams shares the anchored nodes, but reading the shared tree visits every value, and a mapping key made of
/// one is hashed whole. So this walks libyaml's events once, keeping for each anchor the number of values its node
/// expands to, and adds that number for every alias: linear in the file's size however deep the nesting.
enum YAMLAliasBound {
  /// At most this many values may come from aliases in one file. PAWS's files use none; a file that anchors its
  /// defaults and repeats them in each generation stays far below it.
  static let maximumAliasedValues = 10_000

  /// An alias that takes the expansion past ``maximumAliasedValues``.
  struct Violation: Equatable {
    /// 1-based line and column of the alias (`*name`).
    var line: Int
    var column: Int
    /// The alias's anchor name.
    var anchor: String
    /// How many values the alias repeats.
    var values: Int

    var message: String {
      "malformed YAML: alias *\(anchor) repeats \(values) values, taking the values made by aliases past "
        + "\(YAMLAliasBound.maximumAliasedValues); a file this repetitive is refused rather than expanded"
    }
  }

  /// The first alias that crosses the bound; nil when none does, or when the text is not well-formed YAML (composing
  /// it then reports the problem, with its position).
  static func check(_ text: String) -> Violation? {
    var bytes = Array(text.utf8)
    if bytes.isEmpty { return nil }
    return bytes.withUnsafeMutableBufferPointer { buffer in
      var parser = yaml_parser_t()
      guard yaml_parser_initialize(&parser) == 1 else { return nil }
      defer { yaml_parser_delete(&parser) }
      yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
      var walk = Walk()
      while true {
        var event = yaml_event_t()
        guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
        defer { yaml_event_delete(&event) }
        switch walk.take(event) {
        case .goOn: continue
        case .end: return nil
        case .violation(let violation): return violation
        }
      }
    }
  }

  /// The counts kept while walking the events of one stream.
  private struct Walk {
    enum Step {
      case goOn
      case end
      case violation(Violation)
    }

    /// Values each anchor's node expands to; a later anchor of the same name shadows the earlier one, as in YAML.
    var anchored: [String: Int] = [:]
    /// The collections being read, innermost last, with their anchor and the values counted so far (themselves
    /// included).
    var open: [(anchor: String?, values: Int)] = []
    /// Values made by aliases so far.
    var aliased = 0

    mutating func take(_ event: yaml_event_t) -> Step {
      switch event.type {
      case YAML_STREAM_END_EVENT:
        return .end
      case YAML_DOCUMENT_START_EVENT:
        anchored = [:]
      case YAML_SCALAR_EVENT:
        close(anchor: Self.name(event.data.scalar.anchor), values: 1)
      case YAML_SEQUENCE_START_EVENT:
        open.append((Self.name(event.data.sequence_start.anchor), 1))
      case YAML_MAPPING_START_EVENT:
        open.append((Self.name(event.data.mapping_start.anchor), 1))
      case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
        if let collection = open.popLast() { close(anchor: collection.anchor, values: collection.values) }
      case YAML_ALIAS_EVENT:
        // An undefined alias counts nothing here; composing the file reports it.
        let anchor = Self.name(event.data.alias.anchor) ?? ""
        let values = anchored[anchor] ?? 0
        aliased += values
        if aliased > YAMLAliasBound.maximumAliasedValues {
          return .violation(
            Violation(
              line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1, anchor: anchor,
              values: values))
        }
        close(anchor: nil, values: values)
      default:
        break
      }
      return .goOn
    }

    /// Records a finished node: under its anchor, and in the collection holding it.
    private mutating func close(anchor: String?, values: Int) {
      if let anchor { anchored[anchor] = values }
      if !open.isEmpty { open[open.count - 1].values += values }
    }

    private static func name(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
      pointer.map { String(cString: $0) }
    }
  }
}
