import OpenStack

/// `cutover generation verify ENV GEN`: the checklist a generation must pass before traffic moves to it, printed
/// as it is and recorded in the journal.
public struct VerifyOperation: Sendable {
  public var session: OperationSession
  public var generation: String

  public init(session: OperationSession, generation: String) {
    self.session = session
    self.generation = generation
  }

  /// Verifies under its own run, without the lock (a verification changes nothing a plan is made from).
  /// - Throws: `CutoverError.refused` when a check failed.
  public func run() async throws {
    let cloud = try session.cloud(probesIngress: true)
    let generation = generation
    let session = session
    try await session.run(command: "generation verify", lock: false) {
      let verification = try await Self.verify(
        generation, session: session, cloud: cloud, command: "generation verify \(session.environment)")
      guard verification.passed else {
        throw CutoverError.refused(
          "generation \(generation) did not verify: \(verification.failures.count) of "
            + "\(verification.checks.count) checks failed")
      }
      session.output.line("generation \(generation) verified: \(verification.checks.count) checks passed")
    }
  }

  /// Runs the checklist inside a run that already holds what it needs, prints it, and records it.
  static func verify(_ generation: String, session: OperationSession, cloud: CloudAccess, command: String)
    async throws -> GenerationVerification
  {
    let desired = try session.desired()
    let store = try session.store()
    let clients = try await cloud.clients()
    let http = try AsyncHTTPClientTransport()
    let verification: GenerationVerification
    do {
      verification = try await GenerationVerifier(
        desired: desired, recorded: try store.resources(), access: GenerationAccess(cloud: clients), http: http,
        healthPath: desired.webProxies?.healthPath ?? WebProxies.defaultHealthPath
      ).verify(generation)
    } catch {
      try? await http.shutdown()
      throw error
    }
    try? await http.shutdown()
    session.output.line("Verifying generation \(generation) of \(desired.environment):")
    for check in verification.checks { session.output.line("  " + check.line) }
    try store.recordVerification(
      generation: generation, passed: verification.passed, checks: verification.lines, command: command,
      identity: .current)
    return verification
  }
}
