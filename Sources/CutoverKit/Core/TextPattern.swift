import Foundation
import Synchronization

/// A regular expression that a whole text must match: a generation id, a name, a host.
///
/// Written as `^…$` and searched with `range(of:options: .regularExpression)`, a pattern lets `$` match before a
/// final newline, so `"128a\n"` passed as a generation id (and Magnum refused it half-way through an apply) and
/// `"x.org\n"` as a domain. A `TextPattern` anchors at the true start and end of the text (`\A…\z`), so every check
/// built on it refuses a trailing newline.
public struct TextPattern: Sendable, Hashable {
  /// The expression, without anchors.
  public let expression: String

  public init(_ expression: String) {
    self.expression = expression
  }

  /// Whether all of `text`, and nothing less, matches.
  public func matches(_ text: some StringProtocol) -> Bool {
    let text = String(text)
    guard let regex = Self.compiled(expression) else { return false }
    return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
  }

  /// Each expression compiled once: a file of a thousand generations checks a thousand ids against the same one.
  private static let cache = Mutex<[String: NSRegularExpression]>([:])

  private static func compiled(_ expression: String) -> NSRegularExpression? {
    if let regex = cache.withLock({ $0[expression] }) { return regex }
    guard let regex = try? NSRegularExpression(pattern: "\\A(?:" + expression + ")\\z") else { return nil }
    cache.withLock { $0[expression] = regex }
    return regex
  }
}

extension TextPattern {
  /// A generation id: `127d`, `128a`.
  public static let generationID = TextPattern("[a-z0-9][a-z0-9-]*")
  /// What can start a Magnum name (`name_prefix`, a load balancer's `name`): a letter, then letters, digits, `_ . -`.
  public static let magnumName = TextPattern("[a-zA-Z][a-zA-Z0-9_.-]*")
  /// A manifest's name, which Kubernetes-style tools accept as one label: `default-storageclass`.
  public static let manifestName = TextPattern("[a-z0-9]([a-z0-9-]*[a-z0-9])?")
  /// A Helm repository name, as `helm repo add` takes it.
  public static let helmRepositoryName = TextPattern("[a-z0-9][a-z0-9._-]*")
  /// A DNS name a web proxy serves: `hub-paws.wmcloud.org`.
  public static let domain = TextPattern("[a-z0-9][a-z0-9.-]*[a-z0-9]")
  /// A VM's host name: `paws-k8s-haproxy-1`.
  public static let hostName = TextPattern("[a-zA-Z0-9][a-zA-Z0-9.-]*")
  /// A network interface name as Linux allows it (at most 15 characters): `eth0`.
  public static let interfaceName = TextPattern("[A-Za-z0-9_.:@-]{1,15}")
  /// A shell environment variable's name: `PAWS_VRRP_SECRET`.
  public static let environmentVariable = TextPattern("[A-Za-z_][A-Za-z0-9_]*")
  /// A name that can be part of a resource address and of an OpenStack object's name.
  public static let objectName = TextPattern("[A-Za-z0-9][A-Za-z0-9_.-]*")
  /// An environment's name, which becomes part of paths: `eqiad1`.
  public static let environmentName = TextPattern("[A-Za-z0-9][A-Za-z0-9_-]*")
}
