import GRDB

/// Hands out node addresses in 127.0.0.0/8 from a persisted counter, starting in a /24 block chosen once per
/// cloud: from block number B × 256 + C the addresses are 127.B.C.1 … 127.B.C.254, then the next block's. Addresses are unique across the cloud and never reused; no .0 or .255 last
/// octet is handed out, nor anything in 127.0.0.0/16 (so never 127.0.0.1).
///
/// The block is drawn at random when the database is created (or configured, `nodeAddressBlock`) and persisted,
/// so two simulators running side by side — parallel tests, each with its own database — do not hand out the
/// same addresses, and so do not both try to listen on the same `address:30001`. Clouds created before blocks
/// existed keep the addresses they handed out (in 127.0.0.0/16) and continue in a fresh block.
enum NodeAddressAllocator {
  static let counterName = "node-address"
  /// The counter holding the cloud's first block number.
  static let blockCounterName = "node-address-block"
  private static let hostsPerBlock = 254
  /// Usable block numbers: 127.1.0.0/24 (block 256) up to 127.255.255.0/24 (block 65535).
  static let blocks = 256...65_535

  struct Exhausted: Error {}

  // MARK: - The cloud's block

  /// Records the cloud's first block unless it has one; `preferred` (clamped into `blocks`) or a random one.
  static func ensureBlock(preferred: Int?, in db: Database) throws {
    guard try CounterRecord.fetchOne(db, key: blockCounterName) == nil else { return }
    let block = preferred.map { min(max($0, blocks.lowerBound), blocks.upperBound) } ?? Int.random(in: blocks)
    try CounterRecord(name: blockCounterName, value: block).insert(db)
  }

  // MARK: - Allocation

  static func allocate(_ count: Int, in db: Database) throws -> [String] {
    guard count > 0 else { return [] }
    if try CounterRecord.fetchOne(db, key: blockCounterName) == nil {
      try ensureBlock(preferred: nil, in: db)
    }
    let firstBlock = try CounterRecord.fetchOne(db, key: blockCounterName)?.value ?? blocks.lowerBound
    let first = try CounterRecord.reserve(count, of: counterName, in: db)
    guard first + count <= hostsPerBlock * blocks.count else { throw Exhausted() }
    return (first..<(first + count)).map { address(forIndex: $0, firstBlock: firstBlock) }
  }

  /// The address with the given 0-based allocation index in a cloud whose first block is `firstBlock`; blocks
  /// wrap around within `blocks`.
  static func address(forIndex index: Int, firstBlock: Int) -> String {
    let offset = (firstBlock - blocks.lowerBound + index / hostsPerBlock) % blocks.count
    let block = blocks.lowerBound + offset
    let host = index % hostsPerBlock + 1
    return "127.\(block / 256).\(block % 256).\(host)"
  }
}
