/// A Magnum API microversion (`1.10`), negotiated through `OpenStack-API-Version: container-infra X.Y`.
struct Microversion: Comparable, Sendable, CustomStringConvertible {
  var major: Int
  var minor: Int

  static let minimum = Microversion(major: 1, minor: 1)
  static let maximum = Microversion(major: 1, minor: 10)
  /// The first microversion with `POST /clusters/{id}/actions/resize`.
  static let resize = Microversion(major: 1, minor: 7)
  /// The service name Magnum uses in microversion headers.
  static let serviceName = "container-infra"

  static func < (lhs: Microversion, rhs: Microversion) -> Bool {
    (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
  }

  var description: String { "\(major).\(minor)" }

  /// The header value announcing this version (`container-infra 1.10`).
  var headerValue: String { "\(Self.serviceName) \(self)" }

  // MARK: - Negotiation

  /// Why a requested version cannot be served.
  enum NegotiationFailure: Error, Equatable {
    /// The header could not be parsed (400).
    case malformed(String)
    /// The version is outside what the service supports (406).
    case unsupported(Microversion)
  }

  /// The version a request asks for: none → 1.1, `latest` → the maximum, else the given `X.Y` if supported.
  /// The header may name several services (`compute 2.1, container-infra 1.5`); only ours counts.
  static func negotiate(header: String?) -> Result<Microversion, NegotiationFailure> {
    guard let header else { return .success(.minimum) }
    for entry in header.split(separator: ",") {
      let words = entry.split(whereSeparator: \.isWhitespace)
      guard let service = words.first, service.lowercased() == serviceName else { continue }
      guard words.count == 2 else { return .failure(.malformed(header)) }
      let requested = words[1].lowercased()
      if requested == "latest" { return .success(.maximum) }
      let parts = requested.split(separator: ".", omittingEmptySubsequences: false)
      guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]), major >= 0, minor >= 0 else {
        return .failure(.malformed(header))
      }
      let version = Microversion(major: major, minor: minor)
      guard version >= minimum, version <= maximum else { return .failure(.unsupported(version)) }
      return .success(version)
    }
    return .success(.minimum)
  }
}
