import Testing

@testable import CutoverKit

/// The sentence a pull request's plan opens with: what it does to the blue-green picture.
@Suite("markdown plans: the blue-green story")
struct MarkdownStoryTests {
  private let desired: DesiredState
  private let applied: [RecordedResource]

  init() throws {
    desired = try Fixture.desiredState("eqiad1-two-generations.yaml")
    applied = try AppliedState.recording(desired)
  }

  private func story(_ next: DesiredState, recorded: [RecordedResource]? = nil) throws -> [String] {
    let plan = try Planner().plan(
      Planner.Request(
        environment: "eqiad1", desired: next, recorded: recorded ?? applied, stateVersion: .fixed, digester: .test))
    return MarkdownPlanRenderer().blueGreenStory(plan)
  }

  @Test("a switch of live: 127d → 128a")
  func switchesLive() throws {
    #expect(try story(desired.switchingLive(to: "128a")) == ["switches live 127d → 128a"])
  }

  @Test("a generation added beside the live one, a resize and a retirement")
  func addsResizesRetires() throws {
    let withoutStandby = try AppliedState.recording(desired.removing(generation: "128a"))
    #expect(try story(desired, recorded: withoutStandby) == ["adds generation 128a (standby; live stays 127d)"])
    let resized = desired.editing(generation: "127d") { $0.cluster.workers += 1 }
    #expect(try story(resized) == ["resizes 127d from 5 to 6 workers"])
    #expect(try story(desired.removing(generation: "128a")) == ["retires 128a"])
  }

  @Test("nothing to tell when nothing changes")
  func noChange() throws {
    #expect(try story(desired).isEmpty)
  }
}
