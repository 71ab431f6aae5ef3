/// The shape a whole text must have to be a generation id, a name, a host: a first character from one set, then any
/// number from another, and, for some, a last character from a third. These are the only shapes Cutover checks, so
/// they are matched byte by byte, without a regular-expression engine (starting ICU's took a millisecond of every
/// command).
///
/// A match covers the whole text: a trailing newline, which a `^…$` expression would let pass (`"128a\n"` as a
/// generation id, which Magnum refused half-way through an apply), fails, as does any character outside ASCII.
public struct TextPattern: Sendable, Hashable {
  private let first: ASCIISet
  private let middle: ASCIISet
  /// The set the last character comes from, when the text has more than one; nil: the middle set.
  private let last: ASCIISet?
  private let lengths: ClosedRange<Int>

  /// A pattern from set specifications such as `a-z0-9-` (ranges and single characters; a `-` first or last is
  /// itself).
  init(first: String, then middle: String, last: String? = nil, lengths: ClosedRange<Int> = 1...Int.max) {
    self.first = ASCIISet(first)
    self.middle = ASCIISet(middle)
    self.last = last.map(ASCIISet.init)
    self.lengths = lengths
  }

  /// Whether all of `text`, and nothing less, matches.
  public func matches(_ text: some StringProtocol) -> Bool {
    let bytes = text.utf8
    let count = bytes.count
    guard lengths.contains(count) else { return false }
    for (offset, byte) in bytes.enumerated() {
      let allowed = offset == 0 ? first : offset == count - 1 ? (last ?? middle) : middle
      guard allowed.contains(byte) else { return false }
    }
    return true
  }
}

extension TextPattern {
  /// A generation id: `127d`, `128a`.
  public static let generationID = TextPattern(first: "a-z0-9", then: "a-z0-9-")
  /// What can start a Magnum name (`name_prefix`, a load balancer's `name`): a letter, then letters, digits, `_ . -`.
  public static let magnumName = TextPattern(first: "a-zA-Z", then: "a-zA-Z0-9_.-")
  /// A manifest's name, which Kubernetes-style tools accept as one label: `default-storageclass`.
  public static let manifestName = TextPattern(first: "a-z0-9", then: "a-z0-9-", last: "a-z0-9")
  /// A Helm repository name, as `helm repo add` takes it.
  public static let helmRepositoryName = TextPattern(first: "a-z0-9", then: "a-z0-9._-")
  /// A DNS name a web proxy serves: `hub-paws.wmcloud.org`.
  public static let domain = TextPattern(first: "a-z0-9", then: "a-z0-9.-", last: "a-z0-9", lengths: 2...Int.max)
  /// A VM's host name: `paws-k8s-haproxy-1`.
  public static let hostName = TextPattern(first: "a-zA-Z0-9", then: "a-zA-Z0-9.-")
  /// A network interface name as Linux allows it (at most 15 characters): `eth0`.
  public static let interfaceName = TextPattern(first: "A-Za-z0-9_.:@-", then: "A-Za-z0-9_.:@-", lengths: 1...15)
  /// A shell environment variable's name: `PAWS_VRRP_SECRET`.
  public static let environmentVariable = TextPattern(first: "A-Za-z_", then: "A-Za-z0-9_")
  /// A name that can be part of a resource address and of an OpenStack object's name.
  public static let objectName = TextPattern(first: "A-Za-z0-9", then: "A-Za-z0-9_.-")
  /// An environment's name, which becomes part of paths: `eqiad1`.
  public static let environmentName = TextPattern(first: "A-Za-z0-9", then: "A-Za-z0-9_-")
}

/// A set of ASCII characters, as two 64-bit masks.
struct ASCIISet: Sendable, Hashable {
  private var low: UInt64 = 0
  private var high: UInt64 = 0

  /// The characters of `specification`: ranges (`a-z`) and single characters; a `-` that ends no range is itself.
  init(_ specification: String) {
    let bytes = Array(specification.utf8)
    var index = 0
    while index < bytes.count {
      if index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "-") {
        for byte in bytes[index]...bytes[index + 2] { insert(byte) }
        index += 3
      } else {
        insert(bytes[index])
        index += 1
      }
    }
  }

  private mutating func insert(_ byte: UInt8) {
    precondition(byte < 128, "an ASCII set holds only ASCII")
    if byte < 64 { low |= 1 << UInt64(byte) } else { high |= 1 << UInt64(byte - 64) }
  }

  func contains(_ byte: UInt8) -> Bool {
    byte < 64 ? low & (1 << UInt64(byte)) != 0 : byte < 128 && high & (1 << UInt64(byte - 64)) != 0
  }
}
