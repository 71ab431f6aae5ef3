import Synchronization

// MARK: - MagnumMicroversion

/// A Magnum API microversion such as 1.10 (compared numerically: 1.10 > 1.9).
struct MagnumMicroversion: Comparable, Sendable, CustomStringConvertible {
  var major: Int
  var minor: Int

  /// The lowest version with `POST /clusters/{id}/actions/resize`.
  static let resizeAction = MagnumMicroversion(major: 1, minor: 7)

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

  static func < (lhs: MagnumMicroversion, rhs: MagnumMicroversion) -> Bool {
    (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
  }

  /// The highest version a 406 answer says the server supports: the `OpenStack-API-Maximum-Version` header
  /// (Magnum always sends it; also the older `X-` spelling), else the `[min, max]` range in the error text.
  static func maximumSupported(by error: OpenStackError) -> MagnumMicroversion? {
    for name in ["openstack-api-maximum-version", "x-openstack-api-maximum-version"] {
      if let value = error.responseHeaders[name], let version = MagnumMicroversion(value) { return version }
    }
    if let range = error.message.range(of: #"\[[^\]]*\]"#, options: .regularExpression) {
      let inside = error.message[range].dropFirst().dropLast()
      if let last = inside.split(separator: ",").last, let version = MagnumMicroversion(String(last)) {
        return version
      }
    }
    return nil
  }
}

// MARK: - MagnumVersionState

/// The microversion a ``MagnumClient`` (and its copies) requests, lowered once a server says it supports less,
/// and the version the server last reported using.
final class MagnumVersionState: Sendable {
  private struct State {
    var requested: String
    var reported: MagnumMicroversion?
  }

  private let state: Mutex<State>

  init(requested: String) {
    state = Mutex(State(requested: requested, reported: nil))
  }

  var requested: String { state.withLock { $0.requested } }

  func lower(to version: MagnumMicroversion) {
    state.withLock { $0.requested = version.description }
  }

  func record(reported header: String?) {
    guard let header, let version = MagnumMicroversion(header) else { return }
    state.withLock { $0.reported = version }
  }

  /// The version calls are served at: the requested one, or for `latest` the one the server reported (unknown
  /// until a first answer: nil).
  var effective: MagnumMicroversion? {
    state.withLock { MagnumMicroversion($0.requested) ?? $0.reported }
  }
}
