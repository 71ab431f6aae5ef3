import Testing

@testable import CutoverKit

/// What a switch moves, decided by each type's ``SwitchRole``: `environments/eqiad1-two-generations.yaml` (127d
/// live, 128a beside it) as an apply leaves it.
@Suite("SwitchScope")
struct SwitchScopeTests {
  private let desired: DesiredState
  private let applied: [RecordedResource]
  private let scope = SwitchScope()

  init() throws {
    desired = try Fixture.desiredState("eqiad1-two-generations.yaml")
    applied = try AppliedState.recording(desired)
  }

  private func change(_ address: String, _ action: PlannedChange.Action) -> PlannedChange {
    PlannedChange(address: ResourceAddress(address), action: action, before: nil, after: nil)
  }

  @Test("traffic goes where the recorded routers send it: to 127d, and to 128a once they point there")
  func routedGeneration() throws {
    #expect(scope.routedGeneration(applied) == "127d")
    let switched = try AppliedState.recording(desired.switchingLive(to: "128a"))
    #expect(scope.routedGeneration(switched) == "128a")
    #expect(scope.routedGeneration(applied.filter { $0.address.type != "web_proxy" }) == nil)
  }

  @Test("a switch targets the routers and the operators' pointers, nothing of a generation's own")
  func targets() {
    let targets = Set(scope.targets(desired.switchingLive(to: "128a"), recorded: applied).map(\.description))
    #expect(
      targets == [
        "web_proxy.hub-paws.wmcloud.org", "web_proxy.public-paws.wmcloud.org", "kubeconfig.127d", "kubeconfig.128a",
      ])
    let unrecorded = Set(scope.targets(desired.switchingLive(to: "128a"), recorded: []).map(\.description))
    #expect(unrecorded.contains("kubeconfig.128a"))
    #expect(!unrecorded.contains("kubeconfig.127d"))
  }

  @Test(
    "routers' creates and updates, pointers' updates and the new live one's create are the switch's; the rest is not")
  func parts() {
    #expect(scope.isPart(change("web_proxy.hub-paws.wmcloud.org", .update), of: "128a"))
    #expect(scope.isPart(change("web_proxy.hub-paws.wmcloud.org", .create), of: "128a"))
    #expect(scope.isPart(change("kubeconfig.127d", .update), of: "128a"))
    #expect(scope.isPart(change("kubeconfig.128a", .create), of: "128a"))
    #expect(!scope.isPart(change("kubeconfig.127d", .create), of: "128a"))
    #expect(!scope.isPart(change("web_proxy.hub-paws.wmcloud.org", .delete), of: "128a"))
    #expect(!scope.isPart(change("helm_release.128a.paws", .update), of: "128a"))
    #expect(!scope.isPart(change("cluster.128a", .update), of: "128a"))
  }

  @Test("the routers move first, the operators' pointers after them")
  func phases() {
    var plan = Plan(
      environment: "eqiad1", mode: .apply, stateVersion: .fixed, desiredDigest: "", changes: [], desired: [])
    plan.changes = [
      change("kubeconfig.128a", .update), change("web_proxy.hub-paws.wmcloud.org", .update),
      change("kubeconfig.127d", .update),
    ]
    let phases = scope.phases(of: plan)
    #expect(
      phases.map { $0.changes.map(\.address.description) } == [
        ["web_proxy.hub-paws.wmcloud.org"], ["kubeconfig.128a", "kubeconfig.127d"],
      ])
  }
}
