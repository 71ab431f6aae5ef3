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

/// A pull request's comment stays within GitHub's 65,536 characters whatever the plan, its summary whole.
@Suite("markdown plans: the size of a comment")
struct MarkdownSizeTests {
  @Test("1,000 new generations render to at most 65,536 bytes, the counts, the basis and a row per type kept")
  func thousandGenerations() throws {
    let base = try Fixture.desiredState("eqiad1-two-generations.yaml")
    var desired = base
    let template = try #require(base.generation("128a"))
    desired.generations += (0..<1_000).map { number in
      var generation = template
      generation.id = "g\(number)"
      return generation
    }
    var plan = try Planner().plan(
      Planner.Request(
        environment: "eqiad1", desired: desired, recorded: try AppliedState.recording(base), stateVersion: .fixed,
        digester: .test))
    plan.commit = "0123456789abcdef0123456789abcdef01234567"
    plan.warnings = (0..<50).map { "warning \($0): " + String(repeating: "w", count: 1_000) }
    let markdown = MarkdownPlanRenderer().render(plan)

    #expect(markdown.utf8.count <= 65_536)
    #expect(plan.actionable.count > 5_000)
    #expect(markdown.contains("**\(plan.summary.description)**"))
    #expect(markdown.contains("commit `0123456789abcdef0123456789abcdef01234567`"))
    #expect(markdown.contains("| ➕ create | 1000 `cluster` | `cluster.g0`, `cluster.g1`"), "\(markdown.prefix(3_000))")
    #expect(markdown.contains("…and 40 more warning(s), in the full plan."))
    #expect(markdown.contains("more change(s) left out of the details to fit the comment"))
    #expect(markdown.contains("<details>"))
  }
}
