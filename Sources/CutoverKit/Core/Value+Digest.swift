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
      if let value = result[name], value.stringValue?.hasPrefix("sha256:") != true {
        result[name] = value.sensitiveDigest
      }
    }
    return result
  }
}
