import Foundation
import HeapModule
import OpenStack
import Synchronization

/// Executes a plan against the cloud: independent actions in parallel (bounded), each journaled before and after its
/// cloud call and its result committed to state the moment it lands.
public struct Executor: Sendable {
  public var catalog: ResourceCatalog
  public var store: any StateJournal
  public var cloud: CloudClients
  /// Digests what state records of values that may hold a secret.
  public var digester: SensitiveDigester
  public var parallelism: Int
  public var polling: PollingPolicy
  /// How often a running action reports that it still runs.
  public var progressInterval: Duration

  public init(
    catalog: ResourceCatalog = .standard, store: any StateJournal, cloud: CloudClients, digester: SensitiveDigester,
    parallelism: Int = 10, polling: PollingPolicy = .init(), progressInterval: Duration = .seconds(10)
  ) {
    self.catalog = catalog
    self.store = store
    self.cloud = cloud
    self.digester = digester
    self.parallelism = max(1, parallelism)
    self.polling = polling
    self.progressInterval = progressInterval
  }

  /// Runs every action of the plan; returns what happened. Never throws for an action's failure: that is in the
  /// result and the journal. Throws only when the state itself cannot be written.
  public func execute(_ plan: Plan, command: String, identity: ProcessIdentity, observer: any ApplyObserver)
    async throws
    -> ApplyResult
  {
    let started = ContinuousClock.now
    let steps = ExecutionGraph(plan: plan)
    // The state takes what the plan's refresh read as the apply starts: the plan was computed from it.
    let applyID = try store.beginApply(
      command: command, summary: plan.summary.compact, identity: identity, refreshed: plan.drift)
    let secrets = RunSecrets(plan: plan, catalog: catalog, local: cloud.local)
    let desired = Dictionary(plan.desired.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })

    var remaining = steps.dependencyCounts
    var ready = Heap(steps.labels.filter { remaining[$0] == 0 })
    var succeeded: [ActionLabel] = []
    var failed: [ActionLabel: String] = [:]
    var skipped = Set<ActionLabel>()
    var running = 0

    await withTaskGroup(of: (ActionLabel, String?).self) { group in
      func launch() {
        while running < parallelism, let label = ready.popMin() {
          if skipped.contains(label) { continue }
          running += 1
          let step = steps.changes[label]!
          let deposeKey = steps.deposeKeys[label]
          group.addTask {
            let error = await run(
              label, change: step, desired: desired[label.address], deposeKey: deposeKey, applyID: applyID,
              observer: observer, secrets: secrets)
            return (label, error)
          }
        }
      }
      launch()
      while let (label, error) = await group.next() {
        running -= 1
        if let error {
          failed[label] = error
          for dependent in steps.transitiveDependents(of: label) where !skipped.contains(dependent) {
            skipped.insert(dependent)
            await observer.handle(.skipped(dependent, because: label.address))
          }
        } else {
          succeeded.append(label)
        }
        for dependent in steps.dependents[label] ?? [] {
          remaining[dependent]! -= 1
          if remaining[dependent] == 0, !skipped.contains(dependent) {
            ready.insert(dependent)
          }
        }
        if Task.isCancelled {
          ready = Heap()
        }
        launch()
      }
    }

    let cancelled = Task.isCancelled
    let outcome: ApplyRecord.Outcome = cancelled ? .interrupted : failed.isEmpty ? .succeeded : .failed
    if outcome == .succeeded, skipped.isEmpty {
      // Only what lets later plans leave generations out: a state that cannot take it fails `finishApply` next.
      try? ConvergedGenerations(catalog: catalog, store: store).record(plan)
    }
    try store.finishApply(applyID, outcome: outcome, error: failed.sorted { $0.key < $1.key }.first?.value)
    return ApplyResult(
      succeeded: succeeded.sorted(), failed: failed, skipped: skipped.sorted(), elapsed: ContinuousClock.now - started)
  }

  // MARK: - One action

  /// Runs one action; returns the error text on failure.
  private func run(
    _ label: ActionLabel, change: PlannedChange, desired: DesiredResource?, deposeKey: String?, applyID: Int64,
    observer: any ApplyObserver, secrets: RunSecrets
  ) async -> String? {
    let started = ContinuousClock.now
    guard let type = catalog[label.address.type] else {
      return "unknown resource type \(label.address.type)"
    }
    let actionID: Int64
    do {
      actionID = try store.beginAction(
        applyID: applyID, address: label.address, deposedKey: label.deposedKey, action: label.kind)
    } catch {
      await observer.handle(.failed(label, error: "\(error.localizedDescription)", elapsed: .zero))
      return error.localizedDescription
    }
    await observer.handle(.started(label))
    let ticker = Task {
      while !Task.isCancelled {
        try? await Task.sleep(for: progressInterval)
        if Task.isCancelled { break }
        await observer.handle(.stillRunning(label, elapsed: ContinuousClock.now - started))
      }
    }
    defer { ticker.cancel() }

    do {
      let result = try await perform(
        label, change: change, type: type, desired: desired, deposeKey: deposeKey, actionID: actionID,
        started: started, observer: observer, secrets: secrets)
      try store.finishAction(actionID, address: label.address, deposedKey: label.deposedKey, resource: result)
      await observer.handle(.finished(label, remoteID: result?.remoteID, elapsed: ContinuousClock.now - started))
      return nil
    } catch {
      let message = secrets.mask(Self.describe(error))
      // A write the cloud did not take as planned: record what it holds, so the next plan starts from the truth.
      try? store.failAction(actionID, error: message, observed: (error as? ReadBackMismatch)?.observed)
      if label.kind == .create, (error as? ResourceActionError)?.objectFailed == true,
        var recorded = try? store.resource(label.address), recorded.status == .creating
      {
        // The object exists but never became usable: record that, so the next plan replaces it.
        recorded.status = .tainted
        try? store.record([recorded])
      }
      await observer.handle(.failed(label, error: message, elapsed: ContinuousClock.now - started))
      return message
    }
  }

  /// The cloud call of one action. Returns what to record at the address (nil: the object is gone).
  private func perform(
    _ label: ActionLabel, change: PlannedChange, type: any ResourceType, desired: DesiredResource?,
    deposeKey: String?, actionID: Int64, started: ContinuousClock.Instant, observer: any ApplyObserver,
    secrets: RunSecrets
  ) async throws -> RecordedResource? {
    let store = self.store
    let digester = self.digester
    var context = ActionContext(
      cloud: cloud, digester: digester, polling: polling,
      reportStatus: { status in
        let status = secrets.mask(status)
        try? store.noteAction(actionID, status)
        await observer.handle(.status(label, status, elapsed: ContinuousClock.now - started))
      },
      note: { text in try? store.noteAction(actionID, secrets.mask(text)) }, secrets: secrets,
      sightings: ActionSightings())

    switch label.kind {
    case .delete:
      let prior =
        try store.resource(label.address, deposedKey: label.deposedKey)
        ?? RecordedResource(address: label.address, remoteID: change.remoteID, attributes: change.before ?? [:])
      try await retryingTransientFailures(actionID: actionID) { _ in
        try await type.delete(prior, context: context)
      }
      return nil

    case .update:
      guard let desired else { throw ResourceActionError("\(label.address) is not in the plan's desired state") }
      let attributes = try resolve(desired, planned: change)
      let applied = try await retryingTransientFailures(actionID: actionID) { _ in
        guard let prior = try store.resource(label.address) else {
          throw ResourceActionError("\(label.address) is no longer recorded in state")
        }
        return try await type.update(attributes, prior: prior, context: context)
      }
      return try await readBack(
        applied, sent: attributes, address: label.address, dependencies: desired.dependencies,
        verb: label.kind.rawValue,
        type: type, context: context)

    case .create:
      guard let desired else { throw ResourceActionError("\(label.address) is not in the plan's desired state") }
      let attributes = try resolve(desired, planned: change)
      let dependencies = desired.dependencies
      if let key = deposeKey {
        // The new object takes the address; the old one waits, deposed, for its own delete step.
        try store.depose(label.address, key: key)
      }
      let recordedID = Mutex<String?>(change.reason == .resumeInterruptedCreate ? change.remoteID : nil)
      context.recordRemoteID = { remoteID in
        recordedID.withLock { $0 = remoteID }
        try store.recordRemoteID(
          actionID: actionID,
          resource: RecordedResource(
            address: label.address, remoteID: remoteID,
            attributes: type.schema.recordable(attributes, digester: digester),
            dependencies: dependencies, status: .creating))
      }
      let applied = try await retryingTransientFailures(actionID: actionID) { attempt in
        var attemptContext = context
        attemptContext.resumeRemoteID = recordedID.withLock { $0 }
        if attempt > 1, attemptContext.resumeRemoteID == nil {
          // The last create call failed without an answer: it may still have made the object. Look (more than once,
          // as a slow cloud may list it late) before creating again, so nothing is created twice.
          attemptContext.knownRemoteIDs = Set(try store.resources().compactMap(\.remoteID))
          for look in 1...3 where attemptContext.resumeRemoteID == nil {
            if let found = try await type.find(attributes, context: attemptContext) {
              try await context.recordRemoteID(found.remoteID)
              attemptContext.resumeRemoteID = found.remoteID
            } else if look < 3 {
              try await Task.sleep(for: polling.initial * look)
            }
          }
        }
        return try await type.create(attributes, address: label.address, context: attemptContext)
      }
      return try await readBack(
        applied, sent: attributes, address: label.address, dependencies: dependencies, verb: label.kind.rawValue,
        type: type,
        context: context)
    }
  }

  /// Reads the object just written back from the cloud and checks that it holds what was sent: a write the cloud
  /// answered but did not take as planned fails here, with both values, instead of being reported complete.
  /// - Returns: the object as read, to record.
  /// - Throws: `ReadBackMismatch` (carrying the object as read) when an input differs from what was sent.
  private func readBack(
    _ applied: AppliedResource, sent: Attributes, address: ResourceAddress, dependencies: [ResourceAddress],
    verb: String, type: any ResourceType, context: ActionContext
  ) async throws -> RecordedResource {
    let written = RecordedResource(
      address: address, remoteID: applied.remoteID,
      attributes: type.schema.recordable(applied.attributes, digester: digester), dependencies: dependencies)
    guard let read = try await type.read(written, context: context) else {
      throw ResourceActionError(
        "\(address): the \(verb) was answered, but reading \(applied.remoteID) back finds no such object")
    }
    let observed = RecordedResource(
      address: address, remoteID: read.remoteID.isEmpty ? applied.remoteID : read.remoteID,
      attributes: type.schema.recordable(read.attributes, digester: digester), dependencies: dependencies)
    let differences = ReadBack.differences(
      sent: type.schema.recordable(sent, digester: digester), observed: observed.attributes, schema: type.schema)
    guard differences.isEmpty else {
      throw ReadBackMismatch(address: address, verb: verb, differences: differences, observed: observed)
    }
    return observed
  }

  /// Runs a cloud call again (up to `attempts` in all, with backoff) while it fails in a way that may pass: the
  /// client already retried what is safe to repeat, so what reaches here is a create or resize whose outcome is
  /// unknown, or a cloud that stayed unavailable. Each retry is noted in the journal.
  private func retryingTransientFailures<T: Sendable>(
    actionID: Int64, attempts: Int = 4, _ body: (Int) async throws -> T
  ) async throws -> T {
    var delay = polling.initial
    var attempt = 1
    while true {
      do {
        return try await body(attempt)
      } catch let error as OpenStackError where error.isRetryable && attempt < attempts {
        try? store.noteAction(actionID, "attempt \(attempt) failed (\(error.errorDescription ?? "\(error)")); retrying")
        try await Task.sleep(for: delay)
        delay = polling.next(after: delay) * 2
        attempt += 1
      }
    }
  }

  /// The attributes to send: the plan's own values. A reference the plan resolved is sent as the plan showed it
  /// (never resolved again from other records); one the plan could only show as `(known after apply)` is taken from
  /// what the action it waits on recorded in this apply.
  private func resolve(_ resource: DesiredResource, planned change: PlannedChange) throws -> Attributes {
    var attributes: Attributes = [:]
    // Each object referenced is read once, however many of its attributes are.
    var read: [ResourceAddress: RecordedResource?] = [:]
    func recorded(_ address: ResourceAddress) throws -> RecordedResource? {
      if let known = read[address] { return known }
      let found = try store.resource(address)
      read[address] = found
      return found
    }
    for (name, expression) in resource.attributes {
      switch expression {
      case .value(let value):
        attributes[name] = value
      case .reference(let reference):
        if !change.unknownAfter.contains(name), let planned = change.after?[name] {
          attributes[name] = planned
        } else if let value = reference.resolved(in: try recorded(reference.address)) {
          attributes[name] = value
        } else {
          throw ResourceActionError(
            "\(resource.address) needs \(reference.address).\(reference.attribute), which is not available")
        }
      }
    }
    return attributes
  }

  static func describe(_ error: any Error) -> String {
    if error is CancellationError { return "interrupted" }
    if let error = error as? LocalizedError, let description = error.errorDescription { return description }
    return String(describing: error)
  }
}
