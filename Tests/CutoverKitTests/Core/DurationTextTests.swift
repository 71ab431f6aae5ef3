import CutoverKit
import EnvironmentSettings
import Testing

/// One way of writing a length of time, with the same units in the file, the options and the environment.
@Suite("DurationText")
struct DurationTextTests {
  @Test(
    "a number and a unit, s, m, h or d, or a sum of them, or 0",
    arguments: [
      ("0", 0), ("45s", 45), ("90m", 5400), ("24h", 86_400), ("2d", 172_800), ("1h30m", 5400), ("1d12h", 129_600),
    ])
  func reads(text: String, seconds: Int) {
    #expect(DurationText(parsing: text)?.seconds == seconds)
  }

  @Test(
    "a number without a unit, an unknown unit, a unit alone, a sign, a space or an overflow is not a duration",
    arguments: ["", "45", "5w", "h", "1h30", "-5m", "1 h", "24H", "9999999999h", "99999999d"])
  func refuses(text: String) {
    #expect(DurationText(parsing: text) == nil)
  }

  @Test("the lock's time to live takes the same durations as the file and --grace, a bare number being seconds")
  func lockTTL() throws {
    #expect(try LockHolder.ttl(environment: ["CUTOVER_LOCK_TTL_SECONDS": "2m"]) == 120)
    #expect(try LockHolder.ttl(environment: ["CUTOVER_LOCK_TTL_SECONDS": "1h"]) == 3600)
    #expect(try LockHolder.ttl(environment: ["CUTOVER_LOCK_TTL_SECONDS": "90"]) == 90)
    #expect(throws: EnvironmentSettingError.self) {
      try LockHolder.ttl(environment: ["CUTOVER_LOCK_TTL_SECONDS": "2d"])
    }
  }
}
