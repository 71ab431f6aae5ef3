import Foundation
import GRDB
import NIOHTTP1
import TestSupport
import Testing

@testable import CloudSimulator

/// A cloud persisted in a SQLite file outlives the process that made it.
@Suite struct PersistenceTests {
  private static func temporaryDatabasePath() -> String {
    FileManager.default.temporaryDirectory
      .appendingPathComponent("cutover-simulator-\(UUID().uuidString)", isDirectory: true)
      .appendingPathComponent("cloud.sqlite").path
  }

  private static func removeDatabase(at path: String) {
    try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
  }

  @Test func aSecondSimulatorOnTheSameFileSeesTheSameCloudAndToken() async throws {
    let path = Self.temporaryDatabasePath()
    defer { Self.removeDatabase(at: path) }
    let configuration = SimulatorConfiguration(databasePath: path, buildSeconds: 0)

    let (token, template, cluster, addresses) = try await SimulatorHarness.with(configuration) { cloud in
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      let cluster = try await cloud.createCluster(token: token, name: "paws-1", template: template)
      _ = try await cloud.send(
        .PUT, "/proxy/v1/paws/mapping", token: token,
        body: ["domain": "hub-paws.wmcloud.org", "backends": ["http://127.0.1.2:30001"]])
      let addresses = try await cloud.cluster(cluster, token: token).json["node_addresses"]
      return (token, template, cluster, addresses)
    }

    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

    try await SimulatorHarness.with(configuration) { cloud in
      let shown = try await cloud.cluster(cluster, token: token)
      #expect(shown.status == 200)
      #expect(shown.json["node_addresses"] == addresses)
      #expect(shown.json["cluster_template_id"]?.stringValue == template)
      #expect(try await cloud.magnum(.GET, "/clustertemplates/\(template)", token: token).status == 200)
      let routes = try await cloud.send(.GET, "/proxy/v1/paws/mapping", token: token).json["routes"]
      #expect(routes?.arrayValue?.count == 1)

      let another = try await cloud.createCluster(token: token, name: "paws-2", template: template)
      let newAddresses = try await cloud.cluster(another, token: token).json["node_addresses"]?.arrayValue ?? []
      #expect(
        Set(newAddresses.compactMap(\.stringValue)).isDisjoint(
          with: (addresses?.arrayValue ?? []).compactMap(\.stringValue)))
    }
  }

  @Test func nodeAddressesComeFromTheCloudsOwnBlockWhichOutlivesTheProcess() async throws {
    let path = Self.temporaryDatabasePath()
    defer { Self.removeDatabase(at: path) }
    var configuration = SimulatorConfiguration(databasePath: path, buildSeconds: 0)
    configuration.nodeAddressBlock = 300  // 127.1.44.0/24
    configuration.ingressPort = nil
    let token = try await SimulatorHarness.with(configuration) { cloud in
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      let cluster = try await cloud.createCluster(token: token, name: "paws-1", template: template, workers: 2)
      let shown = try await cloud.cluster(cluster, token: token).json
      #expect(shown["master_addresses"] == ["127.1.44.1"])
      #expect(shown["node_addresses"] == ["127.1.44.2", "127.1.44.3"])
      return token
    }
    configuration.nodeAddressBlock = 5000  // Ignored: the cloud already has its block.
    try await SimulatorHarness.with(configuration) { cloud in
      let template = try await cloud.createTemplate(token: token, name: "another")
      let cluster = try await cloud.createCluster(token: token, name: "paws-2", template: template, workers: 1)
      let shown = try await cloud.cluster(cluster, token: token).json
      #expect(shown["node_addresses"] == ["127.1.44.5"])
    }
  }

  @Test func aClusterKeepsBuildingWhileNoSimulatorRuns() async throws {
    let path = Self.temporaryDatabasePath()
    defer { Self.removeDatabase(at: path) }
    let clock = ManualClock()
    let slow = clock.driving(SimulatorConfiguration(databasePath: path, buildSeconds: 3))

    let (token, cluster) = try await SimulatorHarness.with(slow) { cloud in
      let token = try await cloud.issueToken()
      let cluster = try await cloud.createCluster(
        token: token, name: "paws-1", template: try await cloud.createTemplate(token: token))
      #expect(try await cloud.cluster(cluster, token: token).json["status"] == "CREATE_IN_PROGRESS")
      return (token, cluster)
    }

    // Each read is a fresh simulator on the same file, like consecutive short-lived CLI commands; the build goes on
    // in between, while no simulator runs.
    clock.advance(by: 2)
    let midway = try await SimulatorHarness.with(slow) { cloud in
      try await cloud.cluster(cluster, token: token).json["status"]
    }
    #expect(midway == "CREATE_IN_PROGRESS")
    clock.advance(by: 1)
    let built = try await SimulatorHarness.with(slow) { cloud in
      try await cloud.cluster(cluster, token: token).json["status"]
    }
    #expect(built == "CREATE_COMPLETE")
  }

  @Test func twoSimulatorsMayShareAFileAtOnce() async throws {
    let path = Self.temporaryDatabasePath()
    defer { Self.removeDatabase(at: path) }
    let configuration = SimulatorConfiguration(databasePath: path, buildSeconds: 0)
    let first = try await SimulatorHarness.start(configuration)
    let second = try await SimulatorHarness.start(configuration)
    do {
      let token = try await first.issueToken()
      let template = try await second.createTemplate(token: token)
      try await withThrowingTaskGroup(of: Void.self) { group in
        for index in 0..<6 {
          let harness = index.isMultiple(of: 2) ? first : second
          group.addTask {
            _ = try await harness.createCluster(token: token, name: "paws-\(index)", template: template, workers: 3)
          }
        }
        try await group.waitForAll()
      }
      let clusters = try #require(try await first.magnum(.GET, "/clusters", token: token).json["clusters"]?.arrayValue)
      #expect(clusters.count == 6)
      var addresses: [JSONValue] = []
      for cluster in clusters {
        let uuid = try #require(cluster["uuid"]?.stringValue)
        addresses += try await second.cluster(uuid, token: token).json["node_addresses"]?.arrayValue ?? []
      }
      #expect(addresses.count == 18)
      #expect(Set(addresses.compactMap(\.stringValue)).count == 18)
    } catch {
      await first.stop()
      await second.stop()
      throw error
    }
    await first.stop()
    await second.stop()
  }

  @Test func aCloudFromAnEarlierVersionGetsTheCloudVPSSubnets() throws {
    let path = Self.temporaryDatabasePath()
    defer { Self.removeDatabase(at: path) }
    try FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    let earlier = try DatabaseQueue(path: path)
    try CloudDatabase.migrator.migrate(earlier, upTo: "v3-network-and-compute")
    try earlier.write { db in
      // What the v3 schema made: stand-in subnets in 127.0.0.0/8.
      try db.execute(sql: "UPDATE subnet SET name = 'VXLAN/IPv6-dualstack-subnet-v4', cidr = '127.0.0.0/8'")
    }
    try earlier.close()

    let migrated = try CloudDatabase.open(path: path)
    let subnets = try migrated.read { db in try SubnetRecord.order(Column("name")).fetchAll(db) }
    #expect(subnets.map(\.name) == ["cloud-eqiad1-floating", "vxlan-dualstack-ipv4"])
    #expect(subnets.map(\.cidr) == ["185.15.56.0/25", "172.16.0.0/21"])
    try migrated.close()
  }

  @Test func aCloudFromBeforeAddressBlocksContinuesInABlockOfItsOwn() throws {
    let path = Self.temporaryDatabasePath()
    defer { Self.removeDatabase(at: path) }
    try FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    let earlier = try DatabaseQueue(path: path)
    try CloudDatabase.migrator.migrate(earlier, upTo: "v4-cloud-vps-subnets")
    // Three addresses handed out the old way: 127.0.1.1 to 127.0.1.3.
    try earlier.write { db in try CounterRecord(name: NodeAddressAllocator.counterName, value: 3).insert(db) }
    try earlier.close()

    let migrated = try CloudDatabase.open(path: path, nodeAddressBlock: 400)
    let next = try migrated.write { db in try NodeAddressAllocator.allocate(2, in: db) }
    #expect(next == ["127.1.144.4", "127.1.144.5"])
    try migrated.close()
  }
}
