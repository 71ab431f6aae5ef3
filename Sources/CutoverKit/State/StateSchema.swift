import GRDB

/// The versioned migrations of `state/<env>.sqlite`. Never edit a shipped migration: add the next one.
enum StateSchema {
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1: meta, resources, journal, lock") { db in
      try db.execute(
        sql: """
          CREATE TABLE meta (
            key TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL
          );
          CREATE TABLE resources (
            address TEXT NOT NULL,
            deposed TEXT NOT NULL DEFAULT '',
            type TEXT NOT NULL,
            remote_id TEXT,
            attributes TEXT NOT NULL,
            dependencies TEXT NOT NULL,
            status TEXT NOT NULL,
            updated_at DOUBLE NOT NULL,
            PRIMARY KEY (address, deposed)
          );
          CREATE TABLE applies (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            command TEXT NOT NULL,
            user TEXT NOT NULL,
            host TEXT NOT NULL,
            pid INTEGER NOT NULL,
            started_at DOUBLE NOT NULL,
            finished_at DOUBLE,
            serial INTEGER NOT NULL,
            summary TEXT NOT NULL,
            outcome TEXT NOT NULL,
            error TEXT
          );
          CREATE TABLE actions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            apply_id INTEGER NOT NULL REFERENCES applies(id),
            address TEXT NOT NULL,
            deposed TEXT NOT NULL DEFAULT '',
            action TEXT NOT NULL,
            status TEXT NOT NULL,
            remote_id TEXT,
            started_at DOUBLE NOT NULL,
            finished_at DOUBLE,
            detail TEXT,
            error TEXT
          );
          CREATE INDEX actions_by_apply ON actions(apply_id);
          CREATE INDEX actions_by_status ON actions(status);
          CREATE TABLE lock (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            token TEXT NOT NULL,
            holder TEXT NOT NULL,
            host TEXT NOT NULL,
            pid INTEGER NOT NULL,
            command TEXT NOT NULL,
            acquired_at DOUBLE NOT NULL,
            heartbeat_at DOUBLE NOT NULL
          );
          """)
    }
    migrator.registerMigration("v2: generation switches") { db in
      // One row per change of the live generation (`generation switch`, `rollback`), so `rollback` knows where to
      // go back to and `retire` knows how long ago a generation stopped serving.
      try db.execute(
        sql: """
          CREATE TABLE switches (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            environment TEXT NOT NULL,
            from_generation TEXT,
            to_generation TEXT NOT NULL,
            at DOUBLE NOT NULL,
            user TEXT NOT NULL,
            host TEXT NOT NULL,
            command TEXT NOT NULL,
            forced BOOLEAN NOT NULL DEFAULT 0
          );
          CREATE INDEX switches_by_from ON switches(from_generation);
          CREATE INDEX switches_by_to ON switches(to_generation);
          """)
    }
    migrator.registerMigration("v3: generation verifications") { db in
      // One row per `generation verify` (and the verification a switch runs first), with its checklist, so the
      // history tells the cutover story: verified, switched, rolled back, retired.
      try db.execute(
        sql: """
          CREATE TABLE verifications (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            environment TEXT NOT NULL,
            generation TEXT NOT NULL,
            passed BOOLEAN NOT NULL,
            checks TEXT NOT NULL,
            at DOUBLE NOT NULL,
            user TEXT NOT NULL,
            host TEXT NOT NULL,
            command TEXT NOT NULL
          );
          """)
    }
    migrator.registerMigration("v4: publications") { db in
      // One row per attempt to publish a snapshot of the state to object storage, so `state history` tells when
      // the published copy fell behind and why.
      try db.execute(
        sql: """
          CREATE TABLE publications (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at DOUBLE NOT NULL,
            user TEXT NOT NULL,
            host TEXT NOT NULL,
            command TEXT NOT NULL,
            serial INTEGER NOT NULL,
            container TEXT NOT NULL,
            object TEXT,
            published BOOLEAN NOT NULL,
            detail TEXT NOT NULL
          );
          """)
    }
    migrator.registerMigration("v5: generation fingerprints") { db in
      // The fingerprint of its generation an apply that converged the generation recorded on each object
      // (``GenerationFingerprints``); every other write of the row leaves it NULL.
      try db.execute(sql: "ALTER TABLE resources ADD COLUMN fingerprint TEXT")
    }
    return migrator
  }
}
