extension Value {
  /// What state records instead of a sensitive value: `sha256:<hex>` of its canonical encoding. Enough to notice a
  /// change, never enough to print the value.
  public var sensitiveDigest: Value {
    var encoding = CanonicalEncoding()
    encoding.append(self)
    return .string("sha256:" + encoding.sha256Hex)
  }
}

extension ResourceSchema {
  /// The attributes as state may record them: each sensitive value replaced by its digest.
  public func recordable(_ attributes: Attributes) -> Attributes {
    let sensitive = sensitiveNames
    guard !sensitive.isEmpty else { return attributes }
    var result = attributes
    for name in sensitive {
      if let value = result[name], !Self.isDigest(value) {
        result[name] = value.sensitiveDigest
      }
    }
    return result
  }

  /// Whether a value is already a digest (`sha256:` and 64 lower-case hex digits): a saved plan carries digests, and
  /// a digest of a digest would never match. A short secret that merely starts with `sha256:` is not one.
  static func isDigest(_ value: Value) -> Bool {
    guard let text = value.stringValue, text.hasPrefix("sha256:") else { return false }
    let hex = text.utf8.dropFirst(7)
    return hex.count == 64 && hex.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
  }
}
