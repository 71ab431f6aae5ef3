/// Address rules of the simulated Neutron: every address the simulator picks lives in 127.0.0.0/8 (so probes stay
/// on this machine), never 127.0.0.1; a client may also ask for one in a subnet's real CIDR (`SubnetRecord`). MAC
/// addresses use OpenStack's `fa:16:3e` prefix.
enum NeutronAddresses {
  // MARK: - IPv4

  /// The four octets of a dotted-quad IPv4 address; nil for anything else.
  static func octets(_ text: String) -> [Int]? {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 4 else { return nil }
    let octets = parts.compactMap { part -> Int? in
      guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isNumber), let value = Int(part), value <= 255 else {
        return nil
      }
      return value
    }
    return octets.count == 4 ? octets : nil
  }

  /// Whether `address` is a simulated address any subnet accepts: in 127.0.0.0/8, not the network or broadcast
  /// address and nothing in 127.0.0.x (so never 127.0.0.1).
  static func isAssignable(_ address: String) -> Bool {
    guard let octets = octets(address), octets[0] == 127 else { return false }
    return !(octets[1] == 0 && octets[2] == 0) && !(octets[1] == 255 && octets[2] == 255 && octets[3] == 255)
  }

  /// Whether `text` is an address or CIDR of the given ethertype (`IPv4` or `IPv6`).
  static func isPrefix(_ text: String, ethertype: String) -> Bool {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count <= 2, let address = parts.first else { return false }
    let isIPv6 = address.contains(":")
    let maximumLength = isIPv6 ? 128 : 32
    if parts.count == 2 {
      guard let length = Int(parts[1]), (0...maximumLength).contains(length) else { return false }
    }
    if isIPv6 {
      return ethertype == "IPv6" && address.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }
    return ethertype == "IPv4" && octets(String(address)) != nil
  }

  /// Whether `text` is an IPv4 or IPv6 address or CIDR.
  static func isPrefix(_ text: String) -> Bool {
    isPrefix(text, ethertype: "IPv4") || isPrefix(text, ethertype: "IPv6")
  }

  // MARK: - MAC

  /// A random `fa:16:3e:xx:xx:xx` address.
  static func macAddress() -> String {
    "fa:16:3e:"
      + Identifiers.randomHex(bytes: 3).enumerated()
      .map { index, character in index > 0 && index % 2 == 0 ? ":\(character)" : "\(character)" }.joined()
  }
}
