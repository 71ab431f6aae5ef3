import Crypto
import Foundation

/// SHA-256 of local files, so Cutover can tell the file it wrote from one written over it since.
enum FileDigest {
  static func sha256(_ data: Data) -> String {
    hex(SHA256.hash(data: data))
  }

  /// A finished digest in lower-case hex.
  static func hex(_ digest: SHA256.Digest) -> String {
    digest.map { String(format: "%02x", $0) }.joined()
  }

  /// The digest of the file at `path`; nil when it cannot be read.
  static func sha256(atPath path: String) -> String? {
    FileManager.default.contents(atPath: path).map(sha256)
  }
}
