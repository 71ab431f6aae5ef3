/// A length of time as Cutover's files, options and settings write it, with the same units everywhere: a whole
/// number and a unit, `s`, `m`, `h` or `d`, or a sum of them (`1h30m`), or `0`. Used by a cluster's
/// `create_timeout`, a release's `timeout`, `generation retire --grace` and `CUTOVER_LOCK_TTL_SECONDS`.
public struct DurationText: Sendable, Equatable {
  /// Seconds in each unit.
  public static let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
  /// The most a duration may be, so no sum overflows: about 68 years.
  public static let maximumSeconds = Int(Int32.max)

  public let seconds: Int

  public init(seconds: Int) {
    self.seconds = seconds
  }

  /// Reads `text`; nil when it is not a duration (a number without a unit, an unknown unit, a unit without a number,
  /// or more than ``maximumSeconds``).
  public init?(parsing text: String) {
    if text == "0" {
      self.init(seconds: 0)
      return
    }
    var total = 0
    var digits = ""
    for character in text {
      if character.isASCII, character.isNumber {
        digits.append(character)
      } else if let unit = Self.units[character], digits.count <= 9, let amount = Int(digits) {
        total += amount * unit
        guard total <= Self.maximumSeconds else { return nil }
        digits = ""
      } else {
        return nil
      }
    }
    guard digits.isEmpty, !text.isEmpty else { return nil }
    self.init(seconds: total)
  }
}
