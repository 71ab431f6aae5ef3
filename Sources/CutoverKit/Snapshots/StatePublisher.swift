import Crypto
import Foundation

/// What `<env>/index.json` says of the latest snapshot of an environment's state.
public struct SnapshotIndex: Codable, Sendable, Equatable {
  public static let currentFormatVersion = 1

  public var formatVersion: Int
  public var environment: String
  public var lineage: String
  public var serial: Int
  public var publishedAt: Date
  public var publishedBy: String
  /// The command whose run published it (`apply eqiad1`).
  public var command: String
  /// Whether an apply was running (or had been killed and not yet settled) when it was taken.
  public var applyRunning: Bool
  /// The snapshot's object in the container.
  public var snapshot: String
  /// `sha256:` of the snapshot's bytes, checked when it is read.
  public var sha256: String
  public var bytes: Int

  enum CodingKeys: String, CodingKey {
    case formatVersion = "format_version"
    case environment, lineage, serial
    case publishedAt = "published_at"
    case publishedBy = "published_by"
    case command
    case applyRunning = "apply_running"
    case snapshot, sha256, bytes
  }

  /// `serial 42 of 2026-12-05 05:30:00 UTC by root@bastion (apply eqiad1)`.
  public var description: String {
    "serial \(serial) published \(Timestamps.format(publishedAt)) by \(publishedBy) (`cutover \(command)`)"
  }
}

/// Publishes snapshots of an environment's state to a container and reads the latest back.
///
/// Layout, per environment: `<env>/snapshots/<serial, ten digits>-<first 16 hex of its SHA-256>.sqlite` (the whole
/// state as one SQLite file, lock lease left out), and `<env>/index.json`, which names the latest. A snapshot is
/// written before the index that names it, so a reader never finds an index pointing at nothing; the ten newest
/// snapshots are kept, older ones deleted.
public struct StatePublisher: Sendable {
  public let container: any SnapshotContainer
  public let environment: String
  /// How many snapshots of an environment are kept.
  public static let kept = 10

  public init(container: any SnapshotContainer, environment: String) {
    self.container = container
    self.environment = environment
  }

  public var indexObject: String { "\(environment)/index.json" }
  var snapshotPrefix: String { "\(environment)/snapshots/" }

  /// Publishes `snapshot`: the snapshot object, then the index naming it, then prunes old snapshots (a failed prune
  /// is left for the next publish).
  /// Never over another state's snapshots, nor back to an older serial of the same state: a machine whose state
  /// went another way (a clone that planned on its own, a bastion that missed a pull) cannot replace what the others
  /// read, unless `replacingOtherLineage` says to replace another lineage.
  /// - Throws: `CutoverError.refused` when the container holds another lineage, or a newer serial of this one.
  public func publish(
    _ snapshot: StateSnapshot, command: String, identity: ProcessIdentity, at now: Date = Date(),
    replacingOtherLineage: Bool = false
  ) async throws -> SnapshotIndex {
    try await container.preparePrivate()
    if let data = try await container.get(indexObject) {
      let published = try decode(data)
      if published.lineage != snapshot.version.lineage, !replacingOtherLineage {
        throw CutoverError.refused(
          "container '\(container.name)' holds another state of \(environment) (lineage \(published.lineage), "
            + "\(published.description)) than this machine's (lineage \(snapshot.version.lineage)): pull it with "
            + "`cutover state pull \(environment)`, or replace it with `cutover state publish \(environment) --force`")
      }
      if published.lineage == snapshot.version.lineage, published.serial > snapshot.version.serial {
        throw CutoverError.refused(
          "container '\(container.name)' holds a newer serial of this state (\(published.description)) than this "
            + "machine's \(snapshot.version.serial): pull it with `cutover state pull \(environment)`")
      }
    }
    let digest = FileDigest.sha256(snapshot.data)
    let object = snapshotPrefix + String(format: "%010d", snapshot.version.serial) + "-\(digest.prefix(16)).sqlite"
    // The name is the content's: an object already there holds the same bytes.
    try await container.put(object, data: snapshot.data, contentType: "application/vnd.sqlite3", exclusive: true)
    let index = SnapshotIndex(
      formatVersion: SnapshotIndex.currentFormatVersion, environment: environment,
      lineage: snapshot.version.lineage, serial: snapshot.version.serial,
      publishedAt: Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down)),
      publishedBy: "\(identity.user)@\(identity.host)", command: command, applyRunning: snapshot.applyRunning,
      snapshot: object, sha256: "sha256:" + digest, bytes: snapshot.data.count)
    try await container.put(
      indexObject, data: try Self.encode(index), contentType: "application/json", exclusive: false)
    await prune(keeping: object)
    return index
  }

  /// The latest snapshot's index and bytes; nil when none was published.
  /// - Throws: `CutoverError.state` when the index is unreadable, names another environment, or the bytes do not
  ///   match it.
  public func latest() async throws -> (index: SnapshotIndex, data: Data)? {
    // A publish between reading the index and its snapshot may prune that snapshot: read the index again, once.
    for attempt in 1...2 {
      guard let indexData = try await container.get(indexObject) else { return nil }
      let index = try decode(indexData)
      guard let data = try await container.get(index.snapshot) else {
        if attempt == 1 { continue }
        throw CutoverError.state(
          "container '\(container.name)': \(indexObject) names \(index.snapshot), which does not exist")
      }
      guard "sha256:" + FileDigest.sha256(data) == index.sha256 else {
        throw CutoverError.state(
          "container '\(container.name)': \(index.snapshot) does not match the digest \(indexObject) gives it")
      }
      return (index, data)
    }
    return nil
  }

  private func prune(keeping current: String) async {
    guard let names = try? await container.list(prefix: snapshotPrefix) else { return }
    let old = names.filter { $0 != current }.sorted().dropLast(Self.kept - 1)
    for name in old { try? await container.delete(name) }
  }

  static func encode(_ index: SnapshotIndex) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return try encoder.encode(index) + Data("\n".utf8)
  }

  private func decode(_ data: Data) throws -> SnapshotIndex {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    let index: SnapshotIndex
    do {
      index = try decoder.decode(SnapshotIndex.self, from: data)
    } catch {
      throw CutoverError.state("container '\(container.name)': \(indexObject) is not a snapshot index: \(error)")
    }
    guard index.formatVersion <= SnapshotIndex.currentFormatVersion else {
      throw CutoverError.state(
        "container '\(container.name)': \(indexObject) has format version \(index.formatVersion); this Cutover reads "
          + "up to \(SnapshotIndex.currentFormatVersion): upgrade it")
    }
    guard index.environment == environment else {
      throw CutoverError.state(
        "container '\(container.name)': \(indexObject) is the index of '\(index.environment)', not '\(environment)'")
    }
    return index
  }
}
