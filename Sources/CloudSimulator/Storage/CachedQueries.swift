import GRDB

/// Queries a request makes every time (a lookup by key, the purges before each transaction) run from statements the
/// connection compiled once: compiling one, with GRDB's authorizer over every column, cost more than running it.
extension FetchableRecord {
  static func fetchAll(_ db: Database, cached sql: String, _ arguments: StatementArguments) throws -> [Self] {
    try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
  }

  static func fetchOne(_ db: Database, cached sql: String, _ arguments: StatementArguments) throws -> Self? {
    try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
  }
}
