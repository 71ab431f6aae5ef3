import ArgumentParser
import CloudSimulator
import CutoverKit
import Foundation

/// `cutover simulator serve`: the simulated cloud as a standalone server on loopback.
struct SimulatorCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "simulator", abstract: "Run the simulated OpenStack cloud.", subcommands: [Serve.self])

  struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "serve",
      abstract:
        "Serve Keystone, Magnum, Neutron, Nova, Swift's object store and the web-proxy API on loopback until "
        + "interrupted.")

    @Option(help: "Port on 127.0.0.1 (0 picks a free one).") var port = 0
    @Option(help: "SQLite file keeping the simulated cloud; omitted: in memory.") var database: String?
    @Option(help: "The project (its id equals its name).") var project = "paws"
    @Option(
      help: ArgumentHelp(
        "Also serve the web-proxy data plane on this port of 127.0.0.1 (0 picks a free one), routing by Host to "
          + "each proxied domain's backends; omitted: none."))
    var dataPlanePort: Int?
    @Option(help: "Also write a clouds.yaml (mode 0600) with an entry `simulator` that reaches this server.")
    var cloudsYaml: String?
    @Flag(
      help: ArgumentHelp(
        "With --clouds-yaml: Cutover plays helm and kubectl against this server's Kubernetes API, as --simulate does, "
          + "instead of running the real ones."))
    var playKubernetes = false
    @Flag(name: .customLong("no-color"), help: "Accepted as everywhere; this command prints no colour.")
    var noColor = false

    func validate() throws {
      guard (0...65_535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
      if playKubernetes, cloudsYaml == nil { throw ValidationError("--play-kubernetes needs --clouds-yaml") }
      if let dataPlanePort, !(0...65_535).contains(dataPlanePort) {
        throw ValidationError("--data-plane-port must be from 0 to 65535")
      }
    }

    func run() async throws {
      try await reportingErrors {
        var settings = try SimulatorConfiguration.fromEnvironment(
          ProcessInfo.processInfo.environment, databasePath: database, project: project)
        settings.dataPlanePort = dataPlanePort
        let simulator = try await CloudSimulator.start(configuration: settings, port: port)
        if let cloudsYaml {
          try writeCloudsYAML(to: cloudsYaml, simulator: simulator, settings: settings)
        }
        Terminal.line("Simulated cloud listening on 127.0.0.1:\(simulator.port)")
        Terminal.line("  auth_url: \(simulator.authURL)")
        Terminal.line("  auth_type: v3applicationcredential")
        Terminal.line("  application_credential_id: \(settings.applicationCredentialID)")
        Terminal.line("  application_credential_secret: \(settings.applicationCredentialSecret) (a fixed test secret)")
        Terminal.line("  project: \(settings.project)")
        if let dataPlaneURL = simulator.dataPlaneURL {
          Terminal.line("  data plane: \(dataPlaneURL) (web-proxy routes by Host)")
        }
        if let ingressPort = settings.ingressPort {
          Terminal.line("  ingress: port \(ingressPort) on every worker node address of a built cluster")
        }
        Terminal.line("  request counts: \(simulator.requestCountsURL) (GET: by method and route; DELETE: reset)")
        if let cloudsYaml {
          Terminal.line(
            "  clouds.yaml: \(cloudsYaml) (entry `simulator`; OS_CLIENT_CONFIG_FILE=\(cloudsYaml) --cloud simulator)")
        }
        Terminal.line("Ctrl-C stops it.")
        let (stop, continuation) = AsyncStream.makeStream(of: Int32.self)
        let watcher = SignalWatcher(signals: [SIGINT, SIGTERM]) { continuation.yield($0) }
        for await _ in stop { break }
        watcher.cancel()
        await simulator.shutdown()
      }
    }

    /// A `clouds.yaml` any OpenStack client can use to reach the simulator like a real cloud.
    private func writeCloudsYAML(to path: String, simulator: CloudSimulator, settings: SimulatorConfiguration) throws {
      let text = """
        # Written by `cutover simulator serve`: the simulated cloud on loopback.
        clouds:
          simulator:
            auth_type: v3applicationcredential
            auth:
              auth_url: \(simulator.authURL)
              application_credential_id: \(settings.applicationCredentialID)
              application_credential_secret: \(settings.applicationCredentialSecret)
            region_name: eqiad1-r
            interface: public
            identity_api_version: 3

        """
        + (playKubernetes
          ? """
              # Cutover plays helm and kubectl against the simulator's Kubernetes API (other clients ignore this key).
              cutover_simulated_kubernetes: \(simulator.kubernetesURL)

          """ : "")
      // Never over an existing file: it may be the operator's own clouds.yaml, with real credentials in it.
      let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
      guard descriptor >= 0 else {
        let reason = errno == EEXIST ? "it already exists; name a new file" : String(cString: strerror(errno))
        throw CutoverError.usage("cannot write \(path): \(reason)")
      }
      defer { close(descriptor) }
      var bytes = Array(text.utf8)[...]
      while !bytes.isEmpty {
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if written < 0, errno == EINTR { continue }
        guard written > 0 else {
          throw CutoverError.usage("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        bytes = bytes.dropFirst(written)
      }
    }
  }
}
