import Testing

@testable import CloudSimulator

/// Status derivation from recorded timestamps, and address allocation, without a server.
@Suite struct ClusterLifecycleTests {
  private func cluster(createdAt: Double = 100, build: Double = 10, fails: Bool = false) -> ClusterRecord {
    ClusterRecord(
      uuid: "u", name: "paws-1", clusterTemplateID: "t", stackID: "s", masterCount: 1, nodeCount: 1, createTimeout: 60,
      keypair: nil, flavorID: nil, masterFlavorID: nil, dockerVolumeSize: nil, discoveryURL: nil, labels: [:],
      masterAddresses: ["127.0.1.1"], nodeAddresses: ["127.0.1.2"], createdAt: createdAt,
      createFinishesAt: createdAt + build, failsOnCreate: fails)
  }

  @Test func createThenUpdateThenDelete() {
    var record = cluster()
    #expect(record.lifecycle(at: 105).status == .createInProgress)
    #expect(record.lifecycle(at: 105).reportsAddresses == false)
    #expect(record.lifecycle(at: 110).status == .createComplete)
    record.updateStartedAt = 120
    record.updateFinishesAt = 125
    #expect(record.lifecycle(at: 121).status == .updateInProgress)
    #expect(record.lifecycle(at: 125).status == .updateComplete)
    record.deleteStartedAt = 130
    record.deleteFinishesAt = 132.5
    #expect(record.lifecycle(at: 131).status == .deleteInProgress)
    #expect(record.lifecycle(at: 131).isGone == false)
    #expect(record.lifecycle(at: 132.5).isGone)
  }

  @Test func zeroBuildTimeCompletesImmediatelyAndFailuresCarryAReason() {
    #expect(cluster(build: 0).lifecycle(at: 100).status == .createComplete)
    let failed = cluster(build: 0, fails: true).lifecycle(at: 100)
    #expect(failed.status == .createFailed)
    #expect(failed.statusReason?.isEmpty == false)
    #expect(!failed.acceptsUpdates)
  }

  @Test func addressesStartInTheCloudsBlockAndSkipBroadcastOctets() {
    #expect(NodeAddressAllocator.address(forIndex: 0, firstBlock: 256) == "127.1.0.1")
    #expect(NodeAddressAllocator.address(forIndex: 253, firstBlock: 256) == "127.1.0.254")
    #expect(NodeAddressAllocator.address(forIndex: 254, firstBlock: 256) == "127.1.1.1")
    #expect(NodeAddressAllocator.address(forIndex: 0, firstBlock: 300) == "127.1.44.1")
    #expect(NodeAddressAllocator.address(forIndex: 254, firstBlock: 65_535) == "127.1.0.1", "blocks wrap around")
    #expect(NodeAddressAllocator.address(forIndex: 0, firstBlock: 65_535) == "127.255.255.1")
  }
}
