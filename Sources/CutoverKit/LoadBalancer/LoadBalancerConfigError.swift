import Foundation

/// A value in a load-balancer host's configuration that would give haproxy or keepalived a file they misread.
///
/// Checked before rendering because keepalived quietly repairs some mistakes instead of refusing them (it truncates a
/// long password, falls back to priority 100), and a VRRP pair that disagrees about such values splits the VIP.
public enum LoadBalancerConfigError: Error, LocalizedError, Sendable, Equatable {
  /// A VRRP virtual router id outside 1...255.
  case virtualRouterIDOutOfRange(Int)
  /// A VRRP priority outside 1...254 (255 is reserved for the address owner, which a floating VIP never is).
  case priorityOutOfRange(Int)
  /// The VRRP password is empty.
  case emptySecret
  /// The VRRP password is longer than the 8 bytes keepalived uses; it would truncate it and warn.
  case secretTooLong(bytes: Int)
  /// The VRRP password has a character that would end the word or the line in `keepalived.conf`.
  case secretHasUnsafeCharacter
  /// A field that must be an IP address (of the family named) is not one.
  case invalidAddress(field: String, value: String, expected: String)
  /// A name that is written into the file as one word has a character that would break it.
  case invalidName(field: String, value: String)
  /// A port outside 1...65535.
  case portOutOfRange(field: String, port: Int)
  /// Two frontends listen on the same port; the second bind would fail when haproxy starts.
  case duplicateListenPort(Int)

  public var errorDescription: String? {
    switch self {
    case .virtualRouterIDOutOfRange(let id):
      return "keepalived virtual_router_id \(id) is out of range: VRRP router ids are 1 to 255"
    case .priorityOutOfRange(let priority):
      return "keepalived priority \(priority) is out of range: use 1 to 254 (the highest priority holds the VIP)"
    case .emptySecret:
      return "the keepalived VRRP password (auth_pass) is empty"
    case .secretTooLong(let bytes):
      return
        "the keepalived VRRP password (auth_pass) is \(bytes) bytes long: keepalived uses at most 8 and would "
        + "truncate it, so use 8 characters or fewer"
    case .secretHasUnsafeCharacter:
      return
        "the keepalived VRRP password (auth_pass) may only use printable ASCII without spaces, quotes, backslashes, "
        + "braces, '#' or '!' (they would break keepalived.conf)"
    case .invalidAddress(let field, let value, let expected):
      return "\(field) \"\(value)\" is not \(expected)"
    case .invalidName(let field, let value):
      return "\(field) \"\(value)\" may only use letters, digits, '.', '_' and '-'"
    case .portOutOfRange(let field, let port):
      return "\(field) \(port) is out of range: ports are 1 to 65535"
    case .duplicateListenPort(let port):
      return "two haproxy frontends listen on port \(port)"
    }
  }
}
