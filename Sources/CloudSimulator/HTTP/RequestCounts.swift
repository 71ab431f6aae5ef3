import Foundation
import Hummingbird
import Synchronization

/// How many requests the simulator answered, by method and route: `GET /magnum/v1/clusters/{id}`. Ids in a path
/// (UUIDs, hex ids, numbers, a web proxy's domain, a Kubernetes namespace's object) become `{id}`, so the counts say
/// how a client uses the API, not which objects it touched. Read through `GET /_simulator/requests` (JSON, not itself
/// counted; `DELETE` resets) and, for a `--simulate` run with `CUTOVER_SIMULATOR_STATS=1`, a line at its end.
public final class RequestCounts: Sendable {
  /// The path of the endpoint that reports the counts.
  public static let endpointPath = "/_simulator/requests"

  private let counts = Mutex<[String: Int]>([:])

  public init() {}

  func record(method: String, path: String) {
    let route = method + " " + Self.route(of: path)
    counts.withLock { $0[route, default: 0] += 1 }
  }

  /// The counts so far, by route.
  public var snapshot: [String: Int] { counts.withLock { $0 } }

  /// Every request so far.
  public var total: Int { snapshot.values.reduce(0, +) }

  public func reset() { counts.withLock { $0 = [:] } }

  /// `N requests: GET /magnum/v1/clusters/detail 2, …`, the most used routes first.
  public var summary: String {
    let counts = snapshot
    let routes = counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.key) \($0.value)" }
    return "\(counts.values.reduce(0, +)) requests" + (routes.isEmpty ? "" : ": " + routes.joined(separator: ", "))
  }

  /// The path with the segments that name one object replaced by `{id}`.
  static func route(of path: String) -> String {
    let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    // Segments after a collection whose objects the user names: a proxy's domain, a release's namespace and name, a
    // manifest's name.
    let named = ["mapping": 1, "releases": 2, "manifests": 1]
    var pending = 0
    let routed = segments.map { segment -> String in
      if segment.isEmpty { return segment }
      if pending > 0 {
        pending -= 1
        return "{id}"
      }
      pending = named[segment] ?? 0
      if segment.hasPrefix("AUTH_") { return "AUTH_{project}" }
      return isIdentifier(segment) ? "{id}" : segment
    }
    return routed.joined(separator: "/")
  }

  private static let hexCharacters = CharacterSet(charactersIn: "0123456789abcdefABCDEF-")

  private static func isIdentifier(_ segment: String) -> Bool {
    if segment.count >= 8, segment.unicodeScalars.allSatisfy({ hexCharacters.contains($0) }),
      segment.contains(where: \.isNumber)
    {
      return true
    }
    return segment.allSatisfy(\.isNumber)
  }
}
