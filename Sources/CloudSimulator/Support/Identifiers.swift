import Foundation

/// Fresh and stable identifiers in the formats the real services use.
enum Identifiers {
  // MARK: - Fresh

  /// A lowercase UUID (`746e779a-751a-456b-a3e9-c883d734946f`), Magnum's resource ids.
  static func uuid() -> String {
    // From the system's generator (getrandom), not `UUID()`, which opens /dev/urandom each time on Linux.
    var generator = SystemRandomNumberGenerator()
    var bytes = [UInt8](repeating: 0, count: 16)
    for index in bytes.indices { bytes[index] = generator.next() }
    bytes[6] = bytes[6] & 0x0f | 0x40  // version 4
    bytes[8] = bytes[8] & 0x3f | 0x80  // RFC 4122 variant
    let uuid = UUID(
      uuid: (
        bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10],
        bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
      ))
    return uuid.uuidString.lowercased()
  }

  /// `count` random bytes as lowercase hex.
  static func randomHex(bytes count: Int) -> String {
    var generator = SystemRandomNumberGenerator()
    return (0..<count).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }
      .joined()
  }

  /// Keystone's audit id: 16 random bytes in URL-safe base64 without padding (22 characters).
  static func auditID() -> String {
    var generator = SystemRandomNumberGenerator()
    let bytes = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    return Data(bytes).base64EncodedString()
      .replacingOccurrences(of: "+", with: "-")
      .replacingOccurrences(of: "/", with: "_")
      .replacingOccurrences(of: "=", with: "")
  }

  /// Whether `text` looks like a UUID (Magnum then looks a resource up by uuid rather than by name).
  static func isUUIDLike(_ text: String) -> Bool {
    UUID(uuidString: text) != nil
  }

  // MARK: - Stable

  /// 32 hex characters derived from `seed` (FNV-1a), for catalog ids that must not change between runs.
  static func stableHex(for seed: String) -> String {
    func fnv1a(_ text: String, basis: UInt64) -> UInt64 {
      text.utf8.reduce(basis) { hash, byte in (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    }
    let high = fnv1a(seed, basis: 0xcbf2_9ce4_8422_2325)
    let low = fnv1a(seed + "#", basis: 0x8422_2325_cbf2_9ce4)
    return String(format: "%016llx%016llx", high, low)
  }
}
