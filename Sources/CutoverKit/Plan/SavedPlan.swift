import Foundation

/// Saved plans on disk: `cutover plan --out FILE` writes one, `cutover apply FILE` reads it.
public enum SavedPlan {
  /// Writes the plan atomically (a temporary file renamed into place), so a reader never sees half a plan.
  /// Sensitive desired values are written as digests: `PlanPreparation.restoreSaved` puts the real values back from
  /// the desired state, whose digest must still match.
  public static func write(_ plan: Plan, to path: String) throws {
    let sensitive = Dictionary(
      plan.changes.map { ($0.address, Set($0.sensitive)) }, uniquingKeysWith: { first, second in first.union(second) })
    var plan = plan
    plan.desired = plan.desired.map { resource in
      var redacted = resource
      let names = (sensitive[resource.address] ?? []).union(
        ResourceCatalog.standard[resource.address.type]?.schema.sensitiveNames ?? [])
      for name in names {
        if case .value(let value)? = redacted.attributes[name] {
          redacted.attributes[name] = .value(value.sensitiveDigest)
        }
      }
      return redacted
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.dateEncodingStrategy = .iso8601
    do {
      let directory = (path as NSString).deletingLastPathComponent
      if !directory.isEmpty {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      }
      try encoder.encode(plan).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
      throw CutoverError.usage("cannot write the plan to \(path): \(error.localizedDescription)")
    }
  }

  /// Reads a saved plan.
  /// - Throws: `CutoverError.usage` for a missing or unreadable file, naming it.
  public static func read(from path: String) throws -> Plan {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw CutoverError.usage("\(path): no such plan file")
    }
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    do {
      return try decoder.decode(Plan.self, from: data)
    } catch {
      throw CutoverError.usage("\(path): not a Cutover plan file (\(Self.summary(of: error)))")
    }
  }

  private static func summary(of error: any Error) -> String {
    switch error {
    case DecodingError.keyNotFound(let key, _): return "missing '\(key.stringValue)'"
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
      DecodingError.dataCorrupted(let context):
      let path = context.codingPath.map(\.stringValue).joined(separator: ".")
      return path.isEmpty ? "malformed JSON" : "bad value at \(path)"
    default: return "unreadable"
    }
  }
}
