import Foundation
import PostgresNIO

/// Past applies, switches, verifications and publications.
extension PostgreSQLStateStore: StateHistory {
  public func history() throws -> [ApplyRecord] {
    let actions = try link.run(
      """
      SELECT \(unescaped: Self.actionColumns("a")) FROM cutover.actions a WHERE a.environment = \(environment)
      ORDER BY a.id
      """
    ).map(Self.action(from:))
    let byApply = Dictionary(grouping: actions, by: \.applyID)
    return try link.run(
      """
      SELECT id, command, user_name, host, pid, started_at, finished_at, serial, summary, outcome, error
      FROM cutover.applies WHERE environment = \(environment) ORDER BY id
      """
    ).map { row in
      let (id, command, user, host, pid, started, finished, serial, summary, outcome, error) = try row.decode(
        (Int64, String, String, String, Int32, Double, Double?, Int64, String, String, String?).self)
      return ApplyRecord(
        id: id, command: command, user: user, host: host, pid: pid, startedAt: Date(timeIntervalSince1970: started),
        finishedAt: finished.map(Date.init(timeIntervalSince1970:)), serial: Int(serial), summary: summary,
        outcome: ApplyRecord.Outcome(rawValue: outcome) ?? .failed, error: error, actions: byApply[id] ?? [])
    }
  }

  @discardableResult
  public func recordSwitch(
    from: String?, to: String, command: String, identity: ProcessIdentity, forced: Bool, at: Date = Date()
  ) throws -> GenerationSwitch {
    try write { transaction in
      let id = try nextID(in: transaction)
      try transaction.change(
        """
        INSERT INTO cutover.switches
          (environment, id, from_generation, to_generation, at, user_name, host, command, forced)
        VALUES (\(environment), \(id), \(from), \(to), \(at.timeIntervalSince1970), \(identity.user),
          \(identity.host), \(command), \(forced))
        """)
      return GenerationSwitch(
        id: id, environment: environment, fromGeneration: from, toGeneration: to,
        at: Date(timeIntervalSince1970: at.timeIntervalSince1970), user: identity.user, host: identity.host,
        command: command, forced: forced)
    }
  }

  public func switches() throws -> [GenerationSwitch] {
    try link.run(
      """
      SELECT id, from_generation, to_generation, at, user_name, host, command, forced FROM cutover.switches
      WHERE environment = \(environment) ORDER BY id
      """
    ).map { row in
      let (id, from, to, at, user, host, command, forced) = try row.decode(
        (Int64, String?, String, Double, String, String, String, Bool).self)
      return GenerationSwitch(
        id: id, environment: environment, fromGeneration: from, toGeneration: to,
        at: Date(timeIntervalSince1970: at), user: user, host: host, command: command, forced: forced)
    }
  }

  /// Records a verification; the serial stays (see ``SQLiteStateStore``).
  @discardableResult
  public func recordVerification(
    generation: String, passed: Bool, checks: [String], command: String, identity: ProcessIdentity, at: Date = Date()
  ) throws -> GenerationVerificationRecord {
    try write(bumpingSerial: false) { transaction in
      let id = try nextID(in: transaction)
      try transaction.change(
        """
        INSERT INTO cutover.verifications
          (environment, id, generation, passed, checks, at, user_name, host, command)
        VALUES (\(environment), \(id), \(generation), \(passed), \(checks.joined(separator: "\n")),
          \(at.timeIntervalSince1970), \(identity.user), \(identity.host), \(command))
        """)
      return GenerationVerificationRecord(
        id: id, generation: generation, passed: passed, checks: checks,
        at: Date(timeIntervalSince1970: at.timeIntervalSince1970), user: identity.user, host: identity.host,
        command: command)
    }
  }

  public func verifications() throws -> [GenerationVerificationRecord] {
    try link.run(
      """
      SELECT id, generation, passed, checks, at, user_name, host, command FROM cutover.verifications
      WHERE environment = \(environment) ORDER BY id
      """
    ).map { row in
      let (id, generation, passed, checks, at, user, host, command) = try row.decode(
        (Int64, String, Bool, String, Double, String, String, String).self)
      return GenerationVerificationRecord(
        id: id, generation: generation, passed: passed,
        checks: checks.isEmpty ? [] : checks.components(separatedBy: "\n"), at: Date(timeIntervalSince1970: at),
        user: user, host: host, command: command)
    }
  }

  // MARK: - Publications

  /// Records an attempt to publish; the serial stays.
  public func recordPublication(_ publication: StatePublication) throws {
    try write(bumpingSerial: false) { transaction in
      let id = try nextID(in: transaction)
      try transaction.change(
        """
        INSERT INTO cutover.publications
          (environment, id, at, user_name, host, command, serial, container, object, published, detail)
        VALUES (\(environment), \(id), \(publication.at.timeIntervalSince1970), \(publication.user),
          \(publication.host), \(publication.command), \(Int64(publication.serial)), \(publication.container),
          \(publication.object), \(publication.published), \(publication.detail))
        """)
    }
  }

  public func publications() throws -> [StatePublication] {
    try link.run(
      """
      SELECT at, user_name, host, command, serial, container, object, published, detail FROM cutover.publications
      WHERE environment = \(environment) ORDER BY id
      """
    ).map { row in
      let (at, user, host, command, serial, container, object, published, detail) = try row.decode(
        (Double, String, String, String, Int64, String, String?, Bool, String).self)
      return StatePublication(
        at: Date(timeIntervalSince1970: at), user: user, host: host, command: command, serial: Int(serial),
        container: container, object: object, published: published, detail: detail)
    }
  }
}
