#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// IP address literals as they appear in daemon configuration files, checked with the C library's own parser so
/// Cutover accepts exactly what haproxy and keepalived will.
enum IPAddressText {
  static func isIPv4(_ text: String) -> Bool {
    var address = in_addr()
    return inet_pton(AF_INET, text, &address) == 1
  }

  static func isIPv6(_ text: String) -> Bool {
    var address = in6_addr()
    return inet_pton(AF_INET6, text, &address) == 1
  }

  /// An IPv4 address with an optional `/prefix` (0 to 32), such as `172.16.1.171/32`.
  static func isIPv4WithOptionalPrefix(_ text: String) -> Bool {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count <= 2, isIPv4(String(parts[0])) else { return false }
    guard parts.count == 2 else { return true }
    guard let prefix = Int(parts[1]), parts[1].allSatisfy(\.isASCII) else { return false }
    return (0...32).contains(prefix)
  }

  /// An IPv4 range with its prefix, such as `172.16.0.0/21`.
  static func isIPv4CIDR(_ text: String) -> Bool {
    text.contains("/") && isIPv4WithOptionalPrefix(text)
  }

  /// Orders addresses numerically for IPv4 (so `10.0.0.9` comes before `10.0.0.10`), then anything else as text, so
  /// a rendered file does not change when the cloud lists the same nodes in another order.
  static func ascending(_ lhs: String, _ rhs: String) -> Bool {
    switch (ipv4Value(lhs), ipv4Value(rhs)) {
    case (let left?, let right?): return left < right
    case (.some, nil): return true
    case (nil, .some): return false
    case (nil, nil): return lhs < rhs
    }
  }

  private static func ipv4Value(_ text: String) -> UInt32? {
    var address = in_addr()
    guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
    return UInt32(bigEndian: address.s_addr)
  }
}
