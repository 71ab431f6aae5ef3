import Foundation
import Synchronization

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
  public var attributes: Attributes {
    get { columns.attributes }
    set { columns = RecordedColumns(attributes: newValue, dependencies: columns.dependencies) }
  }
  /// What this object depended on when it was recorded, so it is deleted before them.
  public var dependencies: [ResourceAddress] {
    get { columns.dependencies }
    set { columns = RecordedColumns(attributes: columns.attributes, dependencies: newValue) }
  }
  public var status: Status
  /// Set on an object that a replacement superseded and that still waits to be deleted.
  public var deposedKey: String?
  /// The fingerprint of its generation, and the number of the generation's objects, that the apply which last
  /// converged the generation recorded on it (``GenerationFingerprints``); nil when there is none. Any other write of
  /// the object clears it in the state. Neither compared nor encoded: it says how the object was recorded, not what.
  public internal(set) var fingerprint: String?

  private var columns: RecordedColumns

  public init(
    address: ResourceAddress, remoteID: String?, attributes: Attributes, dependencies: [ResourceAddress] = [],
    status: Status = .ready, deposedKey: String? = nil
  ) {
    self.address = address
    self.remoteID = remoteID
    self.columns = RecordedColumns(attributes: attributes, dependencies: dependencies)
    self.status = status
    self.deposedKey = deposedKey
  }

  private init(
    address: ResourceAddress, remoteID: String?, columns: RecordedColumns, status: Status, deposedKey: String?,
    fingerprint: String?
  ) {
    self.address = address
    self.remoteID = remoteID
    self.columns = columns
    self.status = status
    self.deposedKey = deposedKey
    self.fingerprint = fingerprint
  }

  private enum CodingKeys: String, CodingKey {
    case address, remoteID, attributes, dependencies, status, deposedKey
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      address: try container.decode(ResourceAddress.self, forKey: .address),
      remoteID: try container.decodeIfPresent(String.self, forKey: .remoteID),
      attributes: try container.decode(Attributes.self, forKey: .attributes),
      dependencies: try container.decode([ResourceAddress].self, forKey: .dependencies),
      status: try container.decode(Status.self, forKey: .status),
      deposedKey: try container.decodeIfPresent(String.self, forKey: .deposedKey))
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(address, forKey: .address)
    try container.encodeIfPresent(remoteID, forKey: .remoteID)
    try container.encode(attributes, forKey: .attributes)
    try container.encode(dependencies, forKey: .dependencies)
    try container.encode(status, forKey: .status)
    try container.encodeIfPresent(deposedKey, forKey: .deposedKey)
  }

  public static func == (lhs: RecordedResource, rhs: RecordedResource) -> Bool {
    lhs.address == rhs.address && lhs.remoteID == rhs.remoteID && lhs.status == rhs.status
      && lhs.deposedKey == rhs.deposedKey && lhs.dependencies == rhs.dependencies && lhs.attributes == rhs.attributes
  }
}

/// The attributes and dependencies of a recorded object: values, or the JSON of a state row, each parsed on first use
/// and kept. A plan leaves the objects of unchanged generations unread (``GenerationFingerprints``), and parsing every
/// object's JSON was most of reading a large state.
final class RecordedColumns: Sendable {
  private enum Column<Value> {
    case json(String)
    case value(Value)
  }
  private struct Content {
    var attributes: Column<Attributes>
    var dependencies: Column<[ResourceAddress]>
  }
  private let content: Mutex<Content>

  init(attributes: Attributes, dependencies: [ResourceAddress]) {
    content = Mutex(Content(attributes: .value(attributes), dependencies: .value(dependencies)))
  }

  /// Columns as a row holds them. What does not parse (a row edited by hand) reads as empty.
  init(attributesJSON: String, dependenciesJSON: String) {
    content = Mutex(Content(attributes: .json(attributesJSON), dependencies: .json(dependenciesJSON)))
  }

  var attributes: Attributes {
    content.withLock { Self.read(&$0.attributes) { (try? Value(json: $0.utf8).mapValue) ?? [:] } }
  }

  var dependencies: [ResourceAddress] {
    content.withLock { content in
      Self.read(&content.dependencies) { text in
        (try? Value(json: text.utf8).stringList?.compactMap(ResourceAddress.init(parsing:))) ?? []
      }
    }
  }

  /// The column's value, parsed from its JSON and kept the first time.
  private static func read<Value>(_ column: inout Column<Value>, parse: (String) -> Value) -> Value {
    switch column {
    case .value(let value):
      return value
    case .json(let text):
      let value = parse(text)
      column = .value(value)
      return value
    }
  }
}

/// How a state store keeps an object in a row, the same in SQLite and in PostgreSQL: the address and deposed key as
/// text (`""` for the current object), attributes and dependencies as JSON.
extension RecordedResource {
  /// The columns of a `resources` row ``fromRow`` reads, in its order.
  static let rowColumns = "address, deposed, remote_id, attributes, dependencies, status, fingerprint"

  /// The object a `resources` row holds.
  /// - Throws: `CutoverError.state` for a malformed address or unreadable JSON.
  static func fromRow(
    address addressText: String, deposed: String, remoteID: String?, attributes attributesText: String,
    dependencies dependenciesText: String, status: String, fingerprint: String?
  ) throws -> RecordedResource {
    guard let address = ResourceAddress(parsing: addressText) else {
      throw CutoverError.state("state holds a malformed address '\(addressText)'")
    }
    // The JSON is read when first used; here only its shape is checked. Cutover writes every row whole, in one
    // transaction, so what passes is what it wrote, unless someone edited the row by hand since: what then does not
    // parse reads as empty.
    guard enclosed(attributesText, "{", "}"), enclosed(dependenciesText, "[", "]") else {
      throw CutoverError.state("state holds unreadable attributes for \(addressText)")
    }
    return RecordedResource(
      address: address, remoteID: remoteID,
      columns: RecordedColumns(attributesJSON: attributesText, dependenciesJSON: dependenciesText),
      status: Status(rawValue: status) ?? .ready, deposedKey: deposed.isEmpty ? nil : deposed,
      fingerprint: fingerprint)
  }

  private static func enclosed(_ text: String, _ open: Character, _ close: Character) -> Bool {
    text.first == open && text.last == close
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
