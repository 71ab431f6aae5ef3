/// Validates the host the simulator may listen on: loopback only (127.0.0.0/8 or ::1), so a simulated cloud
/// is never reachable from another machine.
enum LoopbackHost {
  /// The literal address to bind for `host`, or nil when `host` is not a loopback address.
  /// `localhost` binds 127.0.0.1.
  static func bindAddress(for host: String) -> String? {
    let trimmed = host.trimmingBrackets()
    if trimmed.lowercased() == "localhost" { return "127.0.0.1" }
    if isIPv6Loopback(trimmed) { return "::1" }
    let octets = trimmed.split(separator: ".", omittingEmptySubsequences: false)
    guard octets.count == 4 else { return nil }
    let values = octets.compactMap { octet -> Int? in
      let isDecimal = !octet.isEmpty && octet.count <= 3 && octet.allSatisfy { $0.isASCII && $0.isNumber }
      guard isDecimal, let value = Int(octet), value <= 255 else { return nil }
      return value
    }
    guard values.count == 4, values[0] == 127 else { return nil }
    return values.map(String.init).joined(separator: ".")
  }

  private static func isIPv6Loopback(_ host: String) -> Bool {
    let lowered = host.lowercased()
    return lowered == "::1" || lowered == "0:0:0:0:0:0:0:1"
  }
}

// MARK: - Brackets

extension String {
  fileprivate func trimmingBrackets() -> String {
    guard hasPrefix("["), hasSuffix("]"), count >= 2 else { return self }
    return String(dropFirst().dropLast())
  }
}
