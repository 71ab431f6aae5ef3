import Foundation

/// Runs kubectl for Cutover: applies and deletes plain manifests, and reads a generation's nodes.
public struct KubectlClient: Sendable {
  /// The kubectl executable: a bare name looked up on `PATH`, or a path.
  public var executable: String
  /// Runs the processes.
  public var runner: ProcessRunner
  /// Variables added to kubectl's environment, on top of Cutover's own.
  public var environment: [String: String]
  /// The deadline of commands that only read (`get nodes`, `version`).
  public var readTimeout: Duration
  /// The deadline of `apply` and `delete`; `delete` waits for finalizers, so this is generous.
  public var writeTimeout: Duration

  public init(
    executable: String = "kubectl", runner: ProcessRunner = ProcessRunner(), environment: [String: String] = [:],
    readTimeout: Duration = .seconds(60), writeTimeout: Duration = .seconds(600)
  ) {
    self.executable = executable
    self.runner = runner
    self.environment = environment
    self.readTimeout = readTimeout
    self.writeTimeout = writeTimeout
  }

  private var commands: KubernetesCommandRunner {
    KubernetesCommandRunner(runner: runner, environment: environment)
  }

  /// Applies a manifest file server-side as field manager `cutover`.
  ///
  /// - Parameters:
  ///   - workingDirectory: Where a relative `file` resolves.
  /// - Returns: The run, whose output lists each object (`storageclass.storage.k8s.io/standard serverside-applied`).
  /// - Throws: ``KubernetesToolError``; a conflict with another field manager is a failure unless `forceConflicts`.
  public func apply(
    file: String, target: KubernetesTarget, forceConflicts: Bool = false, workingDirectory: String? = nil
  ) async throws(KubernetesToolError) -> ToolRun {
    try await commands.run(
      KubectlCommands.apply(file: file, target: target, forceConflicts: forceConflicts, kubectl: executable),
      workingDirectory: workingDirectory, timeout: writeTimeout)
  }

  /// Deletes what a manifest file describes; objects already gone are not an error.
  public func delete(
    file: String, target: KubernetesTarget, workingDirectory: String? = nil
  ) async throws(KubernetesToolError) -> ToolRun {
    try await commands.run(
      KubectlCommands.delete(file: file, target: target, kubectl: executable), workingDirectory: workingDirectory,
      timeout: writeTimeout)
  }

  /// The objects of a manifest file that exist on the cluster, as `kind.group/name`
  /// (`storageclass.storage.k8s.io/standard`); empty when none does.
  ///
  /// - Parameters:
  ///   - workingDirectory: Where a relative `file` resolves.
  public func get(
    file: String, target: KubernetesTarget, workingDirectory: String? = nil
  ) async throws(KubernetesToolError) -> [String] {
    let run = try await commands.run(
      KubectlCommands.get(file: file, target: target, kubectl: executable), workingDirectory: workingDirectory,
      timeout: readTimeout)
    // Standard error is interleaved (`Warning: …`, a group-readable kubeconfig): only `kind/name` lines are names.
    return run.output.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter {
      $0.contains("/") && !$0.contains(where: \.isWhitespace)
    }
  }

  /// Lists the cluster's nodes with their readiness and internal addresses.
  public func nodes(target: KubernetesTarget) async throws(KubernetesToolError) -> [KubernetesNode] {
    let command = KubectlCommands.getNodes(target: target, kubectl: executable)
    let run = try await commands.run(command, timeout: readTimeout)
    do {
      return try KubernetesNode.parseList(run.output)
    } catch {
      throw .unreadableOutput(command: command.displayLine, problem: error.description)
    }
  }

  /// Reads the client's version (`kubectl version --client -o json`).
  public func version() async throws(KubernetesToolError) -> ToolVersion {
    let command = KubectlCommands.version(kubectl: executable)
    let run = try await commands.run(command, timeout: readTimeout)
    do {
      return try ToolVersion.parseKubectlVersion(run.output)
    } catch {
      throw .unreadableOutput(command: command.displayLine, problem: error.description)
    }
  }
}
