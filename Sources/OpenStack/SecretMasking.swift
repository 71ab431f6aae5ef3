import Foundation

/// Masks secrets in text meant for people (error messages, logs, a journal), in every form a server or a tool may
/// echo them back: as they are, and JSON-escaped (`\/`, `\"`, `\\`, `\n`, `\u00e9`, a surrogate pair `\ud83d\udd11`),
/// once or more (JSON quoted inside JSON), in any mix and either hex case.
public enum SecretMasking {
  /// `text` with every occurrence of each secret, in any of its forms, replaced by `replacement`; longer secrets
  /// first, so a secret containing another is masked whole. Empty secrets are ignored.
  public static func mask(_ text: String, secrets: [String], with replacement: String) -> String {
    var masked = text
    for secret in Set(secrets).sorted(by: { $0.count > $1.count || ($0.count == $1.count && $0 < $1) })
    where !secret.isEmpty {
      // Every character of the pattern is escaped, so it always compiles; should it not, the literal form is
      // still masked.
      guard let expression = try? NSRegularExpression(pattern: pattern(for: secret)) else {
        masked = masked.replacingOccurrences(of: secret, with: replacement)
        continue
      }
      let range = NSRange(masked.startIndex..., in: masked)
      masked = expression.stringByReplacingMatches(
        in: masked, range: range, withTemplate: NSRegularExpression.escapedTemplate(for: replacement))
    }
    return masked
  }

  /// A pattern matching the secret with each character either as it is or as one of its JSON escapes, each
  /// escape's backslash possibly doubled any number of times (the text was escaped more than once).
  static func pattern(for secret: String) -> String {
    secret.unicodeScalars.map { scalar in
      var forms = [#"\\*"# + NSRegularExpression.escapedPattern(for: String(scalar))]
      let units = String(scalar).utf16.map { #"\\+u"# + hexPattern($0) }
      forms.append(units.joined())
      if let short = shortEscapes[scalar] { forms.append(#"\\+"# + short) }
      return "(?:" + forms.joined(separator: "|") + ")"
    }.joined()
  }

  /// The one-letter JSON escapes of control characters.
  private static let shortEscapes: [Unicode.Scalar: String] = [
    "\u{08}": "b", "\u{0C}": "f", "\n": "n", "\r": "r", "\t": "t",
  ]

  /// Four hex digits of a UTF-16 code unit, matching either case.
  private static func hexPattern(_ unit: UInt16) -> String {
    let digits = String(unit, radix: 16)
    return String(repeating: "0", count: 4 - digits.count).appending(digits).map { digit in
      digit.isLetter ? "[\(digit)\(digit.uppercased())]" : String(digit)
    }.joined()
  }
}
