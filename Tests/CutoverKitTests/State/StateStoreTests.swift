import CutoverKit
import Foundation
import GRDB
import Testing

@Suite("State store: file, lineage, resources")
struct StateStoreTests {
  @Test("a new state file is in WAL mode and private to its owner (0600), its WAL and shared-memory files too")
  func newFileIsPrivate() throws {
    try withTemporaryDirectory { directory in
      let path = directory + "/state/eqiad1.sqlite"
      let store = try SQLiteStateStore(path: path, environment: "eqiad1")
      try withExtendedLifetime(store) {
        // While the store is open, a WAL database has its -wal and -shm files beside it (checked before another
        // connection opens the file, which could make them itself).
        for file in [path, path + "-wal", path + "-shm"] {
          guard FileManager.default.fileExists(atPath: file) else {
            Issue.record("\(file) does not exist while the store is open")
            continue
          }
          let permissions = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
          #expect(permissions == 0o600, "\(file)")
        }
        // The journal mode is recorded in the file itself, so another connection reads it.
        let mode = try DatabaseQueue(path: path).read { db in
          try String.fetchOne(db, sql: "PRAGMA journal_mode")
        }
        #expect(mode == "wal")
      }
    }
  }

  @Test("a new state has a lineage and serial 0", arguments: StateImplementation.all)
  func newStateHasLineageAndSerialZero(_ implementation: StateImplementation) throws {
    try withTemporaryDirectory { directory in
      let version = try implementation.open(directory, "eqiad1").version()
      #expect(UUID(uuidString: version.lineage) != nil)
      #expect(version.serial == 0)
    }
  }

  @Test(
    "reopening runs the migrations again harmlessly: same lineage, same serial, same resources",
    arguments: StateImplementation.all)
  func reopeningKeepsEverything(_ implementation: StateImplementation) throws {
    try withTemporaryDirectory { directory in
      let first = try implementation.open(directory, "eqiad1")
      _ = try first.beginApply(command: "apply eqiad1", summary: "+1 ~0 -0", identity: .tester)
      try first.record([
        RecordedResource(address: ResourceAddress("cluster_template.127d"), remoteID: "t", attributes: [:])
      ])

      let reopened = try implementation.open(directory, "eqiad1")
      #expect(try reopened.version() == first.version())
      #expect(try reopened.version().serial == 2, "the apply's start and the record each bumped it")
      #expect(try reopened.resources().map(\.address) == [ResourceAddress("cluster_template.127d")])
    }
  }

  @Test("two states have different lineages", arguments: StateImplementation.all)
  func lineagesDiffer(_ implementation: StateImplementation) throws {
    try withTemporaryDirectory { directory in
      let first = try implementation.open(directory + "/a", "eqiad1").version()
      let second = try implementation.open(directory + "/b", "eqiad1").version()
      #expect(first.lineage != second.lineage)
    }
  }

  @Test(
    "a recorded resource reads back the same: attributes of every shape, dependencies, status, deposed key",
    arguments: StateImplementation.all)
  func resourcesRoundTrip(_ implementation: StateImplementation) throws {
    try withTemporaryDirectory { directory in
      let store = try implementation.open(directory, "eqiad1")
      let cluster = RecordedResource(
        address: ResourceAddress("cluster.128a"), remoteID: "cluster-128a",
        attributes: [
          "name": "paws-128a", "node_count": 6, "floating_ip_enabled": false, "api_address": nil,
          "node_addresses": ["127.0.2.2", "127.0.2.3"], "labels": ["kube_tag": "v1.28.15", "calico_tag": "v3.26.4"],
        ],
        dependencies: [ResourceAddress("cluster_template.128a")], status: .creating)
      let deposed = RecordedResource(
        address: ResourceAddress("cluster_template.128a"), remoteID: "template-128a-old", attributes: ["id": "old"],
        status: .tainted, deposedKey: "0a1b2c3d")
      try store.record([cluster, deposed])

      #expect(try store.resources() == [cluster, deposed])
      #expect(try store.resource(ResourceAddress("cluster.128a")) == cluster)
      #expect(try store.resource(ResourceAddress("cluster_template.128a"), deposedKey: "0a1b2c3d") == deposed)
      #expect(try store.resource(ResourceAddress("cluster_template.128a")) == nil)
    }
  }

  @Test("recording at an address again replaces what was there", arguments: StateImplementation.all)
  func recordReplaces(_ implementation: StateImplementation) throws {
    try withTemporaryDirectory { directory in
      let store = try implementation.open(directory, "eqiad1")
      let address = ResourceAddress("cluster.127d")
      try store.record([RecordedResource(address: address, remoteID: "c", attributes: ["node_count": 5])])
      try store.record([RecordedResource(address: address, remoteID: "c", attributes: ["node_count": 6])])
      #expect(try store.resources().map(\.attributes) == [["node_count": 6]])
    }
  }

  @Test("beginApply bumps the serial, once per apply", arguments: StateImplementation.all)
  func beginApplyBumpsSerial(_ implementation: StateImplementation) throws {
    try withTemporaryDirectory { directory in
      let store = try implementation.open(directory, "eqiad1")
      let lineage = try store.version().lineage
      _ = try store.beginApply(command: "apply eqiad1", summary: "+1 ~0 -0", identity: .tester)
      #expect(try store.version() == StateVersion(lineage: lineage, serial: 1))
      _ = try store.beginApply(command: "apply eqiad1", summary: "+0 ~1 -0", identity: .tester)
      #expect(try store.version() == StateVersion(lineage: lineage, serial: 2))
    }
  }

  @Test("a journal action of a kind this Cutover does not know is refused, naming the kind and the address")
  func unknownActionKindIsRefused() throws {
    try withTemporaryDirectory { directory in
      let path = directory + "/eqiad1.sqlite"
      let store = try SQLiteStateStore(path: path, environment: "eqiad1")
      let apply = try store.beginApply(command: "apply eqiad1", summary: "+1 ~0 -0", identity: .tester)
      try DatabaseQueue(path: path).write { db in
        try db.execute(
          sql: """
            INSERT INTO actions (apply_id, address, deposed, action, status, started_at)
            VALUES (?, 'cluster.128a', '', 'resize', 'done', 0)
            """,
          arguments: [apply])
      }
      #expect {
        try store.history()
      } throws: { error in
        let message = (error as? CutoverError)?.errorDescription ?? ""
        return message.contains("'resize'") && message.contains("cluster.128a")
      }
    }
  }
}

extension ProcessIdentity {
  /// A run of the tests as a bastion operator would be recorded.
  static let tester = ProcessIdentity(user: "tester", host: "bastion-test", pid: getpid())
}

@Suite("State store: generation fingerprints")
struct StateFingerprintTests {
  private let template = RecordedResource(
    address: ResourceAddress("cluster_template.128a"), remoteID: "t", attributes: ["image": "Fedora-CoreOS-38"])
  private let cluster = RecordedResource(
    address: ResourceAddress("cluster.128a"), remoteID: "c", attributes: ["node_count": 5],
    dependencies: [ResourceAddress("cluster_template.128a")])

  @Test(
    "fingerprints are recorded without moving the serial; any other write of an object clears its own",
    arguments: StateImplementation.all)
  func recordedAndCleared(_ implementation: StateImplementation) throws {
    try withTemporaryDirectory { directory in
      let store = try implementation.open(directory, "eqiad1")
      try store.record([template, cluster])
      let serial = try store.version().serial
      try store.recordFingerprints([template.address: "f 2", cluster.address: "f 2"])
      #expect(try store.version().serial == serial)
      #expect(try store.resources().map(\.fingerprint) == ["f 2", "f 2"])
      // Not part of what the object is: equal to the same object without it.
      #expect(try store.resources() == [cluster, template])

      var resized = cluster
      resized.attributes["node_count"] = 6
      try store.record([resized])
      #expect(try store.resource(cluster.address, deposedKey: nil)?.fingerprint == nil)
      #expect(try store.resource(template.address, deposedKey: nil)?.fingerprint == "f 2")

      try store.depose(template.address, key: "d1")
      #expect(try store.resource(template.address, deposedKey: "d1")?.fingerprint == nil)
    }
  }

  @Test(
    "recorded attributes and dependencies read from the state are those written", arguments: StateImplementation.all)
  func lazyColumnsReadBack(_ implementation: StateImplementation) throws {
    try withTemporaryDirectory { directory in
      let store = try implementation.open(directory, "eqiad1")
      try store.record([cluster])
      let read = try #require(try store.resource(cluster.address, deposedKey: nil))
      #expect(read.attributes == ["node_count": 5])
      #expect(read.dependencies == [ResourceAddress("cluster_template.128a")])
      var changed = read
      changed.attributes["node_count"] = 7
      #expect(changed.attributes["node_count"] == 7)
      #expect(read.attributes["node_count"] == 5, "a copy's change does not reach the original")
    }
  }

  @Test("a row whose attributes are not a JSON object is refused when the state is read, naming the object")
  func truncatedRowIsRefused() throws {
    try withTemporaryDirectory { directory in
      let path = directory + "/eqiad1.sqlite"
      try SQLiteStateStore(path: path, environment: "eqiad1").record([cluster])
      try DatabaseQueue(path: path).write { db in
        try db.execute(sql: "UPDATE resources SET attributes = '{\"node_count\": 5'")
      }
      #expect {
        try SQLiteStateStore(path: path, environment: "eqiad1").resources()
      } throws: { error in
        "\(error)".contains("unreadable attributes for cluster.128a")
      }
    }
  }
}
