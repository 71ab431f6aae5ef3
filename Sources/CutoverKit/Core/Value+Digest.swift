extension Value {
  /// `sha256:<hex>` of the value's canonical encoding: equal values (maps in any key order) give equal digests. For
  /// comparisons in memory only; what may hold a secret is recorded and shown through ``SensitiveDigester``.
  public var sha256Digest: String {
    var encoding = CanonicalEncoding()
    encoding.append(self)
    return "sha256:" + encoding.sha256Hex
  }
}
