import Foundation

/// A `major.minor.patch` version of helm or kubectl, compared numerically so `v3.9.4` sorts before `v3.10.0`.
///
/// Build metadata and pre-release suffixes (`+g81c902a`, `-rc.1`, `-gke.100`) are read past: the checks Cutover
/// makes are about which flags a release line has, which the three numbers decide.
public struct ToolVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var major: Int
  public var minor: Int
  public var patch: Int

  public init(_ major: Int, _ minor: Int, _ patch: Int = 0) {
    self.major = major
    self.minor = minor
    self.patch = patch
  }

  /// Reads the first version in a text: `v3.14.4`, `v3.14.4+g81c902a`, `3.10`, or the `Version:"v3.14.4"` inside
  /// helm's long `version.BuildInfo{…}` form. `nil` when the text holds no `N.N` at all.
  public init?(parsing text: String) {
    let scalars = Array(text.unicodeScalars)
    var index = 0
    while index < scalars.count {
      // A version starts at a digit that does not continue a word or a number: `go1.22.8` holds none, and its
      // `22.8` is not one either.
      let previous = index > 0 ? scalars[index - 1] : " "
      let startsWord = previous == "v" || !(CharacterSet.alphanumerics.contains(previous) || previous == ".")
      if startsWord, CharacterSet.decimalDigits.contains(scalars[index]),
        let (version, _) = Self.numbers(in: scalars, from: index)
      {
        self = version
        return
      }
      index += 1
    }
    return nil
  }

  /// Reads `N.N[.N]` at `start`, returning the version and the index after it.
  private static func numbers(in scalars: [Unicode.Scalar], from start: Int) -> (ToolVersion, Int)? {
    var parts: [Int] = []
    var index = start
    while parts.count < 3 {
      var digits = ""
      while index < scalars.count, CharacterSet.decimalDigits.contains(scalars[index]), digits.count < 9 {
        digits.unicodeScalars.append(scalars[index])
        index += 1
      }
      guard let number = Int(digits) else { break }
      parts.append(number)
      guard parts.count < 3, index + 1 < scalars.count, scalars[index] == ".",
        CharacterSet.decimalDigits.contains(scalars[index + 1])
      else { break }
      index += 1
    }
    guard parts.count >= 2 else { return nil }
    return (ToolVersion(parts[0], parts[1], parts.count > 2 ? parts[2] : 0), index)
  }

  /// `v3.14.4`, the form helm and kubectl print.
  public var description: String { "v\(major).\(minor).\(patch)" }

  public static func < (lhs: ToolVersion, rhs: ToolVersion) -> Bool {
    (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
  }
}
