import Foundation
import OpenStack

/// Where snapshots of the state are kept: one container of an object store. ``StatePublisher`` writes and reads
/// through it; tests put a double in its place.
public protocol SnapshotContainer: Sendable {
  /// The container's name, as messages say it.
  var name: String { get }
  /// Makes sure the container exists and is private: creates it (private) when missing.
  /// - Throws: `CutoverError.cloud` when it is readable without a token (a public read ACL).
  func preparePrivate() async throws
  /// Stores an object; `exclusive` stores it only when no object has that name yet (returns false then).
  /// - Returns: whether it was stored.
  @discardableResult
  func put(_ object: String, data: Data, contentType: String, exclusive: Bool) async throws -> Bool
  /// An object's bytes; nil when it does not exist.
  func get(_ object: String) async throws -> Data?
  /// The names of the objects that begin with `prefix`, in name order.
  func list(prefix: String) async throws -> [String]
  /// Deletes an object (one already gone is fine).
  func delete(_ object: String) async throws
}

/// A container of OpenStack Swift's API (Cloud VPS object storage, or a real Swift).
public struct SwiftSnapshotContainer: SnapshotContainer {
  public let name: String
  let client: ObjectStoreClient

  public init(name: String, client: ObjectStoreClient) {
    self.name = name
    self.client = client
  }

  public func preparePrivate() async throws {
    if let container = try await client.container(name) {
      guard !container.isPublic else {
        throw CutoverError.cloud(
          "container '\(name)' is readable without a token (X-Container-Read: \(container.readACL ?? "")); the state "
            + "is published only to a private container: remove its read ACL, or name another container under "
            + "state.publish")
      }
      return
    }
    try await client.createContainer(name)
  }

  public func put(_ object: String, data: Data, contentType: String, exclusive: Bool) async throws -> Bool {
    do {
      try await client.put(container: name, object: object, data: data, contentType: contentType, exclusive: exclusive)
      return true
    } catch ObjectStoreClient.WriteRefusal.exists {
      return false
    }
  }

  public func get(_ object: String) async throws -> Data? {
    try await client.get(container: name, object: object)
  }

  public func list(prefix: String) async throws -> [String] {
    try await client.list(container: name, prefix: prefix).map(\.name)
  }

  public func delete(_ object: String) async throws {
    try await client.delete(container: name, object: object)
  }
}
