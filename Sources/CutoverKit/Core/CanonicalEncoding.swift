import Crypto

/// A compact, deterministic byte encoding of values, for digests. Equal values always give equal bytes (maps in
/// sorted key order); each item is tagged and length-prefixed, so different values never run together.
/// Much cheaper than `JSONEncoder` with sorted keys, which dominated planning over thousands of resources.
struct CanonicalEncoding {
  private(set) var bytes: [UInt8] = []

  init(capacity: Int = 4096) {
    bytes.reserveCapacity(capacity)
  }

  mutating func append(_ value: Value) {
    switch value {
    case .null:
      bytes.append(0)
    case .bool(let bool):
      bytes.append(bool ? 1 : 2)
    case .int(let int):
      bytes.append(3)
      appendLength(UInt64(bitPattern: Int64(int)))
    case .double(let double):
      // A tag of its own, after the others, so that no earlier value's bytes (or digest) change.
      bytes.append(7)
      appendLength(double.bitPattern)
    case .string(let string):
      bytes.append(4)
      append(string)
    case .list(let list):
      bytes.append(5)
      appendLength(UInt64(list.count))
      for element in list { append(element) }
    case .map(let map):
      bytes.append(6)
      appendLength(UInt64(map.count))
      for key in map.keys.sorted() {
        append(key)
        append(map[key]!)
      }
    }
  }

  mutating func append(_ string: String) {
    let utf8 = string.utf8
    appendLength(UInt64(utf8.count))
    bytes.append(contentsOf: utf8)
  }

  mutating func append(_ resource: DesiredResource) {
    append(resource.address.description)
    appendLength(UInt64(resource.attributes.count))
    for name in resource.attributes.keys.sorted() {
      append(name)
      switch resource.attributes[name]! {
      case .value(let value):
        bytes.append(10)
        append(value)
      case .reference(let reference):
        bytes.append(11)
        append(reference.address.description)
        append(reference.attribute)
        append(reference.format ?? "")
      }
    }
    appendLength(UInt64(resource.dependencies.count))
    for dependency in resource.dependencies { append(dependency.description) }
  }

  /// The SHA-256 of the bytes so far, in lower-case hex.
  var sha256Hex: String {
    let hexDigits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    for byte in SHA256.hash(data: bytes) {
      text.append(hexDigits[Int(byte >> 4)])
      text.append(hexDigits[Int(byte & 0x0F)])
    }
    return String(decoding: text, as: UTF8.self)
  }

  private mutating func appendLength(_ length: UInt64) {
    withUnsafeBytes(of: length.littleEndian) { bytes.append(contentsOf: $0) }
  }
}
