import Foundation

/// A Nova API microversion (`2.64`), negotiated through `OpenStack-API-Version: compute X.Y` or the older
/// `X-OpenStack-Nova-API-Version: X.Y`.
struct ComputeMicroversion: Comparable, Sendable, CustomStringConvertible {
  var major: Int
  var minor: Int

  static let minimum = ComputeMicroversion(major: 2, minor: 1)
  static let maximum = ComputeMicroversion(major: 2, minor: 96)
  /// The first microversion with `project_id` and `user_id` in a server group.
  static let serverGroupOwner = ComputeMicroversion(major: 2, minor: 13)
  /// The first microversion accepting the `soft-affinity` and `soft-anti-affinity` policies.
  static let softPolicies = ComputeMicroversion(major: 2, minor: 15)
  /// The first microversion where a server group has one `policy` and `rules` instead of `policies`.
  static let singlePolicy = ComputeMicroversion(major: 2, minor: 64)
  /// The service name Nova uses in microversion headers.
  static let serviceName = "compute"

  static func < (lhs: ComputeMicroversion, rhs: ComputeMicroversion) -> Bool {
    (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
  }

  var description: String { "\(major).\(minor)" }

  /// The `OpenStack-API-Version` value announcing this version (`compute 2.64`).
  var headerValue: String { "\(Self.serviceName) \(self)" }

  // MARK: - Negotiation

  /// Why a requested version cannot be served.
  enum NegotiationFailure: Error, Equatable {
    /// The version could not be parsed (400).
    case malformed(String)
    /// The version is outside what the service supports (406).
    case unsupported(ComputeMicroversion)
  }

  /// The version a request asks for: the `compute` entry of `OpenStack-API-Version`, else the legacy header;
  /// none → 2.1, `latest` → the maximum, else the given `X.Y` if supported.
  static func negotiate(header: String?, legacyHeader: String?) -> Result<ComputeMicroversion, NegotiationFailure> {
    var requested: String?
    for entry in (header ?? "").split(separator: ",") {
      let words = entry.split(whereSeparator: \.isWhitespace)
      guard let service = words.first, service.lowercased() == serviceName else { continue }
      guard words.count == 2 else { return .failure(.malformed(String(entry))) }
      requested = String(words[1])
      break
    }
    guard let text = (requested ?? legacyHeader)?.trimmingCharacters(in: .whitespaces).lowercased() else {
      return .success(.minimum)
    }
    if text == "latest" { return .success(.maximum) }
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]), major >= 0, minor >= 0 else {
      return .failure(.malformed(text))
    }
    let version = ComputeMicroversion(major: major, minor: minor)
    guard version >= minimum, version <= maximum else { return .failure(.unsupported(version)) }
    return .success(version)
  }
}
