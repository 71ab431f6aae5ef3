import Foundation

/// How Helm reads the key of a `--set`-family flag: dots separate nested maps, `\.` is a literal dot, `name[0]`
/// indexes a list.
enum HelmValuePath {
  /// The path's components with escapes resolved and list indexes dropped: `a.b\.c[1].d` → `a`, `b.c`, `d`.
  static func components(of key: String) -> [String] {
    knownComponents.answer(key) { key in
      steps(of: key).compactMap { step in
        guard case .key(let name) = step else { return nil }
        return name
      }
    }
  }

  private static let knownComponents = Memo<String, [String]>()

  /// One step of a path: a map key, or an index into a list.
  enum Step: Equatable {
    case key(String)
    case index(Int)
  }

  /// The path's steps with escapes resolved, list indexes kept: `a.b\.c[1].d` → `a`, `b.c`, `[1]`, `d`. For a key
  /// ``problem(in:)`` accepts.
  static func steps(of key: String) -> [Step] {
    var steps: [Step] = []
    var current = ""
    var escaping = false
    var index: String?
    func endKey() {
      if !current.isEmpty { steps.append(.key(current)) }
      current = ""
    }
    for character in key {
      if escaping {
        current.append(character)
        escaping = false
      } else if character == "\\" {
        escaping = true
      } else if let digits = index {
        if character == "]" {
          steps.append(.index(Int(digits) ?? 0))
          index = nil
        } else {
          index = digits + String(character)
        }
      } else if character == "[" {
        endKey()
        index = ""
      } else if character == "." {
        endKey()
      } else {
        current.append(character)
      }
    }
    endKey()
    return steps
  }

  /// Why Helm would not read `key` as the single dotted path it looks like, or `nil` when it would.
  static func problem(in key: String) -> String? {
    guard !key.isEmpty else { return "it is empty" }
    var escaping = false
    var index: String?
    var componentLength = 0
    for character in key {
      if escaping {
        escaping = false
        componentLength += 1
      } else if character == "\\" {
        escaping = true
      } else if var digits = index {
        guard character == "]" || (character.isASCII && character.isNumber) else {
          return "a list index between [ and ] must be a number"
        }
        if character == "]" {
          guard !digits.isEmpty else { return "a list index between [ and ] must be a number" }
          index = nil
        } else {
          digits.append(character)
          index = digits
        }
      } else if character == "[" {
        guard componentLength > 0 else { return "a list index must follow a name" }
        index = ""
      } else if character == "," || character == "=" {
        return "Helm reads an unescaped \(character) as a separator; write \\\(character) for a literal one"
      } else if character == "]" {
        return "] without ["
      } else if character == "." {
        guard componentLength > 0 else { return "it has an empty path component" }
        componentLength = 0
      } else {
        componentLength += 1
      }
    }
    if escaping { return "it ends with a lone \\" }
    if index != nil { return "[ without ]" }
    if componentLength == 0 { return "it has an empty path component" }
    return nil
  }

  /// A map key as one path component: its dots, commas, equals signs and brackets escaped.
  static func escape(_ name: String) -> String {
    var escaped = ""
    for character in name {
      if "\\.,=[]".contains(character) { escaped.append("\\") }
      escaped.append(character)
    }
    return escaped
  }
}
