import PostgresNIO

/// The versioned schema of the PostgreSQL state, in the schema `cutover` of the database: one database holds many
/// environments, each row carrying its environment. Never edit a shipped migration: add the next one.
///
/// The tables mirror the SQLite state's (``StateSchema``), plus the environment's own row (lineage, serial, the last
/// fencing token handed out) and a lease with an expiry.
enum PostgresSchema {
  /// Each migration, in order; its number is its position, from 1.
  static let migrations: [(name: String, sql: [String])] = [
    (
      "v1: environments, resources, journal, lease, switches, verifications, publications",
      [
        """
        CREATE TABLE cutover.environments (
          environment TEXT PRIMARY KEY,
          lineage TEXT NOT NULL,
          serial BIGINT NOT NULL DEFAULT 0,
          digests TEXT NOT NULL DEFAULT 'keyed',
          lock_token BIGINT NOT NULL DEFAULT 0,
          next_id BIGINT NOT NULL DEFAULT 1
        )
        """,
        """
        CREATE TABLE cutover.resources (
          environment TEXT NOT NULL REFERENCES cutover.environments ON DELETE CASCADE,
          address TEXT NOT NULL,
          deposed TEXT NOT NULL DEFAULT '',
          type TEXT NOT NULL,
          remote_id TEXT,
          attributes TEXT NOT NULL,
          dependencies TEXT NOT NULL,
          status TEXT NOT NULL,
          updated_at DOUBLE PRECISION NOT NULL,
          PRIMARY KEY (environment, address, deposed)
        )
        """,
        """
        CREATE TABLE cutover.applies (
          environment TEXT NOT NULL REFERENCES cutover.environments ON DELETE CASCADE,
          id BIGINT NOT NULL,
          command TEXT NOT NULL,
          user_name TEXT NOT NULL,
          host TEXT NOT NULL,
          pid INTEGER NOT NULL,
          started_at DOUBLE PRECISION NOT NULL,
          finished_at DOUBLE PRECISION,
          serial BIGINT NOT NULL,
          summary TEXT NOT NULL,
          outcome TEXT NOT NULL,
          error TEXT,
          PRIMARY KEY (environment, id)
        )
        """,
        """
        CREATE TABLE cutover.actions (
          environment TEXT NOT NULL,
          id BIGINT NOT NULL,
          apply_id BIGINT NOT NULL,
          address TEXT NOT NULL,
          deposed TEXT NOT NULL DEFAULT '',
          action TEXT NOT NULL,
          status TEXT NOT NULL,
          remote_id TEXT,
          started_at DOUBLE PRECISION NOT NULL,
          finished_at DOUBLE PRECISION,
          detail TEXT,
          error TEXT,
          PRIMARY KEY (environment, id),
          FOREIGN KEY (environment, apply_id) REFERENCES cutover.applies ON DELETE CASCADE
        )
        """,
        "CREATE INDEX actions_by_status ON cutover.actions (environment, status)",
        """
        CREATE TABLE cutover.leases (
          environment TEXT PRIMARY KEY REFERENCES cutover.environments ON DELETE CASCADE,
          token BIGINT NOT NULL,
          holder TEXT NOT NULL,
          host TEXT NOT NULL,
          pid INTEGER NOT NULL,
          command TEXT NOT NULL,
          acquired_at DOUBLE PRECISION NOT NULL,
          heartbeat_at DOUBLE PRECISION NOT NULL,
          expires_at DOUBLE PRECISION NOT NULL
        )
        """,
        """
        CREATE TABLE cutover.switches (
          environment TEXT NOT NULL REFERENCES cutover.environments ON DELETE CASCADE,
          id BIGINT NOT NULL,
          from_generation TEXT,
          to_generation TEXT NOT NULL,
          at DOUBLE PRECISION NOT NULL,
          user_name TEXT NOT NULL,
          host TEXT NOT NULL,
          command TEXT NOT NULL,
          forced BOOLEAN NOT NULL DEFAULT FALSE,
          PRIMARY KEY (environment, id)
        )
        """,
        """
        CREATE TABLE cutover.verifications (
          environment TEXT NOT NULL REFERENCES cutover.environments ON DELETE CASCADE,
          id BIGINT NOT NULL,
          generation TEXT NOT NULL,
          passed BOOLEAN NOT NULL,
          checks TEXT NOT NULL,
          at DOUBLE PRECISION NOT NULL,
          user_name TEXT NOT NULL,
          host TEXT NOT NULL,
          command TEXT NOT NULL,
          PRIMARY KEY (environment, id)
        )
        """,
        """
        CREATE TABLE cutover.publications (
          environment TEXT NOT NULL REFERENCES cutover.environments ON DELETE CASCADE,
          id BIGINT NOT NULL,
          at DOUBLE PRECISION NOT NULL,
          user_name TEXT NOT NULL,
          host TEXT NOT NULL,
          command TEXT NOT NULL,
          serial BIGINT NOT NULL,
          container TEXT NOT NULL,
          object TEXT,
          published BOOLEAN NOT NULL,
          detail TEXT NOT NULL,
          PRIMARY KEY (environment, id)
        )
        """,
      ]
    ),
    (
      "v2: generation fingerprints",
      [
        // Set by an apply that converged the object's generation (`GenerationFingerprints`); NULL after any other
        // write of the row.
        "ALTER TABLE cutover.resources ADD COLUMN fingerprint TEXT"
      ]
    ),
  ]

  /// Creates the schema or brings it to the newest version, once for all processes (an advisory lock held for the
  /// transaction keeps two first runs from both migrating).
  /// - Throws: `CutoverError.state` when the database holds a newer schema than this Cutover knows.
  static func migrate(_ link: PostgresLink) throws {
    try link.transaction { transaction in
      try transaction.run("SELECT pg_advisory_xact_lock(hashtext('cutover schema'))")
      try transaction.run("CREATE SCHEMA IF NOT EXISTS cutover")
      try transaction.run(
        """
        CREATE TABLE IF NOT EXISTS cutover.schema_versions (
          version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
        """)
      var current = 0
      for row in try transaction.run("SELECT COALESCE(MAX(version), 0) FROM cutover.schema_versions") {
        current = try row.decode(Int.self)
      }
      guard current <= migrations.count else {
        throw CutoverError.state(
          "the PostgreSQL state at \(link.settings) has schema version \(current), newer than this Cutover's "
            + "\(migrations.count): upgrade Cutover")
      }
      for (index, migration) in migrations.enumerated() where index + 1 > current {
        for statement in migration.sql { try transaction.run(PostgresQuery(unsafeSQL: statement)) }
        try transaction.run(
          "INSERT INTO cutover.schema_versions (version, name) VALUES (\(index + 1), \(migration.name))")
      }
    }
  }
}
