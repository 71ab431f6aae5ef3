import Foundation

/// One object Cutover created (or adopted) and recorded in state.
public struct RecordedResource: Sendable, Codable, Equatable {
  /// Where the object stands.
  public enum Status: String, Sendable, Codable {
    /// Created and settled.
    case ready
    /// The cloud accepted the create but the apply stopped before it settled; the next apply waits on it.
    case creating
    /// The cloud accepted the create but the object failed to build; the next apply replaces it.
    case tainted
  }

  public var address: ResourceAddress
  /// The id of the object in the cloud (a Magnum uuid, a proxy domain).
  public var remoteID: String?
  public var attributes: Attributes
  /// What this object depended on when it was recorded, so it is deleted before them.
  public var dependencies: [ResourceAddress]
  public var status: Status
  /// Set on an object that a replacement superseded and that still waits to be deleted.
  public var deposedKey: String?

  public init(
    address: ResourceAddress, remoteID: String?, attributes: Attributes, dependencies: [ResourceAddress] = [],
    status: Status = .ready, deposedKey: String? = nil
  ) {
    self.address = address
    self.remoteID = remoteID
    self.attributes = attributes
    self.dependencies = dependencies
    self.status = status
    self.deposedKey = deposedKey
  }
}

/// How a state store keeps an object in a row, the same in SQLite and in PostgreSQL: the address and deposed key as
/// text (`""` for the current object), attributes and dependencies as JSON.
extension RecordedResource {
  /// The object a `resources` row holds.
  /// - Throws: `CutoverError.state` for a malformed address or unreadable JSON.
  static func fromRow(
    address addressText: String, deposed: String, remoteID: String?, attributes attributesText: String,
    dependencies dependenciesText: String, status: String
  ) throws -> RecordedResource {
    guard let address = ResourceAddress(parsing: addressText) else {
      throw CutoverError.state("state holds a malformed address '\(addressText)'")
    }
    guard let attributes = try? Value(json: attributesText.utf8).mapValue,
      let dependencies = try? Value(json: dependenciesText.utf8).stringList?.compactMap(ResourceAddress.init(parsing:))
    else {
      throw CutoverError.state("state holds unreadable attributes for \(addressText)")
    }
    return RecordedResource(
      address: address, remoteID: remoteID, attributes: attributes, dependencies: dependencies,
      status: Status(rawValue: status) ?? .ready, deposedKey: deposed.isEmpty ? nil : deposed)
  }

  /// The `attributes` and `dependencies` columns of its row.
  var jsonColumns: (attributes: String, dependencies: String) {
    (Value.map(attributes).jsonText, Value.list(dependencies.map { .string($0.description) }).jsonText)
  }
}

extension JournalAction {
  /// The action an `actions` row holds (times in seconds since 1970).
  /// - Throws: `CutoverError.state` for a malformed address or an unknown action.
  static func fromRow(
    id: Int64, applyID: Int64, address addressText: String, deposed: String, action actionText: String,
    status: String, remoteID: String?, startedAt: Double, finishedAt: Double?, detail: String?, error: String?
  ) throws -> JournalAction {
    guard let address = ResourceAddress(parsing: addressText) else {
      throw CutoverError.state("journal holds a malformed address '\(addressText)'")
    }
    guard let kind = ActionLabel.Kind(rawValue: actionText) else {
      throw CutoverError.state("journal holds an unknown action '\(actionText)' for \(address)")
    }
    return JournalAction(
      id: id, applyID: applyID, address: address, deposedKey: deposed.isEmpty ? nil : deposed, action: kind,
      status: Status(rawValue: status) ?? .failed, remoteID: remoteID,
      startedAt: Date(timeIntervalSince1970: startedAt), finishedAt: finishedAt.map(Date.init(timeIntervalSince1970:)),
      detail: detail, error: error)
  }
}
