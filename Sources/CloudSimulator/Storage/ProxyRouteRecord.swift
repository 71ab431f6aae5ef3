import Foundation
import GRDB

/// A web-proxy route of a project: a domain and the backend URLs it forwards to, in order.
struct ProxyRouteRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "proxyRoute"

  var project: String
  var domain: String
  var backends: [String]
  var createdAt: Double
}

// MARK: - Queries

extension ProxyRouteRecord {
  static func all(project: String, in db: Database) throws -> [ProxyRouteRecord] {
    try ProxyRouteRecord.filter(Column("project") == project).order(Column("createdAt"), Column.rowID).fetchAll(db)
  }

  static func find(project: String, domain: String, in db: Database) throws -> ProxyRouteRecord? {
    try ProxyRouteRecord.fetchOne(db, key: ["project": project, "domain": domain])
  }

  /// Drops every backend whose host is one of `hosts`; a route left without backends is deleted.
  static func scrubBackends(onHosts hosts: Set<String>, in db: Database) throws {
    guard !hosts.isEmpty else { return }
    for var route in try ProxyRouteRecord.fetchAll(db) {
      let kept = route.backends.filter { backend in
        guard let host = URLComponents(string: backend)?.host else { return true }
        return !hosts.contains(host)
      }
      guard kept.count != route.backends.count else { continue }
      if kept.isEmpty {
        try route.delete(db)
      } else {
        route.backends = kept
        try route.update(db)
      }
    }
  }
}
