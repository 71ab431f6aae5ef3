/// The steps before a plan: settle what an interrupted apply left unknown, read the recorded objects from the cloud,
/// then plan. Cloud access is requested only when a step needs it; without it (`plan --no-refresh`) every plan is
/// made offline, and what could not be checked is said in a warning.
public struct PlanPreparation: Sendable {
  public var catalog: ResourceCatalog
  public var store: any StateJournal
  /// Opens the cloud on first use; nil for a plan that must not reach it.
  public var cloud: (@Sendable () async throws -> CloudClients)?
  /// What keeps this machine from running the helm and kubectl a plan's releases and manifests need, found without
  /// the cloud (the tools on `PATH`; nothing for the simulated cloud, which plays them).
  public var kubernetesTools: @Sendable () async -> [String]
  /// The environment's keyed digests of what may hold a secret.
  public var digester: SensitiveDigester

  public init(
    catalog: ResourceCatalog = .standard, store: any StateJournal,
    cloud: (@Sendable () async throws -> CloudClients)?,
    kubernetesTools: @escaping @Sendable () async -> [String], digester: SensitiveDigester
  ) {
    self.catalog = catalog
    self.store = store
    self.cloud = cloud
    self.kubernetesTools = kubernetesTools
    self.digester = digester
  }

  /// The cloud, for a step that cannot be done without it.
  private func openCloud(for step: String) async throws -> CloudClients {
    guard let cloud else { throw CutoverError.cloud("\(step) needs the cloud, and this run may not reach it") }
    return try await cloud()
  }

  /// What the preparation found, with the plan.
  public struct Outcome: Sendable {
    public var plan: Plan
    /// Lines about interrupted actions that were settled.
    public var notes: [String]
    /// Those of the plan's warnings that say this machine cannot run the helm or kubectl its releases and manifests
    /// need: a command that leaves those out of its plan (a switch) drops them.
    public var kubernetesToolWarnings: [String] = []
  }

  /// Settles (with the lock held), refreshes (when asked) and plans.
  /// - Parameter locked: whether this run holds the state lock. Without it nothing in state is changed: actions an
  ///   interrupted apply left unsettled are reported, not settled.
  public func plan(
    environment: String, desired: DesiredState?, mode: Plan.Mode, refresh: Bool, locked: Bool = true,
    targets: [ResourceAddress] = [], replace: [ResourceAddress] = []
  ) async throws -> Outcome {
    var notes: [String] = []
    if locked, try Reconciler.needsCloud(store) {
      if let cloud {
        let reconciler = Reconciler(catalog: catalog, store: store, cloud: try await cloud(), digester: digester)
        notes = try await reconciler.reconcile(desired: desired.map(catalog.expand) ?? [])
      } else {
        notes.append(
          "an interrupted apply left actions whose outcome only the cloud can tell; this plan, made without reading"
            + " the cloud, takes the state as it stands (a plan that refreshes, or the next apply, settles them)")
      }
    } else if !locked, try store.hasUnfinishedApplies() {
      notes.append(
        "an apply is running or was interrupted; this plan reads the state as it stands (a plan with the lock"
          + " settles what an interrupted apply left)")
    }
    var recorded = try store.resources()
    var drift: [Drift] = []
    var inventory: [String: [String: String]] = [:]
    if refresh {
      let cloud = try await openCloud(for: "a refresh")
      let result = try await Refresher(catalog: catalog, cloud: cloud, digester: digester).refresh(recorded)
      (recorded, drift, inventory) = (result.resources, result.drift, result.inventory)
    }
    // Generations whose fingerprint the state records as an apply left them are not compared one by one.
    let fingerprints =
      mode == .apply && targets.isEmpty ? desired.map { GenerationFingerprints.of($0, digester: digester) } ?? [:] : [:]
    var plan = try Planner(catalog: catalog).plan(
      Planner.Request(
        environment: environment, desired: desired, recorded: recorded, stateVersion: try store.version(), mode: mode,
        targets: targets, replace: replace, drift: drift, inventory: inventory, digester: digester,
        fingerprints: fingerprints))
    if let encrypted = desired?.encryptedFiles, !encrypted.isEmpty {
      let reason =
        "\(encrypted.joined(separator: ", ")) \(encrypted.count == 1 ? "is" : "are") git-crypt ciphertext here (no key "
        + "to decrypt), so a change shows only as changed; apply where the files are decrypted (`git-crypt unlock`), "
        + "after planning there"
      plan.previewOnly = [reason]
      plan.warnings.append("this plan is a preview only: " + reason)
    }
    // helm and kubectl are looked for on this machine, never through the cloud: a plan without it still says what
    // they would stop.
    let readsReleases = refresh && recorded.contains { KubernetesWork.types.contains($0.address.type) }
    let deploys = KubernetesWork.needed(by: plan)
    let problems = readsReleases || deploys ? await kubernetesTools() : []
    var toolWarnings: [String] = []
    if deploys {
      toolWarnings = KubernetesWork.warnings(problems)
      plan.warnings += toolWarnings
    } else if readsReleases, !problems.isEmpty {
      plan.warnings.append(
        "releases and manifests were not read from their clusters (\(problems.joined(separator: "; "))): "
          + "changes made to them by hand are not shown")
    }
    return Outcome(plan: plan, notes: notes, kubernetesToolWarnings: toolWarnings)
  }

  /// Reads every recorded object from the cloud and records what it found, in one transaction.
  /// - Returns: the drift.
  public func refreshState() async throws -> [Drift] {
    let recorded = try store.resources()
    let cloud = try await openCloud(for: "a refresh")
    let result = try await Refresher(catalog: catalog, cloud: cloud, digester: digester).refresh(recorded)
    try store.recordRefresh(result.resources, gone: result.drift.filter { $0.kind == .gone })
    return result.drift
  }

  /// Checks a saved plan against the state and desired state it was made from, and returns it ready to execute,
  /// its desired resources taken from the desired state (a saved plan holds only digests of sensitive values).
  /// - Throws: `CutoverError.stalePlan` saying what moved.
  public func restoreSaved(_ plan: Plan, desired: DesiredState) throws -> Plan {
    guard plan.formatVersion == Plan.currentFormatVersion else {
      throw CutoverError.stalePlan(
        "it was written in format \(plan.formatVersion); this Cutover reads \(Plan.currentFormatVersion); plan again")
    }
    let version = try store.version()
    if version.lineage != plan.stateVersion.lineage {
      throw CutoverError.stalePlan(
        "it was made for state lineage \(plan.stateVersion.lineage), but \(store.location) has lineage \(version.lineage)"
          + " (the state was recreated); plan again")
    }
    if version.serial != plan.stateVersion.serial {
      throw CutoverError.stalePlan(
        "the state's serial moved from \(plan.stateVersion.serial) to \(version.serial) since it was made"
          + " (another apply ran); plan again")
    }
    // The generations the plan left out as unchanged count by their fingerprints now, as the plan counted them.
    var expanded = desired
    var unchanged: [String: String] = [:]
    if !plan.unchangedGenerations.isEmpty {
      let now = GenerationFingerprints.of(desired, digester: digester)
      unchanged = Dictionary(uniqueKeysWithValues: plan.unchangedGenerations.map { ($0, now[$0] ?? "") })
      expanded.generations.removeAll { unchanged[$0.id] != nil }
    }
    let resources = plan.mode == .destroy ? [] : catalog.expand(expanded)
    if Planner.digest(of: resources, unchanged: unchanged, digester: digester) != plan.desiredDigest {
      throw CutoverError.stalePlan("the desired state of \(plan.environment) changed since it was made; plan again")
    }
    // The file is the operator's own, but it is a file: the guards hold for it as for any plan.
    let violations = GenerationGuards(catalog: catalog).violations(
      of: plan, desiredLive: plan.mode == .destroy ? nil : desired.live, recorded: try store.resources())
    if !violations.isEmpty { throw CutoverError.guardViolation(violations) }
    var restored = plan
    restored.desired = resources
    return restored
  }
}
