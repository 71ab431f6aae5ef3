import Foundation

/// A resource that is a config file rendered for one load-balancer host (`haproxy.<host>`, `keepalived.<host>`):
/// creating and updating both render, check and deliver it; reading compares the file with what was written.
protocol RenderedConfigResource: ResourceType {
  /// Renders, checks, writes and delivers the file for `host`.
  func render(_ attributes: Attributes, host: String, context: ActionContext) async throws -> AppliedResource
  /// The digest recorded as `rendered_sha256` of a file's text.
  func digest(_ text: String) -> String
}

extension RenderedConfigResource {
  public var nameAttribute: String { "host" }

  public func generation(of address: ResourceAddress) -> String? { nil }

  public func create(_ attributes: Attributes, address: ResourceAddress, context: ActionContext) async throws
    -> AppliedResource
  {
    try await render(attributes, host: attributes["host"]?.stringValue ?? address.name, context: context)
  }

  public func update(_ attributes: Attributes, prior: RecordedResource, context: ActionContext) async throws
    -> AppliedResource
  {
    try await render(attributes, host: prior.attributes["host"]?.stringValue ?? prior.address.name, context: context)
  }

  public func delete(_ prior: RecordedResource, context: ActionContext) async throws {
    try RenderedConfig.delete(prior, context: context, digest: digest)
  }

  public func read(_ prior: RecordedResource, context: ActionContext) async throws -> AppliedResource? {
    RenderedConfig.read(prior, context: context, digest: digest)
  }

  /// A config is written in one step: an interrupted create leaves nothing to adopt, and rendering again is harmless.
  public func find(_ attributes: Attributes, context: ActionContext) async throws -> AppliedResource? { nil }
}

/// What the `haproxy.<host>` and `keepalived.<host>` resources share: a config file rendered under
/// `state/<env>/rendered/<host>/`, checked by the real daemon before it is written, and handed to the operator's
/// `deliver:` command after it changed. A file the daemon rejects is neither written nor delivered.
enum RenderedConfig {
  /// The `on_disk` value of a file as Cutover wrote it; anything else is drift.
  static let asRendered = "as rendered"
  static let editedOutside = "changed outside Cutover"
  /// A file missing here is drift, not a resource gone: the host may still run what was delivered, so the record (and
  /// the routes it holds for the guards) stays until the file is rendered again.
  static let missing = "missing"

  /// How long a `deliver:` command may run.
  static let deliverTimeout = Duration.seconds(600)

  /// Checks `check`, then writes `text` (0600, atomically) and runs the deliver command, if any. Every secret the run
  /// knows (`context.secrets`, to which `secret` is added) is masked in everything the deliver command prints before
  /// it reaches the journal or an error, whichever kind of config is delivered.
  /// - Returns: the id of the file written (its path inside the environment's directory).
  static func apply(
    kind: String, host: String, address: String?, file: String, text: String, secret: String? = nil,
    deliver: String?, check: () async throws -> DaemonConfigCheck.Report, context: ActionContext
  ) async throws -> String {
    let report: DaemonConfigCheck.Report
    do {
      report = try await check()
    } catch let error as DaemonConfigCheckError {
      throw ResourceActionError(
        "\(error.errorDescription ?? "\(error)")\nnothing was written or delivered for \(host)")
    } catch let error as LoadBalancerConfigError {
      throw ResourceActionError("\(error.errorDescription ?? "\(error)")")
    }
    await context.reportStatus("accepted by \(report.daemon)")
    for line in report.warnings + report.notes { await context.note("\(report.daemon): \(line)") }

    let path = try context.local.renderedPath(host: host, file: file)
    do {
      try PrivateFileWriter.write(Data(text.utf8), to: path)
    } catch let error as KubeconfigError {
      throw ResourceActionError(
        error.description.replacingOccurrences(of: "the kubeconfig", with: "the \(kind) config"))
    }
    let id = context.local.id(ofPath: path)
    guard let deliver else { return id }

    await context.reportStatus("delivering")
    var environment = ["CUTOVER_HOST": host, "CUTOVER_FILE": absolute(path), "CUTOVER_KIND": kind]
    if let address { environment["CUTOVER_HOST_ADDRESS"] = address }
    let outcome: ProcessOutcome
    do {
      outcome = try await ProcessRunner().runShell(deliver, environment: environment, timeout: deliverTimeout)
    } catch {
      throw ResourceActionError("the deliver command could not run: \(error.localizedDescription)")
    }
    if let secret { context.secrets.insert([secret]) }
    let output = context.secrets.mask(outcome.output.trimmingCharacters(in: .whitespacesAndNewlines))
    if !output.isEmpty { await context.note("deliver: \(output)") }
    guard outcome.succeeded else {
      let tail = output.split(separator: "\n").suffix(5).joined(separator: "\n")
      throw ResourceActionError(
        "the deliver command \(outcome.termination)"
          + (tail.isEmpty ? "" : ":\n\(tail)") + "\nthe file is rendered at \(path); the next apply delivers it again")
    }
    await context.reportStatus("delivered")
    return id
  }

  /// The recorded attributes as the file on disk has them: `on_disk` says whether it is still what Cutover wrote, or
  /// that it is missing. Never nil: see ``missing``.
  static func read(_ prior: RecordedResource, context: ActionContext, digest: (String) -> String) -> AppliedResource {
    var attributes = prior.attributes
    guard let id = prior.remoteID, let path = try? context.local.path(ofID: id),
      let data = FileManager.default.contents(atPath: path)
    else {
      attributes["on_disk"] = .string(missing)
      return AppliedResource(remoteID: prior.remoteID ?? "", attributes: attributes)
    }
    if let recorded = prior.attributes["rendered_sha256"]?.stringValue {
      let current = digest(String(decoding: data, as: UTF8.self))
      attributes["on_disk"] = .string(current == recorded ? asRendered : editedOutside)
    }
    return AppliedResource(remoteID: id, attributes: attributes)
  }

  /// Removes the file, unless it is no longer the one this object wrote. A deposed object's file is never removed: its
  /// path comes from its address, so the replacement has already rendered the new file over it.
  static func delete(_ prior: RecordedResource, context: ActionContext, digest: (String) -> String) throws {
    guard let id = prior.remoteID, prior.deposedKey == nil else { return }
    let path = try context.local.path(ofID: id)
    guard let data = FileManager.default.contents(atPath: path) else { return }
    if let recorded = prior.attributes["rendered_sha256"]?.stringValue,
      digest(String(decoding: data, as: UTF8.self)) != recorded
    {
      return
    }
    if unlink(path) != 0, errno != ENOENT {
      throw ResourceActionError("cannot delete \(path): \(String(cString: strerror(errno)))")
    }
  }

  private static func absolute(_ path: String) -> String {
    path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
  }
}
