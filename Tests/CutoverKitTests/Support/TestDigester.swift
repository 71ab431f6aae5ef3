import Crypto
import CutoverKit

extension SensitiveDigester {
  /// A digester over a fixed key, so digests in tests are the same from run to run.
  static let test = SensitiveDigester(key: SymmetricKey(data: [UInt8](repeating: 7, count: 32)))
}
