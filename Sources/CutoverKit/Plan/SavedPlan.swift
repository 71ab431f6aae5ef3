import Foundation

/// Saved plans on disk: `cutover plan --out FILE` writes one, `cutover apply FILE` reads it.
public enum SavedPlan {
  /// Writes the plan atomically (a temporary file renamed into place), so a reader never sees half a plan, and
  /// readable by its owner only (0600). Desired values that may hold a secret are written as state records them, as
  /// keyed digests: `PlanPreparation.restoreSaved` puts the real values back from the desired state, whose digest
  /// must still match.
  public static func write(
    _ plan: Plan, to path: String, digester: SensitiveDigester, catalog: ResourceCatalog = .standard
  ) throws {
    let sensitive = Dictionary(
      plan.changes.map { ($0.address, Set($0.sensitive)) }, uniquingKeysWith: { first, second in first.union(second) })
    var plan = plan
    plan.desired = plan.desired.map { resource in
      var literal: Attributes = [:]
      for (name, expression) in resource.attributes {
        if case .value(let value) = expression { literal[name] = value }
      }
      let schema = catalog[resource.address.type]?.schema
      var written = schema?.recordable(literal, digester: digester) ?? literal
      // A sensitive attribute the plan names that the catalog does not mark (a test type's) is digested too.
      for name in sensitive[resource.address] ?? [] where schema?[name]?.sensitive != true {
        written[name] = written[name].map(digester.digestUnlessDigested)
      }
      var redacted = resource
      for (name, value) in written { redacted.attributes[name] = .value(value) }
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
      try PrivateFileWriter.write(encoder.encode(plan), to: path)
    } catch KubeconfigError.writeFailed(_, let reason) {
      throw CutoverError.usage("cannot write the plan to \(path): \(reason)")
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
