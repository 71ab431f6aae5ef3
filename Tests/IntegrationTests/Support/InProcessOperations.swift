import CloudSimulator
import CutoverKit
import Foundation
import OpenStack
import Synchronization
import TestSupport

/// Output an operation writes, kept for the test to read; every question is answered as `answers` says.
final class RecordingOutput: OperationOutput {
  private struct Fields {
    var lines: [String] = []
    var notes: [String] = []
    var warnings: [String] = []
    var errors: [String] = []
    var questions: [String] = []
  }

  private let fields = Mutex(Fields())
  /// Whether a question is answered `yes`.
  let answers: Bool

  init(answers: Bool = true) {
    self.answers = answers
  }

  func line(_ text: String) { fields.withLock { $0.lines.append(text) } }
  func write(_ text: String) { fields.withLock { $0.lines += text.split(separator: "\n").map(String.init) } }
  func note(_ text: String) { fields.withLock { $0.notes.append(text) } }
  func warning(_ text: String) { fields.withLock { $0.warnings.append(text) } }
  func error(_ text: String) { fields.withLock { $0.errors.append(text) } }
  func confirm(_ question: String, action: String) throws {
    fields.withLock { $0.questions.append(question) }
    guard answers else { throw CutoverError.cancelled("\(action) cancelled; nothing was changed") }
  }
  var progress: any ApplyObserver { SilentProgress() }
  var color: Bool { false }

  var lines: [String] { fields.withLock { $0.lines } }
  var notes: [String] { fields.withLock { $0.notes } }
  var warnings: [String] { fields.withLock { $0.warnings } }
  var questions: [String] { fields.withLock { $0.questions } }
  var text: String { lines.joined(separator: "\n") }
}

private struct SilentProgress: ApplyObserver {
  func handle(_ event: ApplyEvent) async {}
}

extension Workspace {
  /// A session on this workspace's `eqiad1`, run in this process: the simulated cloud (clusters built at once) is
  /// started here on the workspace's database, as `cutover --simulate` starts it.
  func session(output: RecordingOutput = RecordingOutput()) -> OperationSession {
    OperationSession(
      environment: "eqiad1", paths: WorkspacePaths(clustersDirectory: path("clusters"), stateDirectory: path("state")),
      cloud: .simulated { databasePath, project, ingressPort in
        var configuration = SimulatorConfiguration(databasePath: databasePath, buildSeconds: 0, project: project)
        configuration.ingressPort = ingressPort
        let simulator = try await CloudSimulator.start(configuration: configuration)
        return RunningSimulator(
          config: CloudConfig(
            name: "simulator", authURL: simulator.authURL,
            auth: .applicationCredential(
              id: configuration.applicationCredentialID, name: nil,
              secret: configuration.applicationCredentialSecret, userName: nil, userID: nil, userDomainName: nil)),
          kubernetesURL: simulator.kubernetesURL, shutdown: { await simulator.shutdown() })
      },
      output: output, variables: ["HOME": home.path])
  }
}
