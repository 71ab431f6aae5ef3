import Foundation

/// Decides which Helm `set:` values are secrets, so command lines in logs, plans and the journal show
/// `(sensitive)` in their place. The patterns live here and nowhere else.
///
/// A key is sensitive when the operator lists it under the release's `sensitive:` (the key itself, or a parent of
/// it: listing `hub` covers `hub.cookieSecret`), or when the last component of its path looks like a secret's
/// name. Erring towards hiding costs a less informative log line; erring the other way leaks a credential into a
/// journal that is kept for years, so the name patterns are broad.
public struct SensitiveValuePolicy: Sendable, Equatable {
  /// What a hidden value prints as.
  public static let placeholder = "(sensitive)"

  /// Fragments that make a key sensitive wherever they occur in its last component, case-insensitively:
  /// `adminPassword`, `cookie_secret`, `secretToken`, `apiKey`, `privateKey`, `client-credentials`.
  public static let secretFragments = [
    "password", "passwd", "secret", "token", "credential", "apikey", "privatekey", "accesskey", "passphrase",
  ]
  /// Words that make a key sensitive when they are a whole word of its last component (words split at `-`, `_`
  /// and lower-to-upper case changes): `key`, `tls.key`, `sshKey`, `signing-keys`, but not `keyboard` or `monkey`.
  public static let secretWords: Set<String> = ["key", "keys", "pass", "pwd"]

  /// The keys the operator listed as sensitive, as written in the desired state (dotted Helm paths).
  public var listedKeys: [String]

  public init(listedKeys: [String] = []) {
    self.listedKeys = listedKeys
  }

  /// Whether the value at this dotted Helm path (`hub.config.JupyterHub.cookie_secret`) must not be printed.
  public func isSensitive(_ key: String) -> Bool {
    let path = HelmValuePath.components(of: key)
    for listed in listedKeys {
      let listedPath = HelmValuePath.components(of: listed)
      if !listedPath.isEmpty, path.starts(with: listedPath) { return true }
    }
    guard let last = path.last else { return false }
    return Self.looksSecret(last)
  }

  /// Whether a single key name (no dots) looks like a secret's name.
  public static func looksSecret(_ name: String) -> Bool {
    secretNames.answer(name) { name in
      let lowered = name.lowercased()
      if secretFragments.contains(where: { lowered.contains($0) }) { return true }
      return words(of: name).contains { secretWords.contains($0) }
    }
  }

  private static let secretNames = Memo<String, Bool>()

  /// The words of a key: split at `-`, `_`, `.`, spaces and where a lower-case letter or digit meets an upper-case
  /// one; lower-cased.
  static func words(of name: String) -> [String] {
    var words: [String] = []
    var current = ""
    var previous: Character?
    for character in name {
      if character == "-" || character == "_" || character == "." || character == " " {
        if !current.isEmpty { words.append(current) }
        current = ""
      } else {
        if character.isUppercase, let previous, previous.isLowercase || previous.isNumber, !current.isEmpty {
          words.append(current)
          current = ""
        }
        current.append(character)
      }
      previous = character
    }
    if !current.isEmpty { words.append(current) }
    return words.map { $0.lowercased() }
  }

  // MARK: - Redaction

  /// The value as it may be printed for `key`: the placeholder when the key is sensitive, otherwise the value with
  /// any sensitive entries nested inside it (a map given whole, `hub: {cookieSecret: …}`) replaced.
  public func redacted(_ value: Value, at key: String) -> Value {
    if isSensitive(key) { return .string(Self.placeholder) }
    switch value {
    case .map(let map):
      var redacted: [String: Value] = [:]
      for (name, inner) in map {
        redacted[name] = self.redacted(inner, at: key + "." + HelmValuePath.escape(name))
      }
      return .map(redacted)
    case .list(let list):
      return .list(list.enumerated().map { index, inner in redacted(inner, at: "\(key)[\(index)]") })
    default:
      return value
    }
  }

  /// The text of every sensitive scalar in these `set:` values, so output that happens to echo one (an error
  /// quoting a value it rejected) can be scrubbed. Short texts are left out: hiding every `"1"` in a log would
  /// mangle it and protect nothing.
  public func secretTexts(in set: [String: Value]) -> [String] {
    var texts: Set<String> = []
    func collect(_ value: Value, at key: String, inherited: Bool) {
      let hidden = inherited || isSensitive(key)
      switch value {
      case .map(let map):
        for (name, inner) in map { collect(inner, at: key + "." + HelmValuePath.escape(name), inherited: hidden) }
      case .list(let list):
        for (index, inner) in list.enumerated() { collect(inner, at: "\(key)[\(index)]", inherited: hidden) }
      case .string(let text) where hidden && text.count >= 4:
        texts.insert(text)
      case .int(let number) where hidden && String(number).count >= 4:
        texts.insert(String(number))
      case .double(let number) where hidden && Value.numberText(number).count >= 4:
        texts.insert(Value.numberText(number))
      default:
        break
      }
    }
    for (key, value) in set { collect(value, at: key, inherited: false) }
    return texts.sorted { $0.count > $1.count || ($0.count == $1.count && $0 < $1) }
  }

  /// Replaces each of `secrets` in `text` with the placeholder, longest first so a secret containing another is
  /// hidden whole.
  public static func scrub(_ text: String, secrets: [String]) -> String {
    var scrubbed = text
    for secret in secrets.sorted(by: { $0.count > $1.count }) where !secret.isEmpty {
      scrubbed = scrubbed.replacingOccurrences(of: secret, with: placeholder)
    }
    return scrubbed
  }
}
