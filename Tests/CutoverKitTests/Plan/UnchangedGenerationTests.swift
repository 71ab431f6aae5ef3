import Crypto
import Testing

@testable import CutoverKit

/// Plans that leave out the generations an apply converged and nothing has changed since (``GenerationFingerprints``),
/// over `environments/eqiad1-two-generations.yaml` (127d live, 128a beside it) recorded in a SQLite state.
@Suite("unchanged generations")
struct UnchangedGenerationTests {
  private let desired: DesiredState
  private let applied: [RecordedResource]

  init() throws {
    desired = try Fixture.desiredState("eqiad1-two-generations.yaml")
    applied = try AppliedState.recording(desired)
  }

  private func plan(
    _ desired: DesiredState, recorded: [RecordedResource], mode: Plan.Mode = .apply, targets: [String] = [],
    replace: [String] = [], drift: [Drift] = []
  ) throws -> Plan {
    try Planner().plan(
      Planner.Request(
        environment: "eqiad1", desired: desired, recorded: recorded, stateVersion: .fixed, mode: mode,
        targets: targets.map(ResourceAddress.init), replace: replace.map(ResourceAddress.init), drift: drift,
        digester: .test, fingerprints: GenerationFingerprints.of(desired, digester: .test)))
  }

  /// A state holding `applied`, after an apply of a plan of `desired` against it that converged every generation.
  private func convergedState(_ directory: String) throws -> SQLiteStateStore {
    let store = try SQLiteStateStore(path: directory + "/eqiad1.sqlite", environment: "eqiad1")
    try store.record(applied)
    try ConvergedGenerations(catalog: .standard, store: store).record(try plan(desired, recorded: applied))
    return store
  }

  private func object(_ address: String, in recorded: [RecordedResource]) throws -> RecordedResource {
    try #require(recorded.first { $0.address.description == address })
  }

  private var objectsOf128a: [RecordedResource] {
    applied.filter { ResourceCatalog.standard.generation(of: $0.address) == "128a" }
  }

  @Test("after an apply that converged it, a standby generation is left out: none of its objects is listed")
  func leftOut() throws {
    try withTemporaryDirectory { directory in
      let recorded = try convergedState(directory).resources()
      #expect(recorded.filter { $0.fingerprint != nil }.count == applied.count - 2, "all but the web proxies")

      let plan = try plan(desired, recorded: recorded)
      #expect(plan.unchangedGenerations == ["128a"])
      #expect(plan.unchangedResources == objectsOf128a.count)
      #expect(!plan.hasChanges)
      #expect(!plan.changes.contains { $0.address.name.hasPrefix("128a") })
      #expect(!plan.desired.contains { $0.address.name.hasPrefix("128a") })
      #expect(plan.changes.contains { $0.address.description == "cluster.127d" && $0.action == .noop })
      #expect(plan.unchangedNote?.hasPrefix("1 generation (\(objectsOf128a.count) objects) not compared") == true)
    }
  }

  @Test("a change to what the generation is made from changes its fingerprint: it is compared, and the change shows")
  func changedSpecIsCompared() throws {
    try withTemporaryDirectory { directory in
      let recorded = try convergedState(directory).resources()
      var resized = desired
      let index = try #require(resized.generations.firstIndex { $0.id == "128a" })
      resized.generations[index].cluster.workers += 2

      let plan = try plan(resized, recorded: recorded)
      #expect(plan.unchangedGenerations.isEmpty)
      #expect(plan.change("cluster.128a")?.action == .update)
      #expect(plan.generations?["128a"]?.actions == 1)
    }
  }

  @Test("an object of the generation written since, forgotten, or deposed voids what the apply recorded")
  func writesVoidTheRecord() throws {
    try withTemporaryDirectory { directory in
      let store = try convergedState(directory)
      let release = try #require(objectsOf128a.first { $0.address.type == "helm_release" })
      try store.record([release])
      #expect(try store.resource(release.address)?.fingerprint == nil)
      #expect(try plan(desired, recorded: store.resources()).unchangedGenerations.isEmpty)
    }
    try withTemporaryDirectory { directory in
      let store = try convergedState(directory)
      try store.forget(ResourceAddress("helm_release.128a.paws"), deposedKey: nil)
      let plan = try plan(desired, recorded: store.resources())
      #expect(plan.unchangedGenerations.isEmpty)
      #expect(plan.change("helm_release.128a.paws")?.action == .create)
    }
    try withTemporaryDirectory { directory in
      let store = try convergedState(directory)
      try store.depose(ResourceAddress("cluster_template.128a"), key: "d1")
      #expect(try store.resource(ResourceAddress("cluster_template.128a"), deposedKey: "d1")?.fingerprint == nil)
      #expect(try plan(desired, recorded: store.resources()).unchangedGenerations.isEmpty)
    }
  }

  @Test("never the live generation, nor in a destroy or a targeted plan")
  func notLiveDestroyOrTargeted() throws {
    try withTemporaryDirectory { directory in
      let recorded = try convergedState(directory).resources()
      #expect(try plan(desired, recorded: recorded).generations?["127d"]?.unchanged == false)

      let destroy = try plan(desired, recorded: recorded, mode: .destroy)
      #expect(destroy.generations == nil)
      #expect(destroy.changes.filter { $0.action == .delete }.count == applied.count)

      let targeted = try plan(desired, recorded: recorded, targets: ["cluster.127d"])
      #expect(targeted.generations == nil)
    }
  }

  @Test("drift on one of its objects, or --replace of one, compares the generation")
  func driftAndReplaceCompare() throws {
    try withTemporaryDirectory { directory in
      let recorded = try convergedState(directory).resources()
      let cluster = try object("cluster.128a", in: recorded)
      let gone = Drift(address: cluster.address, kind: .gone, before: cluster.attributes, after: nil)
      let drifted = try plan(desired, recorded: recorded.filter { $0.address != cluster.address }, drift: [gone])
      #expect(drifted.unchangedGenerations.isEmpty)
      #expect(drifted.change("cluster.128a")?.reason == .recreateBecauseGone)

      let replaced = try plan(desired, recorded: recorded, replace: ["cluster.128a"])
      #expect(replaced.unchangedGenerations.isEmpty)
      #expect(replaced.change("cluster.128a")?.action == .replace)
    }
  }

  @Test("when what a left-out object depends on is about to change, the generation is compared after all")
  func dependencyChangeCompares() throws {
    try withTemporaryDirectory { directory in
      var recorded = try convergedState(directory).resources()
      // 128a's kubeconfig is written after the live one; the live one now differs from what is desired.
      let live = try #require(recorded.firstIndex { $0.address.description == "kubeconfig.127d" })
      recorded[live].attributes["live"] = false
      #expect(
        recorded.first { $0.address.description == "kubeconfig.128a" }?.dependencies.contains(
          ResourceAddress("kubeconfig.127d")) == true)

      let plan = try plan(desired, recorded: recorded)
      #expect(plan.change("kubeconfig.127d")?.action == .update)
      #expect(plan.unchangedGenerations.isEmpty)
      #expect(plan.change("kubeconfig.128a")?.action == .noop)
    }
  }

  @Test("an apply records nothing of a generation whose planned changes it did not all run")
  func cutDownPlanRecordsNothing() throws {
    try withTemporaryDirectory { directory in
      let store = try SQLiteStateStore(path: directory + "/eqiad1.sqlite", environment: "eqiad1")
      try store.record(applied)
      var resized = desired
      let index = try #require(resized.generations.firstIndex { $0.id == "128a" })
      resized.generations[index].cluster.workers += 2
      var plan = try plan(resized, recorded: applied)
      plan.changes.removeAll { $0.address.description == "cluster.128a" }

      try ConvergedGenerations(catalog: .standard, store: store).record(plan)
      let recorded = try store.resources()
      #expect(recorded.filter { $0.address.name.hasPrefix("128a") }.allSatisfy { $0.fingerprint == nil })
      #expect(recorded.filter { $0.address.name.hasPrefix("127d") }.allSatisfy { $0.fingerprint != nil })
    }
  }

  @Test("the fingerprint covers the generation's spec, the environment's settings and the digest key")
  func fingerprintInputs() throws {
    let base = GenerationFingerprints.of(desired, digester: .test)
    #expect(Set(base.keys) == ["127d", "128a"])
    #expect(base["127d"] != base["128a"])
    #expect(GenerationFingerprints.of(desired, digester: .test) == base)

    var switched = desired
    switched.live = "128a"
    #expect(GenerationFingerprints.of(switched, digester: .test)["128a"] != base["128a"])

    var otherValues = desired
    let index = try #require(otherValues.generations.firstIndex { $0.id == "128a" })
    otherValues.generations[index].releases[0].valuesSHA256 = ["sha256:" + String(repeating: "0", count: 64)]
    let changed = GenerationFingerprints.of(otherValues, digester: .test)
    #expect(changed["128a"] != base["128a"])
    #expect(changed["127d"] == base["127d"])

    let otherKey = SensitiveDigester(key: SymmetricKey(data: [UInt8](repeating: 9, count: 32)))
    #expect(GenerationFingerprints.of(desired, digester: otherKey)["128a"] != base["128a"])
  }
}
