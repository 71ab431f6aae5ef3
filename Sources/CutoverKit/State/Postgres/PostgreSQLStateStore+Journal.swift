import Foundation
import PostgresNIO

/// The journal and the records an apply, refresh or import writes; see ``SQLiteStateStore`` for what each means.
extension PostgreSQLStateStore: StateJournal {
  public func record(_ resources: [RecordedResource]) throws {
    try write { transaction in
      for resource in resources { try upsert(resource, in: transaction) }
    }
  }

  public func recordRefresh(_ resources: [RecordedResource], gone: [Drift]) throws {
    let before = try self.resources()
    let changed = !gone.isEmpty || before.count != resources.count || zip(before, resources).contains { $0 != $1 }
    guard changed else { return }
    try write { transaction in
      for drift in gone {
        try transaction.change(
          """
          DELETE FROM cutover.resources WHERE environment = \(environment)
            AND address = \(drift.address.description) AND deposed = \(drift.deposedKey ?? "")
          """)
      }
      for resource in resources { try upsert(resource, in: transaction) }
    }
  }

  /// A PostgreSQL state is made by a Cutover that records keyed digests only; an older state migrated in was
  /// upgraded before it was copied.
  public func upgradeLegacyDigests(_ upgrade: (RecordedResource) -> RecordedResource) throws {
    let done =
      try link.run("SELECT digests FROM cutover.environments WHERE environment = \(environment)")
      .first?.decode(String.self) == "keyed"
    guard !done else { return }
    let upgraded = try resources().compactMap { resource -> RecordedResource? in
      let new = upgrade(resource)
      return new == resource ? nil : new
    }
    try write { transaction in
      for resource in upgraded { try upsert(resource, in: transaction) }
      try transaction.change(
        "UPDATE cutover.environments SET digests = 'keyed' WHERE environment = \(environment)")
    }
  }

  public func forget(_ address: ResourceAddress, deposedKey: String?) throws {
    try write { transaction in
      try transaction.change(
        """
        DELETE FROM cutover.resources WHERE environment = \(environment) AND address = \(address.description)
          AND deposed = \(deposedKey ?? "")
        """)
    }
  }

  public func depose(_ address: ResourceAddress, key: String) throws {
    try write { transaction in
      try transaction.change(
        """
        UPDATE cutover.resources SET deposed = \(key), fingerprint = NULL WHERE environment = \(environment)
          AND address = \(address.description) AND deposed = ''
        """)
    }
  }

  public func recordFingerprints(_ fingerprints: [ResourceAddress: String]) throws {
    guard !fingerprints.isEmpty else { return }
    // One statement for them all: a round trip per object would cost more than the apply's own writes.
    let entries = Array(fingerprints)
    let addresses = entries.map(\.key.description)
    let values = entries.map(\.value)
    try write(bumpingSerial: false) { transaction in
      try transaction.change(
        """
        UPDATE cutover.resources r SET fingerprint = f.fingerprint
        FROM unnest(\(addresses)::text[], \(values)::text[]) AS f(address, fingerprint)
        WHERE r.environment = \(environment) AND r.address = f.address AND r.deposed = ''
        """)
    }
  }

  // MARK: - Journal

  public func beginApply(
    command: String, summary: String, identity: ProcessIdentity, refreshed: [Drift] = []
  ) throws -> Int64 {
    try write { transaction in
      for drift in refreshed where drift.kind == .changed {
        guard var recorded = try resource(drift.address, deposedKey: drift.deposedKey, in: transaction),
          drift.before.allSatisfy({ recorded.attributes[$0.key] == $0.value })
        else { continue }
        for key in drift.before.keys { recorded.attributes[key] = nil }
        recorded.attributes.merge(drift.after ?? [:]) { _, read in read }
        try upsert(recorded, in: transaction)
      }
      // This transaction changes what is recorded, so it ends with the serial one higher: the apply's.
      let serial = try serial(in: transaction) + 1
      let id = try nextID(in: transaction)
      try transaction.change(
        """
        INSERT INTO cutover.applies
          (environment, id, command, user_name, host, pid, started_at, serial, summary, outcome)
        VALUES (\(environment), \(id), \(command), \(identity.user), \(identity.host), \(identity.pid),
          \(Date().timeIntervalSince1970), \(serial), \(summary), 'running')
        """)
      return id
    }
  }

  public func finishApply(_ applyID: Int64, outcome: ApplyRecord.Outcome, error: String? = nil) throws {
    try write { transaction in
      try transaction.change(
        """
        UPDATE cutover.applies SET outcome = \(outcome.rawValue), finished_at = \(Date().timeIntervalSince1970),
          error = \(error)
        WHERE environment = \(environment) AND id = \(applyID)
        """)
    }
  }

  public func beginAction(applyID: Int64, address: ResourceAddress, deposedKey: String?, action: ActionLabel.Kind)
    throws -> Int64
  {
    try write { transaction in
      let id = try nextID(in: transaction)
      try transaction.change(
        """
        INSERT INTO cutover.actions (environment, id, apply_id, address, deposed, action, status, started_at)
        VALUES (\(environment), \(id), \(applyID), \(address.description), \(deposedKey ?? ""),
          \(action.rawValue), 'pending', \(Date().timeIntervalSince1970))
        """)
      return id
    }
  }

  public func recordRemoteID(actionID: Int64, resource: RecordedResource) throws {
    try write { transaction in
      try transaction.change(
        """
        UPDATE cutover.actions SET remote_id = \(resource.remoteID)
        WHERE environment = \(environment) AND id = \(actionID)
        """)
      try upsert(resource, in: transaction)
    }
  }

  public func noteAction(_ actionID: Int64, _ line: String) throws {
    try write { transaction in
      try transaction.change(
        """
        UPDATE cutover.actions SET detail = COALESCE(detail || chr(10), '') || \(line)
        WHERE environment = \(environment) AND id = \(actionID)
        """)
    }
  }

  public func finishAction(
    _ actionID: Int64, address: ResourceAddress, deposedKey: String?, resource: RecordedResource?
  ) throws {
    try write { transaction in
      try transaction.change(
        """
        UPDATE cutover.actions SET status = 'done', finished_at = \(Date().timeIntervalSince1970),
          remote_id = COALESCE(\(resource?.remoteID), remote_id)
        WHERE environment = \(environment) AND id = \(actionID)
        """)
      if let resource {
        try upsert(resource, in: transaction)
      } else {
        try transaction.change(
          """
          DELETE FROM cutover.resources WHERE environment = \(environment) AND address = \(address.description)
            AND deposed = \(deposedKey ?? "")
          """)
      }
    }
  }

  public func failAction(_ actionID: Int64, error: String, observed: RecordedResource? = nil) throws {
    try write { transaction in
      try transaction.change(
        """
        UPDATE cutover.actions SET status = 'failed', finished_at = \(Date().timeIntervalSince1970),
          error = \(error)
        WHERE environment = \(environment) AND id = \(actionID)
        """)
      if let observed { try upsert(observed, in: transaction) }
    }
  }

  public func unsettledActions() throws -> [JournalAction] {
    try link.run(
      """
      SELECT \(unescaped: Self.actionColumns("a")) FROM cutover.actions a
      JOIN cutover.applies p ON p.environment = a.environment AND p.id = a.apply_id
      WHERE a.environment = \(environment) AND p.outcome != 'running' AND (a.status = 'pending'
        OR (a.status = 'failed' AND a.action = 'create' AND a.remote_id IS NULL))
      ORDER BY a.id
      """
    ).map(Self.action(from:))
  }

  public func hasUnfinishedApplies() throws -> Bool {
    let running =
      try link.run(
        """
        SELECT EXISTS (SELECT 1 FROM cutover.applies WHERE environment = \(environment) AND outcome = 'running')
        """
      ).first?.decode(Bool.self) ?? false
    return try running || !unsettledActions().isEmpty
  }

  public func markAbandonedApplies() throws {
    try write { transaction in
      try transaction.change(
        """
        UPDATE cutover.applies SET outcome = 'interrupted' WHERE environment = \(environment)
          AND outcome = 'running'
        """)
    }
  }

  public func markReconciled(_ actionID: Int64, detail: String) throws {
    try write { transaction in
      try transaction.change(
        """
        UPDATE cutover.actions SET status = 'reconciled', detail = COALESCE(detail || chr(10), '') || \(detail)
        WHERE environment = \(environment) AND id = \(actionID)
        """)
    }
  }

  // MARK: - Rows

  /// The columns ``action(from:)`` reads, of the table aliased `alias`.
  static func actionColumns(_ alias: String) -> String {
    [
      "id", "apply_id", "address", "deposed", "action", "status", "remote_id", "started_at", "finished_at", "detail",
      "error",
    ].map { "\(alias).\($0)" }.joined(separator: ", ")
  }

  static func action(from row: PostgresRow) throws -> JournalAction {
    let (id, applyID, address, deposed, action, status, remoteID, started, finished, detail, error) =
      try row.decode((Int64, Int64, String, String, String, String, String?, Double, Double?, String?, String?).self)
    return try JournalAction.fromRow(
      id: id, applyID: applyID, address: address, deposed: deposed, action: action, status: status,
      remoteID: remoteID, startedAt: started, finishedAt: finished, detail: detail, error: error)
  }
}
