import EnvironmentSettings
import Testing

@testable import CloudSimulator

/// Settings from the environment, and where the simulator may listen.
@Suite struct ConfigurationTests {
  @Test func environmentOverridesDefaults() throws {
    let configuration = try SimulatorConfiguration.fromEnvironment(
      [
        "CUTOVER_SIMULATOR_BUILD_SECONDS": "0.5",
        "CUTOVER_SIMULATOR_ERROR_RATE": "0.1",
        "CUTOVER_SIMULATOR_RATE_LIMIT_RATE": "0.2",
        "CUTOVER_SIMULATOR_LATENCY_MS": "150",
        "CUTOVER_SIMULATOR_FAIL_CLUSTERS": "paws-3, paws-4,,",
        "CUTOVER_SIMULATOR_DRIFT_NODE_COUNT": "paws-127d=3, paws-128a = 0,",
        "UNRELATED": "x",
      ],
      databasePath: "/tmp/state.sqlite", project: "pawsdev")
    #expect(configuration.buildSeconds == 0.5)
    #expect(configuration.faults.errorRate == 0.1)
    #expect(configuration.faults.rateLimitRate == 0.2)
    #expect(configuration.faults.latency == .milliseconds(150))
    #expect(configuration.faults.failingClusters == ["paws-3", "paws-4"])
    #expect(configuration.faults.nodeCountDrift == ["paws-127d": 3, "paws-128a": 0])
    #expect(configuration.databasePath == "/tmp/state.sqlite")
    #expect(configuration.project == "pawsdev")
    #expect(configuration.applicationCredentialID == "cutover-simulator")
    #expect(configuration.applicationCredentialSecret == "simulator-secret")
    #expect(configuration.logLevel == nil)
  }

  @Test func emptyEnvironmentKeepsDefaults() throws {
    let configuration = try SimulatorConfiguration.fromEnvironment([:], databasePath: nil, project: "paws")
    #expect(configuration.buildSeconds == 5)
    #expect(configuration.faults == FaultInjection())
    #expect(configuration.databasePath == nil)
  }

  @Test(arguments: [
    ("CUTOVER_SIMULATOR_BUILD_SECONDS", "soon"),
    ("CUTOVER_SIMULATOR_BUILD_SECONDS", "-1"),
    ("CUTOVER_SIMULATOR_ERROR_RATE", "1.5"),
    ("CUTOVER_SIMULATOR_RATE_LIMIT_RATE", "nan"),
    ("CUTOVER_SIMULATOR_LATENCY_MS", "fast"),
    ("CUTOVER_SIMULATOR_LOG_LEVEL", "loud"),
    ("CUTOVER_SIMULATOR_DRIFT_NODE_COUNT", "paws-127d"),
    ("CUTOVER_SIMULATOR_DRIFT_NODE_COUNT", "paws-127d=-1"),
    ("CUTOVER_SIMULATOR_DRIFT_NODE_COUNT", "=3"),
    ("CUTOVER_SIMULATOR_BUILD_SECONDS", "inf"),
    ("CUTOVER_SIMULATOR_BUILD_SECONDS", "1e300"),
    ("CUTOVER_SIMULATOR_LATENCY_MS", "0x10"),
    ("CUTOVER_SIMULATOR_INGRESS_PORT", "65536"),
  ])
  func unparsableValuesThrowAClearError(variable: String, value: String) throws {
    let error = #expect(throws: EnvironmentSettingError.self) {
      try SimulatorConfiguration.fromEnvironment([variable: value], databasePath: nil, project: "paws")
    }
    #expect(error?.variable == variable)
    #expect(error?.description.contains(variable) == true)
    #expect(error?.description.contains(value) == true)
  }

  @Test(arguments: ["0.0.0.0", "10.0.0.1", "192.168.1.1", "::", "example.org", "128.0.0.1"])
  func nonLoopbackHostsAreRefused(host: String) async throws {
    await #expect(throws: CloudSimulatorError.hostNotLoopback(host)) {
      _ = try await CloudSimulator.start(configuration: SimulatorConfiguration(), host: host)
    }
  }

  @Test func anyLoopbackAddressIsAccepted() async throws {
    let cloud = try await CloudSimulator.start(configuration: SimulatorConfiguration(), host: "127.0.0.1", port: 0)
    #expect(cloud.port > 0)
    #expect(cloud.authURL == "http://127.0.0.1:\(cloud.port)/identity/v3")
    await cloud.shutdown()
    await cloud.shutdown()
    #expect(LoopbackHost.bindAddress(for: "127.3.2.1") == "127.3.2.1")
    #expect(LoopbackHost.bindAddress(for: "::1") == "::1")
    #expect(LoopbackHost.bindAddress(for: "localhost") == "127.0.0.1")
  }

  @Test func aTakenPortFailsToStart() async throws {
    let first = try await CloudSimulator.start(configuration: SimulatorConfiguration())
    defer { Task { await first.shutdown() } }
    await #expect(throws: CloudSimulatorError.self) {
      _ = try await CloudSimulator.start(configuration: SimulatorConfiguration(), port: first.port)
    }
    await first.shutdown()
  }
}
