import GRDB

/// Hands out node addresses in 127.0.0.0/8 from a persisted counter: 127.0.1.1, 127.0.1.2, … 127.0.1.254,
/// 127.0.2.1, … Addresses are unique across the cloud and never reused; 127.0.0.x (and so 127.0.0.1) is never
/// handed out, nor any .0 or .255 last octet.
enum NodeAddressAllocator {
  static let counterName = "node-address"
  private static let hostsPerBlock = 254
  private static let blockCount = 255 * 256

  struct Exhausted: Error {}

  // MARK: - Allocation

  static func allocate(_ count: Int, in db: Database) throws -> [String] {
    guard count > 0 else { return [] }
    let first = try CounterRecord.reserve(count, of: counterName, in: db)
    guard first + count <= hostsPerBlock * blockCount else { throw Exhausted() }
    return (first..<(first + count)).map(address(forIndex:))
  }

  /// The address with the given 0-based allocation index.
  static func address(forIndex index: Int) -> String {
    let block = index / hostsPerBlock + 1
    let host = index % hostsPerBlock + 1
    return "127.\(block / 256).\(block % 256).\(host)"
  }
}
