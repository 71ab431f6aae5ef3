import Foundation

// MARK: - CloudConfigError

/// A cloud configuration that cannot be used: no cloud selected, a missing or malformed `clouds.yaml`, an unknown
/// cloud, a missing setting, an unreadable CA file. The message names files and keys, never secret values.
public struct CloudConfigError: Error, LocalizedError, Sendable, Equatable, CustomStringConvertible {
  public var message: String

  public init(_ message: String) {
    self.message = message
  }

  public var errorDescription: String? { message }
  public var description: String { message }
}
