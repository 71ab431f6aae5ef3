import Foundation

/// Reads Cutover's settings from environment variables: each within its bounds, or an ``EnvironmentSettingError``
/// naming the variable, the value found and what it accepts.
///
/// One reader for every variable, so that none is parsed by hand: `CUTOVER_LOCK_TTL_SECONDS=inf` once reached a
/// `Duration` conversion and crashed the process. An unset or blank variable is the default (nil here); surrounding
/// blanks are ignored.
public struct EnvironmentSettings: Sendable {
  /// The variables read, by name.
  public let environment: [String: String]

  public init(_ environment: [String: String] = ProcessInfo.processInfo.environment) {
    self.environment = environment
  }

  /// The variable's text without surrounding blanks; nil when it is unset or blank.
  public func text(_ name: String) -> String? {
    guard let raw = environment[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
    return raw
  }

  /// A finite decimal number within `range`.
  /// - Parameter unit: what the number counts, in the plural (`seconds`), or nil for a plain number; the error reads
  ///   "a number of seconds from 1 to 86400".
  /// - Throws: ``EnvironmentSettingError`` when the text is not such a number.
  public func number(
    _ name: String, in range: ClosedRange<Double>, unit: String? = nil
  ) throws(EnvironmentSettingError) -> Double? {
    try number(name, in: range, expectation: Self.expectation(unit.map { "a number of \($0)" } ?? "a number", range))
  }

  /// A length of time within `range` (in seconds): a plain number of seconds (`15`, `2.5`), or a ``DurationText``
  /// (`90s`, `2m`, `1h`).
  public func duration(_ name: String, in range: ClosedRange<Double>) throws(EnvironmentSettingError) -> Double? {
    guard let raw = text(name) else { return nil }
    let expectation = Self.expectation("a number of seconds (or a duration such as 2m)", range)
    do throws(EnvironmentSettingError) {
      return try number(name, in: range, expectation: expectation)
    } catch {
      guard let duration = DurationText(parsing: raw), range.contains(Double(duration.seconds)) else { throw error }
      return Double(duration.seconds)
    }
  }

  /// A fraction from 0 to 1, such as a rate of injected faults.
  public func fraction(_ name: String) throws(EnvironmentSettingError) -> Double? {
    try number(name, in: 0...1, expectation: "a fraction from 0 to 1")
  }

  /// A whole number within `range`.
  /// - Parameter meaning: what the number is (`a port`), for the error; `a whole number` when nil.
  public func integer(
    _ name: String, in range: ClosedRange<Int>, meaning: String? = nil
  ) throws(EnvironmentSettingError) -> Int? {
    guard let raw = text(name) else { return nil }
    let expectation = Self.expectation(meaning ?? "a whole number", range)
    guard let value = Int(raw), range.contains(value) else {
      throw EnvironmentSettingError(variable: name, value: raw, expectation: expectation)
    }
    return value
  }

  /// One of a fixed list of words, compared without regard to case; returned as listed.
  public func choice(_ name: String, from choices: [String]) throws(EnvironmentSettingError) -> String? {
    guard let raw = text(name) else { return nil }
    guard let choice = choices.first(where: { $0.caseInsensitiveCompare(raw) == .orderedSame }) else {
      throw EnvironmentSettingError(
        variable: name, value: raw, expectation: "one of " + choices.joined(separator: ", "))
    }
    return choice
  }

  /// Comma-separated names, blanks dropped.
  public func names(_ name: String) -> Set<String>? {
    guard let raw = text(name) else { return nil }
    return Set(raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
  }

  private func number(
    _ name: String, in range: ClosedRange<Double>, expectation: String
  ) throws(EnvironmentSettingError) -> Double? {
    guard let raw = text(name) else { return nil }
    // `Double("inf")`, `Double("nan")` and `Double("0x1p3")` all parse; only plain finite decimals are settings.
    guard raw.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }), let value = Double(raw),
      value.isFinite, range.contains(value)
    else {
      throw EnvironmentSettingError(variable: name, value: raw, expectation: expectation)
    }
    return value
  }

  private static func expectation<Bound: Comparable & CustomStringConvertible>(
    _ what: String, _ range: ClosedRange<Bound>
  ) -> String {
    "\(what) from \(Self.bound(range.lowerBound)) to \(Self.bound(range.upperBound))"
  }

  /// `86400`, not `86400.0`.
  private static func bound(_ value: some CustomStringConvertible) -> String {
    let text = value.description
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
  }
}

/// An environment variable holds a value Cutover cannot use. The command stops before doing anything, with exit 64
/// (a usage error: the variable is part of how the command was invoked).
public struct EnvironmentSettingError: Error, Sendable, Equatable, LocalizedError, CustomStringConvertible {
  /// The variable, such as `CUTOVER_LOCK_TTL_SECONDS`.
  public var variable: String
  /// The text found.
  public var value: String
  /// What the variable accepts: "a number of seconds from 1 to 86400".
  public var expectation: String

  /// The exit code of a command stopped by a bad setting.
  public static let exitCode: Int32 = 64

  public init(variable: String, value: String, expectation: String) {
    self.variable = variable
    self.value = value
    self.expectation = expectation
  }

  public var description: String {
    "\(variable) must be \(expectation), found \(Self.quoted(value))"
  }

  public var errorDescription: String? { description }

  /// The value in double quotes, control characters escaped, so the message stays on one line.
  private static func quoted(_ text: String) -> String {
    var quoted = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": quoted += "\\\""
      case "\\": quoted += "\\\\"
      case "\n": quoted += "\\n"
      case _ where scalar.properties.generalCategory == .control: quoted += "\\u{\(String(scalar.value, radix: 16))}"
      default: quoted.unicodeScalars.append(scalar)
      }
    }
    return quoted + "\""
  }
}
