import Crypto
import Foundation

/// SHA-256 of local files, so Cutover can tell the file it wrote from one written over it since.
enum FileDigest {
  static func sha256(_ data: Data) -> String {
    hex(SHA256.hash(data: data))
  }

  /// A finished digest in lower-case hex.
  static func hex(_ digest: SHA256.Digest) -> String {
    hex(bytes: digest)
  }

  /// Bytes in lower-case hex. Without `String(format:)`, which took a tenth of a plan over thousands of digests.
  static func hex<Bytes: Sequence>(bytes: Bytes) -> String where Bytes.Element == UInt8 {
    var characters: [UInt8] = []
    characters.reserveCapacity(bytes.underestimatedCount * 2)
    for byte in bytes {
      characters.append(digits[Int(byte >> 4)])
      characters.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: characters, as: UTF8.self)
  }

  private static let digits = Array("0123456789abcdef".utf8)

  /// The digest of the file at `path`; nil when it cannot be read.
  static func sha256(atPath path: String) -> String? {
    FileManager.default.contents(atPath: path).map(sha256)
  }
}
