import Crypto
import Foundation

/// Keyed digests of what may hold a secret: sensitive values (the VRRP password, secret `set:` values, a release's
/// values fingerprint) and the content digests of files that may hold secrets (values files, charts, manifests).
///
/// A plain SHA-256 of an 8-character password can be reversed by trying every password; a keyed digest cannot be
/// recomputed without the key. The key is 256 random bits kept outside the state — `state/<env>/digest.key` (0600,
/// made on first use) or `CUTOVER_DIGEST_KEY` — so the state, a saved plan or a plan's output, wherever they are
/// copied, let nobody recover a secret faster than by guessing the key. Each digest names the key it was made with
/// (a short id derived from the key, which says nothing about it), so a digest made with another key is told apart
/// from a changed value.
public struct SensitiveDigester: Sendable {
  /// The prefix of every keyed digest: `hmac-sha256:<key id>:<64 hex digits>`.
  public static let prefix = "hmac-sha256:"
  /// The variable that gives the key (64 hex digits) instead of the key file, to share one key between machines.
  public static let keyVariable = "CUTOVER_DIGEST_KEY"
  /// The key file's name inside the environment's directory.
  public static let keyFileName = "digest.key"

  private let key: SymmetricKey
  /// Eight hex digits naming the key.
  public let keyID: String
  /// The keyed digest of each content digest seen: every generation names the same chart and values files.
  private let keyedDigests = Memo<String, String>()

  /// A digester over a 256-bit key.
  public init(key: SymmetricKey) {
    self.key = key
    let id = HMAC<SHA256>.authenticationCode(for: Data("cutover digest key id".utf8), using: key)
    keyID = String(Self.hex(id).prefix(8))
  }

  /// A digester whose key exists only in this process: for plans nothing is recorded from and no saved plan is
  /// applied against (`validate`).
  public static func ephemeral() -> SensitiveDigester {
    SensitiveDigester(key: SymmetricKey(size: .bits256))
  }

  /// The environment's digester: the key `CUTOVER_DIGEST_KEY` gives, else the one in `directory/digest.key`, made
  /// (256 random bits, 0600) when there is none.
  /// - Throws: `CutoverError.usage` for a malformed variable or key file, `.state` when the file cannot be written.
  public static func load(environment: [String: String], directory: String) throws -> SensitiveDigester {
    if let text = environment[keyVariable], !text.isEmpty {
      guard let key = key(hex: text) else {
        throw CutoverError.usage("\(keyVariable) must be 64 hex digits (a 256-bit key), as in \(keyFileName) files")
      }
      return SensitiveDigester(key: key)
    }
    let path = (directory as NSString).appendingPathComponent(keyFileName)
    if let data = FileManager.default.contents(atPath: path) {
      let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
      guard let key = key(hex: text) else {
        throw CutoverError.usage("\(path) must hold 64 hex digits (a 256-bit key); restore it from a backup")
      }
      return SensitiveDigester(key: key)
    }
    let key = SymmetricKey(size: .bits256)
    let text = key.withUnsafeBytes { Self.hex($0) } + "\n"
    do {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      try PrivateFileWriter.write(Data(text.utf8), to: path)
    } catch {
      throw CutoverError.state("cannot write the digest key \(path): \(error)")
    }
    return SensitiveDigester(key: key)
  }

  // MARK: - Digests

  /// The keyed digest of a value: HMAC-SHA256 under the key of the SHA-256 of its canonical encoding.
  public func digest(_ value: Value) -> Value {
    var encoding = CanonicalEncoding()
    encoding.append(value)
    return .string(keyed(sha256Hex: encoding.sha256Hex))
  }

  /// The keyed digest of a whole byte encoding, as a saved plan's desired digest.
  func digest(bytes: [UInt8]) -> String {
    Self.hex(HMAC<SHA256>.authenticationCode(for: bytes, using: key))
  }

  /// The keyed form of content digests (`sha256:<hex>` of a file, as the desired state's loader computes them), one
  /// by one in a list. Anything else (a digest already keyed, a note such as "not known") stays as it is.
  public func keyedContentDigests(_ value: Value) -> Value {
    switch value {
    case .string(let text) where text.hasPrefix("sha256:"): return digest(value)
    case .list(let elements): return .list(elements.map(keyedContentDigests))
    default: return value
    }
  }

  /// Whether `value` is a keyed digest (with any key).
  public static func isDigest(_ value: Value) -> Bool {
    guard let text = value.stringValue, text.hasPrefix(prefix) else { return false }
    let rest = text.utf8.dropFirst(prefix.utf8.count)
    return rest.count == 8 + 1 + 64
      && rest.enumerated().allSatisfy { index, byte in
        index == 8 ? byte == UInt8(ascii: ":") : (48...57).contains(byte) || (97...102).contains(byte)
      }
  }

  /// Whether `value` is a digest made with another key than this one (a key file lost or replaced, another machine's
  /// key): it cannot be compared here.
  public func isForeignDigest(_ value: Value) -> Bool {
    Self.isDigest(value) && value.stringValue?.hasPrefix(Self.prefix + keyID + ":") == false
  }

  /// Digests `value` as ``digest(_:)`` would, unless it is a digest of a value already (a saved plan holds those).
  public func digestUnlessDigested(_ value: Value) -> Value {
    Self.isDigest(value) ? value : digest(value)
  }

  /// The keyed digest that a plain, unkeyed `sha256:<hex>` digest of an older Cutover stands for (the same inner
  /// SHA-256), so a state recorded before keys existed is upgraded without sending anything again; nil when `value`
  /// is not such a digest.
  public func upgrading(legacy value: Value) -> Value? {
    guard let text = value.stringValue, text.hasPrefix("sha256:") else { return nil }
    let hex = String(text.dropFirst("sha256:".count))
    guard hex.utf8.count == 64, hex.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
      return nil
    }
    return .string(keyed(sha256Hex: hex))
  }

  private func keyed(sha256Hex: String) -> String {
    keyedDigests.answer(sha256Hex) { hex in
      let code = HMAC<SHA256>.authenticationCode(for: Data(hex.utf8), using: key)
      return Self.prefix + keyID + ":" + Self.hex(code)
    }
  }

  // MARK: - Hex

  private static func key(hex text: String) -> SymmetricKey? {
    let digits = Array(text.utf8)
    guard digits.count == 64 else { return nil }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(32)
    for index in stride(from: 0, to: 64, by: 2) {
      guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
      bytes.append(high << 4 | low)
    }
    return SymmetricKey(data: bytes)
  }

  private static func nibble(_ digit: UInt8) -> UInt8? {
    switch digit {
    case 48...57: return digit - 48
    case 97...102: return digit - 87
    case 65...70: return digit - 55
    default: return nil
    }
  }

  private static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    FileDigest.hex(bytes: bytes)
  }
}
