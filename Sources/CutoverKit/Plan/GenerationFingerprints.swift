import Foundation

/// The fingerprint of each generation: a keyed digest of everything its resources are made from — its merged spec
/// (with the digests of its values files, chart and manifests), the environment's own settings (the live generation
/// among them), and the Cutover that expands them. An apply that converges a generation records its fingerprint on
/// each of its resources; a later plan whose fingerprint for the generation is the same, and whose state still holds
/// exactly those resources untouched since, leaves the generation out of the comparison: nothing it is made from
/// changed, so neither did what it expands to. This is what makes a plan take time in proportion to what differs.
///
/// Keyed, like the plan's own digest, because a spec may hold a secret `set` value.
public enum GenerationFingerprints {
  /// Bumped when what a fingerprint covers changes.
  static let scheme = "cutover generation fingerprint 1"

  /// The fingerprint of every generation of `state`, by id.
  public static func of(_ state: DesiredState, digester: SensitiveDigester) -> [String: String] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    var environment = state
    environment.generations = []
    var shared = CanonicalEncoding()
    shared.append(scheme)
    shared.append(executableIdentity)
    shared.append(encoded(environment, encoder: encoder))
    let sharedDigest = digester.digest(bytes: shared.bytes)

    // Generations that override nothing share their spec (`EnvironmentFile` reads `defaults` once): encode each
    // distinct spec once. The few most recent are compared by value, which is cheap when their storage is shared.
    var recent: [(spec: Generation, digest: String)] = []
    var result: [String: String] = [:]
    for generation in state.generations {
      var spec = generation
      spec.id = ""
      let specDigest: String
      if let known = recent.first(where: { $0.spec == spec }) {
        specDigest = known.digest
      } else {
        specDigest = digester.digest(bytes: Array(encoded(spec, encoder: encoder).utf8))
        recent.insert((spec, specDigest), at: 0)
        if recent.count > 8 { recent.removeLast() }
      }
      var encoding = CanonicalEncoding(capacity: 192)
      encoding.append(sharedDigest)
      encoding.append(specDigest)
      encoding.append(generation.id)
      result[generation.id] = digester.digest(bytes: encoding.bytes)
    }
    return result
  }

  /// What a resource records: the fingerprint and the number of the generation's resources it was recorded with, so
  /// that a resource removed from the state (`state rm`) or added to it (`import`) voids the record.
  static func recorded(_ fingerprint: String, resources: Int) -> String {
    "\(fingerprint) \(resources)"
  }

  private static func encoded(_ value: some Encodable, encoder: JSONEncoder) -> String {
    // The desired state is plain data: encoding it cannot fail.
    (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? ""
  }

  /// The running Cutover's executable, by path, size and modification time: another build may expand the same spec
  /// differently, so its fingerprints never match this one's.
  static let executableIdentity: String = {
    // Linux names the running executable in /proc; `Bundle.main` would first list the whole directory it is in.
    let path =
      (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? Bundle.main.executablePath
      ?? CommandLine.arguments.first ?? ""
    let attributes = try? FileManager.default.attributesOfItem(atPath: path)
    let size = (attributes?[.size] as? NSNumber)?.int64Value ?? 0
    let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
    return "\(path) \(size) \(modified)"
  }()
}
