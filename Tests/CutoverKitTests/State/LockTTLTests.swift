import CutoverKit
import Foundation
import Testing

/// `CUTOVER_LOCK_TTL_SECONDS`: the state lock's time to live, bounded, with an error naming the variable.
@Suite("State store: lock time to live")
struct LockTTLTests {
  @Test("unset, it is 60 seconds; set, it is the number of seconds given")
  func values() throws {
    #expect(try LockHolder.ttl(environment: [:]) == 60)
    #expect(try LockHolder.ttl(environment: ["CUTOVER_LOCK_TTL_SECONDS": "15"]) == 15)
    #expect(try LockHolder.ttl(environment: ["CUTOVER_LOCK_TTL_SECONDS": "2.5"]) == 2.5)
  }

  @Test(
    "a value that is not a number of seconds within the bounds is an error naming the variable and the range",
    arguments: ["inf", "1e300", "nan", "0", "-5", "soon", "86401"])
  func outOfBounds(text: String) {
    let error = #expect(throws: (any Error).self) {
      _ = try LockHolder.ttl(environment: ["CUTOVER_LOCK_TTL_SECONDS": text])
    }
    let message = error.map { "\($0)" } ?? ""
    #expect(message.contains("CUTOVER_LOCK_TTL_SECONDS"), "\(message)")
    #expect(message.contains("from 1 to 86400"), "\(message)")
    #expect(message.contains("\"\(text)\""), "\(message)")
  }
}
