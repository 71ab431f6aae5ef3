import CutoverKit
import Foundation
import Testing

@Suite("State store: journal")
struct JournalTests {
  private let cluster = RecordedResource(
    address: ResourceAddress("cluster.128a"), remoteID: "cluster-128a", attributes: ["node_count": 6],
    dependencies: [ResourceAddress("cluster_template.128a")])

  private func withStore(_ implementation: StateImplementation, _ body: (any StateBackend) throws -> Void) throws {
    try withTemporaryDirectory { directory in
      try body(try implementation.open(directory, "eqiad1"))
    }
  }

  @Test("beginAction writes the action as pending, before anything is recorded", arguments: StateImplementation.all)
  func beginActionIsPending(_ implementation: StateImplementation) throws {
    try withStore(implementation) { store in
      let apply = try store.beginApply(command: "apply eqiad1", summary: "+1 ~0 -0", identity: .tester)
      let actionID = try store.beginAction(applyID: apply, address: cluster.address, deposedKey: nil, action: .create)
      let action = try #require(try store.history().first?.actions.first)
      #expect(action.id == actionID)
      #expect(action.status == .pending)
      #expect(action.action == .create)
      #expect(action.address == cluster.address)
      #expect(action.finishedAt == nil)
      #expect(try store.resources().isEmpty)
    }
  }

  @Test("finishAction marks the action done and records the resource with it", arguments: StateImplementation.all)
  func finishActionRecordsResource(_ implementation: StateImplementation) throws {
    try withStore(implementation) { store in
      let apply = try store.beginApply(command: "apply eqiad1", summary: "+1 ~0 -0", identity: .tester)
      let actionID = try store.beginAction(applyID: apply, address: cluster.address, deposedKey: nil, action: .create)
      try store.finishAction(actionID, address: cluster.address, deposedKey: nil, resource: cluster)

      let action = try #require(try store.history().first?.actions.first)
      #expect(action.status == .done)
      #expect(action.remoteID == "cluster-128a")
      #expect(action.finishedAt != nil)
      #expect(try store.resources() == [cluster])
    }
  }

  @Test("finishAction of a delete forgets the object", arguments: StateImplementation.all)
  func finishDeleteForgetsResource(_ implementation: StateImplementation) throws {
    try withStore(implementation) { store in
      try store.record([cluster])
      let apply = try store.beginApply(command: "apply eqiad1", summary: "+0 ~0 -1", identity: .tester)
      let actionID = try store.beginAction(applyID: apply, address: cluster.address, deposedKey: nil, action: .delete)
      try store.finishAction(actionID, address: cluster.address, deposedKey: nil, resource: nil)
      #expect(try store.resources().isEmpty)
      #expect(try store.history().first?.actions.first?.status == .done)
    }
  }

  @Test("failAction marks the action failed with its error, and records nothing", arguments: StateImplementation.all)
  func failActionRecordsError(_ implementation: StateImplementation) throws {
    try withStore(implementation) { store in
      let apply = try store.beginApply(command: "apply eqiad1", summary: "+1 ~0 -0", identity: .tester)
      let actionID = try store.beginAction(applyID: apply, address: cluster.address, deposedKey: nil, action: .create)
      try store.failAction(actionID, error: "cluster paws-128a is CREATE_FAILED: quota exceeded")

      let action = try #require(try store.history().first?.actions.first)
      #expect(action.status == .failed)
      #expect(action.error == "cluster paws-128a is CREATE_FAILED: quota exceeded")
      #expect(action.finishedAt != nil)
      #expect(try store.resources().isEmpty)
    }
  }

  @Test(
    "recordRemoteID keeps the id in the journal and the object in state as creating", arguments: StateImplementation.all
  )
  func recordRemoteIDRecordsCreating(_ implementation: StateImplementation) throws {
    try withStore(implementation) { store in
      let apply = try store.beginApply(command: "apply eqiad1", summary: "+1 ~0 -0", identity: .tester)
      let actionID = try store.beginAction(applyID: apply, address: cluster.address, deposedKey: nil, action: .create)
      var creating = cluster
      creating.status = .creating
      try store.recordRemoteID(actionID: actionID, resource: creating)

      #expect(try store.resource(cluster.address)?.status == .creating)
      #expect(try store.resource(cluster.address)?.remoteID == "cluster-128a")
      let action = try #require(try store.history().first?.actions.first)
      #expect(action.remoteID == "cluster-128a")
      #expect(action.status == .pending)
    }
  }

  @Test(
    "pending actions of a running apply are not unsettled; once the apply is abandoned they are",
    arguments: StateImplementation.all)
  func unsettledActionsOfAbandonedApplies(_ implementation: StateImplementation) throws {
    try withStore(implementation) { store in
      let apply = try store.beginApply(command: "apply eqiad1", summary: "+2 ~0 -0", identity: .tester)
      let pending = try store.beginAction(applyID: apply, address: cluster.address, deposedKey: nil, action: .create)
      let done = try store.beginAction(
        applyID: apply, address: ResourceAddress("cluster_template.128a"), deposedKey: nil, action: .create)
      try store.finishAction(done, address: ResourceAddress("cluster_template.128a"), deposedKey: nil, resource: nil)
      #expect(try store.unsettledActions().isEmpty)

      try store.markAbandonedApplies()
      #expect(try store.unsettledActions().map(\.id) == [pending])
      #expect(try store.history().first?.outcome == .interrupted)
    }
  }

  @Test(
    "a create that failed before the cloud gave an id back is unsettled: it may have made an object",
    arguments: StateImplementation.all)
  func failedCreateWithoutIDIsUnsettled(_ implementation: StateImplementation) throws {
    try withStore(implementation) { store in
      let apply = try store.beginApply(command: "apply eqiad1", summary: "+2 ~0 -0", identity: .tester)
      let lost = try store.beginAction(applyID: apply, address: cluster.address, deposedKey: nil, action: .create)
      try store.failAction(lost, error: "connection reset")
      let refused = try store.beginAction(
        applyID: apply, address: ResourceAddress("web_proxy.hub-paws.wmcloud.org"), deposedKey: nil, action: .update)
      try store.failAction(refused, error: "400 No such domain")
      try store.finishApply(apply, outcome: .failed, error: "connection reset")

      #expect(try store.unsettledActions().map(\.id) == [lost])
    }
  }

  @Test("history lists every apply, oldest first, each with its own actions", arguments: StateImplementation.all)
  func historyGroupsActionsByApply(_ implementation: StateImplementation) throws {
    try withStore(implementation) { store in
      let first = try store.beginApply(command: "apply eqiad1", summary: "+1 ~0 -0", identity: .tester)
      let created = try store.beginAction(applyID: first, address: cluster.address, deposedKey: nil, action: .create)
      try store.finishAction(created, address: cluster.address, deposedKey: nil, resource: cluster)
      try store.finishApply(first, outcome: .succeeded)
      let second = try store.beginApply(command: "destroy eqiad1", summary: "+0 ~0 -1", identity: .tester)
      _ = try store.beginAction(applyID: second, address: cluster.address, deposedKey: "0a1b2c3d", action: .delete)
      try store.finishApply(second, outcome: .failed, error: "quota")

      let history = try store.history()
      #expect(history.map(\.id) == [first, second])
      #expect(history.map(\.command) == ["apply eqiad1", "destroy eqiad1"])
      // Each apply records the serial its start produced; the writes between bumped it further.
      #expect(history.map(\.serial) == [1, 5])
      #expect(history.map(\.outcome) == [.succeeded, .failed])
      #expect(history.map(\.summary) == ["+1 ~0 -0", "+0 ~0 -1"])
      #expect(history.allSatisfy { $0.user == "tester" && $0.host == "bastion-test" && $0.pid == getpid() })
      #expect(history[0].actions.map(\.id) == [created])
      #expect(history[1].actions.map(\.deposedKey) == ["0a1b2c3d"])
      #expect(history[1].error == "quota")
    }
  }
}
