import EnvironmentSettings
import Foundation
import NIOHTTP1
import TestSupport
import Testing

@testable import CloudSimulator

/// Each worker node of a built cluster answers on its ingress port, at its own 127.0.0.0/8 address.
@Suite struct IngressTests {
  @Test func healthAnswers503BeforePawsIsDeployedAnd200AfterOnEveryWorker() async throws {
    try await SimulatorHarness.with { cloud in
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      let cluster = try await cloud.createCluster(token: token, name: "paws-127d", template: template, workers: 3)
      let workers = try await cloud.workerAddresses(cluster, token: token)
      let shown = try await cloud.cluster(cluster, token: token).json
      let master = try #require(shown["master_addresses"]?.arrayValue?.first?.stringValue)
      try await cloud.waitForListeners(workers, among: [master])

      try await cloud.deployRelease("ingress-nginx", namespace: "ingress-nginx", on: cluster, token: token)
      for (index, worker) in workers.enumerated() {
        let health = try await cloud.ingress(worker)
        #expect(health.status == 503)
        #expect(health.json["reason"]?.stringValue?.contains("no release named paws") == true)
        #expect(health.header("X-Cutover-Cluster") == "paws-127d")
        #expect(health.header("X-Cutover-Node")?.hasSuffix("-node-\(index)") == true)
        #expect(try await cloud.ingress(worker, "/hub/login").status == 503)
      }

      try await cloud.deployRelease(on: cluster, token: token)
      for (index, worker) in workers.enumerated() {
        let health = try await cloud.ingress(worker)
        #expect(health.status == 200)
        #expect(health.json == ["status": "ok"])
        #expect(health.header("X-Cutover-Cluster") == "paws-127d")
        let page = try await cloud.ingress(worker, "/hub/login")
        #expect(page.status == 200)
        #expect(page.json["cluster"] == "paws-127d")
        #expect(page.json["node"]?.stringValue?.hasSuffix("-node-\(index)") == true)
        #expect(page.json["address"]?.stringValue == worker)
        #expect(page.json["path"] == "/hub/login")
      }
    }
  }

  @Test func listenersFollowCompletionResizeAndDelete() async throws {
    let clock = ManualClock()
    try await SimulatorHarness.with(clock.driving(SimulatorConfiguration(buildSeconds: 1))) { cloud in
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      let cluster = try await cloud.createCluster(token: token, name: "paws-128a", template: template, workers: 2)
      #expect(await cloud.cloud.ingressAddresses.isEmpty, "no port opens while the cluster builds")
      clock.advance(by: 1)
      let workers = try await cloud.workerAddresses(cluster, token: token)
      try await cloud.waitForListeners(workers)
      #expect(try await cloud.ingress(workers[0]).status == 503)

      let grow = try await cloud.magnum(
        .POST, "/clusters/\(cluster)/actions/resize", token: token, body: ["node_count": 3])
      #expect(grow.status == 202)
      let grown = try await cloud.workerAddresses(cluster, token: token)
      #expect(grown.count == 3)
      try await cloud.waitForListeners(grown)
      clock.advance(by: 0.5)
      #expect(try await cloud.cluster(cluster, token: token).json["status"] == "UPDATE_COMPLETE")

      let shrink = try await cloud.magnum(
        .POST, "/clusters/\(cluster)/actions/resize", token: token, body: ["node_count": 1])
      #expect(shrink.status == 202)
      try await cloud.waitForListeners([grown[0]], among: grown)

      #expect(try await cloud.magnum(.DELETE, "/clusters/\(cluster)", token: token).status == 204)
      try await cloud.waitForListeners([], among: grown)
      // The port is free again: something else can listen there.
      let successor = try await LoopbackServer.start(
        host: grown[0], port: SimulatorHarness.ingressPort, logger: .init(label: "successor")
      ) { _, _ in JSONResponse.empty(.ok) }
      await successor.stop()
    }
  }

  @Test func aTakenIngressAddressFailsSoftlyAndIsRetried() async throws {
    var configuration = SimulatorConfiguration(buildSeconds: 0)
    let block = AddressBlocks.next()
    configuration.nodeAddressBlock = block
    // The cloud's third address (master, then workers) is its second worker's.
    let taken = "127.\(block / 256).\(block % 256).3"
    let squatter = try await LoopbackServer.start(
      host: taken, port: SimulatorHarness.ingressPort, logger: .init(label: "squatter")
    ) { _, _ in JSONResponse.text(.ok, "squatter") }
    do {
      try await SimulatorHarness.with(configuration) { cloud in
        let token = try await cloud.issueToken()
        let template = try await cloud.createTemplate(token: token)
        let cluster = try await cloud.createCluster(token: token, name: "paws-127d", template: template, workers: 2)
        let workers = try await cloud.workerAddresses(cluster, token: token)
        #expect(workers.last == taken)
        try await cloud.waitForListeners([workers[0]])
        #expect(try await cloud.ingress(workers[0]).header("X-Cutover-Cluster") == "paws-127d")
        #expect(try await cloud.ingress(taken).text == "squatter")
        #expect(try await cloud.magnum(.GET, "/clusters", token: token).status == 200, "the simulator still serves")

        await squatter.stop()
        try await cloud.waitForListeners(workers)
        #expect(try await cloud.ingress(taken).header("X-Cutover-Cluster") == "paws-127d")
      }
    } catch {
      await squatter.stop()
      throw error
    }
  }

  @Test func shutdownReleasesEveryIngressPort() async throws {
    let cloud = try await SimulatorHarness.start(SimulatorConfiguration(buildSeconds: 0))
    let workers: [String]
    do {
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      let cluster = try await cloud.createCluster(token: token, name: "paws-127d", template: template, workers: 2)
      workers = try await cloud.workerAddresses(cluster, token: token)
      try await cloud.waitForListeners(workers)
    } catch {
      await cloud.stop()
      throw error
    }
    await cloud.stop()
    for worker in workers {
      let server = try await LoopbackServer.start(
        host: worker, port: SimulatorHarness.ingressPort, logger: .init(label: "after")
      ) { _, _ in JSONResponse.empty(.ok) }
      await server.stop()
    }
  }

  @Test func aSimulatorStartedOnABuiltCloudOpensItsPortsBeforeReturning() async throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("ingress-\(UUID().uuidString).sqlite").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    var configuration = SimulatorConfiguration(databasePath: path, buildSeconds: 0)
    configuration.nodeAddressBlock = AddressBlocks.next()
    let workers = try await SimulatorHarness.with(configuration) { cloud in
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      let cluster = try await cloud.createCluster(token: token, name: "paws-127d", template: template, workers: 2)
      return try await cloud.workerAddresses(cluster, token: token)
    }
    try await SimulatorHarness.with(configuration) { cloud in
      #expect(await cloud.cloud.ingressAddresses == Set(workers))
      let health = try await cloud.ingress(workers[1])
      #expect(health.status == 503)
    }
  }

  @Test func noIngressPortIsOpenedWhenTheyAreTurnedOff() async throws {
    var configuration = SimulatorConfiguration(buildSeconds: 0)
    configuration.ingressPort = nil
    try await SimulatorHarness.with(configuration) { cloud in
      let token = try await cloud.issueToken()
      let template = try await cloud.createTemplate(token: token)
      _ = try await cloud.createCluster(token: token, name: "paws-127d", template: template)
      #expect(await cloud.cloud.ingressAddresses.isEmpty)
    }
    let off = try SimulatorConfiguration.fromEnvironment(
      ["CUTOVER_SIMULATOR_INGRESS_PORT": "0"], databasePath: nil, project: "paws")
    #expect(off.ingressPort == nil)
    let other = try SimulatorConfiguration.fromEnvironment(
      ["CUTOVER_SIMULATOR_INGRESS_PORT": "31000"], databasePath: nil, project: "paws")
    #expect(other.ingressPort == 31000)
    #expect(throws: EnvironmentSettingError.self) {
      try SimulatorConfiguration.fromEnvironment(
        ["CUTOVER_SIMULATOR_INGRESS_PORT": "30001.5"], databasePath: nil, project: "paws")
    }
  }
}
