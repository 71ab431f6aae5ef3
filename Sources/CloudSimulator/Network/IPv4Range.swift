/// An IPv4 CIDR (`172.16.0.0/21`) as a range of 32-bit values.
struct IPv4Range: Equatable, Sendable {
  var network: UInt32
  var prefixLength: Int

  /// Parses `a.b.c.d/n`; nil for anything else (IPv6 included).
  init?(cidr: String) {
    let parts = cidr.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let address = Self.value(of: String(parts[0])), let length = Int(parts[1]),
      (0...32).contains(length)
    else { return nil }
    let mask: UInt32 = length == 0 ? 0 : UInt32.max << (32 - length)
    self.network = address & mask
    self.prefixLength = length
  }

  /// Every address of the CIDR.
  var addresses: ClosedRange<UInt32> {
    let size = UInt32(truncatingIfNeeded: (UInt64(1) << (32 - prefixLength)) - 1)
    return network...(network + size)
  }

  /// The addresses a host may hold: all but the network and broadcast addresses (a /31 or /32 keeps them all).
  var hostAddresses: ClosedRange<UInt32> {
    let all = addresses
    guard prefixLength < 31 else { return all }
    return (all.lowerBound + 1)...(all.upperBound - 1)
  }

  // MARK: - Conversions

  /// The 32-bit value of a dotted-quad address; nil for anything else.
  static func value(of address: String) -> UInt32? {
    guard let octets = NeutronAddresses.octets(address) else { return nil }
    return octets.reduce(0) { $0 << 8 | UInt32($1) }
  }

  /// The dotted-quad text of a 32-bit value.
  static func text(of value: UInt32) -> String {
    [24, 16, 8, 0].map { String((value >> UInt32($0)) & 0xff) }.joined(separator: ".")
  }
}
