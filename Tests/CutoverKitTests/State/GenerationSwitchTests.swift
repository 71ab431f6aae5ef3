import Foundation
import GRDB
import Testing

@testable import CutoverKit

@Suite("State store: the history of live switches")
struct GenerationSwitchTests {
  @Test(
    "a recorded switch reads back with who, where, what, when and whether it was forced",
    arguments: StateImplementation.all)
  func switchRoundTrips(_ implementation: StateImplementation) throws {
    try withTemporaryDirectory { directory in
      let store = try implementation.open(directory, "eqiad1")
      let at = Date(timeIntervalSince1970: 1_790_000_000.5)
      let recorded = try store.recordSwitch(
        from: "127d", to: "128a", command: "generation switch eqiad1 128a", identity: .tester, forced: true, at: at)

      let expected = GenerationSwitch(
        id: recorded.id, environment: "eqiad1", fromGeneration: "127d", toGeneration: "128a", at: at,
        user: "tester", host: "bastion-test", command: "generation switch eqiad1 128a", forced: true)
      #expect(recorded == expected)
      #expect(try store.switches() == [expected])
      #expect(try store.lastSwitch() == expected)
    }
  }

  @Test("a fresh state has no switches", arguments: StateImplementation.all)
  func freshStateHasNone(_ implementation: StateImplementation) throws {
    try withTemporaryDirectory { directory in
      let store = try implementation.open(directory, "eqiad1")
      #expect(try store.switches().isEmpty)
      #expect(try store.lastSwitch() == nil)
      #expect(try store.switchedAway(from: "127d") == nil)
      #expect(try store.switchedTo("127d") == nil)
    }
  }

  @Test(
    "switches come back oldest first; the first one may have no previous generation", arguments: StateImplementation.all
  )
  func switchesInOrder(_ implementation: StateImplementation) throws {
    try withTemporaryDirectory { directory in
      let store = try implementation.open(directory, "eqiad1")
      let start = Date(timeIntervalSince1970: 1_790_000_000)
      try store.recordSwitch(
        from: nil, to: "127d", command: "generation switch eqiad1 127d", identity: .tester, forced: false, at: start)
      try store.recordSwitch(
        from: "127d", to: "128a", command: "generation switch eqiad1 128a", identity: .tester, forced: false,
        at: start + 3_600)
      try store.recordSwitch(
        from: "128a", to: "127d", command: "generation rollback eqiad1", identity: .tester, forced: false,
        at: start + 7_200)

      let switches = try store.switches()
      #expect(switches.map(\.fromGeneration) == [nil, "127d", "128a"])
      #expect(switches.map(\.toGeneration) == ["127d", "128a", "127d"])
      #expect(switches.map(\.id) == switches.map(\.id).sorted())
      #expect(try store.lastSwitch()?.command == "generation rollback eqiad1")
      #expect(try store.lastSwitch()?.fromGeneration == "128a")
    }
  }

  @Test(
    "switchedAway and switchedTo give the newest switch away from and to a generation",
    arguments: StateImplementation.all)
  func switchedAwayAndTo(_ implementation: StateImplementation) throws {
    try withTemporaryDirectory { directory in
      let store = try implementation.open(directory, "eqiad1")
      let start = Date(timeIntervalSince1970: 1_790_000_000)
      try store.recordSwitch(from: "127d", to: "128a", command: "switch", identity: .tester, forced: false, at: start)
      try store.recordSwitch(
        from: "128a", to: "127d", command: "rollback", identity: .tester, forced: false, at: start + 60)
      try store.recordSwitch(
        from: "127d", to: "128a", command: "switch", identity: .tester, forced: false, at: start + 120)
      // Switching to what is already live (a forced re-run) does not make it stop being live.
      try store.recordSwitch(
        from: "128a", to: "128a", command: "switch", identity: .tester, forced: true, at: start + 180)

      #expect(try store.switchedAway(from: "127d") == start + 120)
      #expect(try store.switchedAway(from: "128a") == start + 60)
      #expect(try store.switchedTo("128a") == start + 180)
      #expect(try store.switchedTo("127d") == start + 60)
      #expect(try store.switchedAway(from: "126z") == nil)
      #expect(try store.switchedTo("126z") == nil)
    }
  }

  @Test("switches survive reopening the state, and the environment is the store's", arguments: StateImplementation.all)
  func survivesReopening(_ implementation: StateImplementation) throws {
    try withTemporaryDirectory { directory in
      let first = try implementation.open(directory, "codfw1dev")
      try first.recordSwitch(
        from: "1a", to: "1b", command: "generation switch codfw1dev 1b", identity: .tester, forced: false)
      let reopened = try implementation.open(directory, "codfw1dev")
      #expect(try reopened.switches().map(\.environment) == ["codfw1dev"])
      #expect(try reopened.switches().map(\.toGeneration) == ["1b"])
      #expect(try reopened.version().serial == 1, "recording a switch changes the state: a saved plan is stale")
    }
  }

  @Test("a state written before switches were recorded migrates: its resources and journal stay, switches start empty")
  func migratesOlderState() throws {
    try withTemporaryDirectory { directory in
      let path = directory + "/eqiad1.sqlite"
      // A state as the first schema left it, with an apply and a resource in it.
      do {
        let queue = try DatabaseQueue(path: path)
        try StateSchema.migrator.migrate(queue, upTo: "v1: meta, resources, journal, lock")
        try queue.write { db in
          try db.execute(
            sql: """
              INSERT INTO meta (key, value) VALUES ('lineage', 'old-lineage'), ('serial', '3'), ('environment', 'eqiad1');
              INSERT INTO resources (address, type, remote_id, attributes, dependencies, status, updated_at)
              VALUES ('cluster.127d', 'cluster', 'c-127d', '{"name":"paws-127d"}', '[]', 'ready', 0);
              INSERT INTO applies (command, user, host, pid, started_at, serial, summary, outcome)
              VALUES ('apply eqiad1', 'tester', 'bastion-test', 1, 0, 3, '+1 ~0 -0', 'succeeded');
              """)
          #expect(
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'switches')") == false)
        }
      }

      let store = try SQLiteStateStore(path: path, environment: "eqiad1")
      #expect(try store.version() == StateVersion(lineage: "old-lineage", serial: 3))
      #expect(try store.resources().map(\.address) == [ResourceAddress("cluster.127d")])
      #expect(try store.history().map(\.command) == ["apply eqiad1"])
      #expect(try store.switches().isEmpty)
      try store.recordSwitch(from: "127d", to: "128a", command: "switch", identity: .tester, forced: false)
      #expect(try store.lastSwitch()?.toGeneration == "128a")
    }
  }
}
