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
