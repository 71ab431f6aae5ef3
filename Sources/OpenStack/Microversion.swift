import Synchronization

// MARK: - Microversion

/// An OpenStack API microversion such as 1.10 or 2.64 (compared numerically: 1.10 > 1.9).
struct Microversion: Comparable, Sendable, CustomStringConvertible {
  var major: Int
  var minor: Int

  init(major: Int, minor: Int) {
    self.major = major
    self.minor = minor
  }

  /// Parses `1.10` or a header value such as `container-infra 1.10` (the last `N.N` word); nil for `latest` or
  /// anything else.
  init?(_ text: String) {
    guard let word = text.split(whereSeparator: \.isWhitespace).last else { return nil }
    let parts = word.split(separator: ".")
    guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
    self.init(major: major, minor: minor)
  }

  var description: String { "\(major).\(minor)" }

  static func < (lhs: Microversion, rhs: Microversion) -> Bool {
    (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
  }

  /// The highest version a 406 answer says the server supports: the `OpenStack-API-Maximum-Version` header (also
  /// the older `X-` spelling), else a `[min, max]` range or "maximum is X.Y" in the error text.
  static func maximumSupported(by error: OpenStackError) -> Microversion? {
    for name in ["openstack-api-maximum-version", "x-openstack-api-maximum-version"] {
      if let value = error.responseHeaders[name], let version = Microversion(value) { return version }
    }
    if let range = error.message.range(of: #"\[[^\]]*\]"#, options: .regularExpression) {
      let inside = error.message[range].dropFirst().dropLast()
      if let last = inside.split(separator: ",").last, let version = Microversion(String(last)) {
        return version
      }
    }
    if let range = error.message.range(
      of: #"maximum is \d+\.\d+"#, options: [.regularExpression, .caseInsensitive])
    {
      return Microversion(String(error.message[range]))
    }
    return nil
  }
}

// MARK: - MicroversionNegotiation

/// How a client of one microversioned service (Magnum's `container-infra`, Nova's `compute`) picks the version it
/// asks for: the requested one, lowered once when the server answers 406 with a lower maximum, and kept by the
/// client and its copies; the version the server last reported is remembered for a client that asked for `latest`.
///
/// The server's maximum is read from the 406 (see ``Microversion/maximumSupported(by:)``). When it names none, the
/// call is repeated at `fallback` if the service has one (Nova); else (Magnum) no version is guessed and the 406 is
/// thrown, as it is when the maximum is not lower than what was asked.
final class MicroversionNegotiation: Sendable {
  private struct State {
    var requested: String
    var reported: Microversion?
  }

  /// The service word of `OpenStack-API-Version`, such as `compute`.
  let service: String
  /// The service's own older header, sent beside the standard one and read back (Nova's
  /// `X-OpenStack-Nova-API-Version`).
  let legacyHeader: String?
  /// The version tried after a 406 that names no maximum; nil to throw that 406.
  let fallback: Microversion?
  private let state: Mutex<State>

  init(service: String, requested: String, legacyHeader: String? = nil, fallback: Microversion? = nil) {
    self.service = service
    self.legacyHeader = legacyHeader
    self.fallback = fallback
    state = Mutex(State(requested: requested, reported: nil))
  }

  /// The version asked for now.
  var requested: String { state.withLock { $0.requested } }

  /// The version calls are served at: the requested one, or for `latest` the one the server reported (unknown
  /// until a first answer: nil).
  var effective: Microversion? {
    state.withLock { Microversion($0.requested) ?? $0.reported }
  }

  /// The request headers that ask for `version`.
  func headers(for version: String) -> [(String, String)] {
    [("OpenStack-API-Version", "\(service) \(version)")] + (legacyHeader.map { [($0, version)] } ?? [])
  }

  /// Notes the version an answer says it was served at.
  func record(_ response: HTTPResponse) {
    let header = response.header("openstack-api-version") ?? legacyHeader.flatMap(response.header)
    guard let header, let version = Microversion(header) else { return }
    state.withLock { $0.reported = version }
  }

  /// Makes one call through `attempt` (given the version to ask for and the version it is served at, nil while
  /// unknown), and once more at a lower version after a 406 that allows one.
  func negotiate<Result>(
    _ attempt: (_ version: String, _ served: Microversion?) async throws -> Result
  ) async throws -> Result {
    let requested = self.requested
    do {
      return try await attempt(requested, effective)
    } catch let error as OpenStackError where error.status == 406 {
      guard let supported = Microversion.maximumSupported(by: error) ?? fallback,
        Microversion(requested).map({ supported < $0 }) ?? true
      else { throw error }
      state.withLock { $0.requested = supported.description }
      return try await attempt(supported.description, supported)
    }
  }
}
