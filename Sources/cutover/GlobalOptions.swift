import ArgumentParser
import CloudSimulator
import CutoverKit
import Foundation
import OpenStack

/// Options every environment command takes.
struct GlobalOptions: ParsableArguments {
  @Flag(help: "Use the embedded simulated cloud, kept in state/<env>.simulated-cloud.sqlite, instead of OpenStack.")
  var simulate = false

  @Option(help: "Directory holding <env>.yaml.")
  var clusters = "clusters"

  @Option(help: "Directory holding <env>.sqlite.")
  var state = "state"

  @Option(
    help: """
      The clouds.yaml entry to use, instead of OS_CLOUD or the environment file's `cloud:`; `envvars` means the \
      OS_* variables (OS_AUTH_URL and the credential's).
      """)
  var cloud: String?

  @Flag(name: .customLong("no-color"), help: "Plain output (also when NO_COLOR is set).")
  var noColor = false

  var paths: WorkspacePaths { WorkspacePaths(clustersDirectory: clusters, stateDirectory: state) }
  var color: Bool { Terminal.useColor(noColorFlag: noColor) }

  /// The session every operation on `environment` runs in: these options' files and cloud, output to the terminal,
  /// and a run stopped by SIGINT, SIGTERM or SIGHUP (see ``RunStop``).
  func session(_ environment: String) -> OperationSession {
    OperationSession(
      environment: environment, paths: paths,
      cloud: simulate ? .simulated(Self.startSimulator) : .named(cloud),
      output: TerminalOutput(color: color), rerunOptions: rerunOptions, makeStop: { RunStop() })
  }

  /// The options a printed command line needs to reach the same files and cloud as this run.
  private var rerunOptions: [String] {
    var options: [String] = []
    if clusters != "clusters" { options += ["--clusters", clusters] }
    if state != "state" { options += ["--state", state] }
    if simulate { options.append("--simulate") }
    if let cloud { options += ["--cloud", cloud] }
    return options
  }

  /// Starts the simulated cloud of `--simulate` in this process, on a loopback port. It lives for one command and
  /// serves no traffic: no worker ingress listeners unless the command probes them (or the variable asks for them).
  @Sendable static func startSimulator(databasePath: String, project: String, ingressPort: Int?) async throws
    -> RunningSimulator
  {
    let environment = ProcessInfo.processInfo.environment
    var settings = try SimulatorConfiguration.fromEnvironment(
      environment, databasePath: databasePath, project: project)
    if environment[SimulatorConfiguration.EnvironmentKey.ingressPort] == nil { settings.ingressPort = ingressPort }
    let simulator = try await CloudSimulator.start(configuration: settings)
    let config = CloudConfig(
      name: "simulator", authURL: simulator.authURL,
      auth: .applicationCredential(
        id: settings.applicationCredentialID, name: nil, secret: settings.applicationCredentialSecret,
        userName: nil, userID: nil, userDomainName: nil))
    // CUTOVER_SIMULATOR_STATS=1: what the run asked of the cloud, a line on stderr as the simulator stops.
    let stats = ["1", "true", "yes"].contains(environment["CUTOVER_SIMULATOR_STATS"]?.lowercased() ?? "")
    return RunningSimulator(
      config: config, kubernetesURL: simulator.kubernetesURL,
      shutdown: {
        if stats { Terminal.note("simulator: \(simulator.requests.summary)") }
        await simulator.shutdown()
      })
  }
}

/// Operations' output on the terminal: results on stdout, warnings, errors and questions as ``Terminal`` writes them.
struct TerminalOutput: OperationOutput {
  var color: Bool

  func line(_ text: String) { Terminal.line(text) }
  func write(_ text: String) { Terminal.out(text) }
  func note(_ text: String) { Terminal.note(text) }
  func warning(_ text: String) { Terminal.warning(text) }
  func error(_ text: String) { Terminal.error(text) }
  func confirm(_ question: String, action: String) throws { try Terminal.confirm(question, action: action) }
  var progress: any ApplyObserver { ProgressPrinter(color: color) }
}
