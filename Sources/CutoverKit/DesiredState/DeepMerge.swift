import Yams

/// Merges a generation's own settings over the environment's `defaults`.
///
/// Mappings merge key by key, recursively; anything else (scalars, lists) in the override replaces the default
/// whole. Nodes keep their marks, so a problem in a merged value still points at the line that wrote it.
enum DeepMerge {
  static func merge(base: Node, override: Node) -> Node {
    guard case .mapping(let baseMapping) = base, case .mapping(let overrideMapping) = override else {
      return override
    }
    var pairs: [(Node, Node)] = []
    var overrides: [String: Node] = [:]
    for (key, value) in overrideMapping {
      if let name = key.scalar?.string { overrides[name] = value }
    }
    var used = Set<String>()
    for (key, value) in baseMapping {
      guard let name = key.scalar?.string, let replacement = overrides[name] else {
        pairs.append((key, value))
        continue
      }
      used.insert(name)
      pairs.append((key, merge(base: value, override: replacement)))
    }
    for (key, value) in overrideMapping where !used.contains(key.scalar?.string ?? "") {
      pairs.append((key, value))
    }
    return .mapping(Node.Mapping(pairs, overrideMapping.tag, overrideMapping.style, overrideMapping.mark))
  }
}
