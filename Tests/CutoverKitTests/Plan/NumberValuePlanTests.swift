import Foundation
import Testing

@testable import CutoverKit

/// `set:` numbers with a fraction through planning: what state recorded before they were kept as numbers, and a
/// saved plan holding them.
@Suite("Planner: set: numbers")
struct NumberValuePlanTests {
  private let desired: DesiredState

  init() throws {
    desired = try Fixture.desiredState("set-numbers.yaml")
  }

  private func plan(recorded: [RecordedResource]) throws -> Plan {
    try Planner().plan(
      Planner.Request(
        environment: "eqiad1", desired: desired, recorded: recorded, stateVersion: .fixed, mode: .apply,
        digester: .test))
  }

  @Test("once applied, numbers plan no change; a fraction recorded as text (\"0.5\") plans one set update")
  func recordedTextPlansOneUpdate() throws {
    let applied = try AppliedState.recording(desired)
    #expect(try plan(recorded: applied).hasChanges == false)

    let address = ResourceAddress("helm_release.127d.paws")
    var recorded = applied
    let index = try #require(recorded.firstIndex { $0.address == address })
    var set = try #require(recorded[index].attributes["set"]?.mapValue)
    set["ratio"] = "0.5"
    recorded[index].attributes["set"] = .map(set)
    let changes = try plan(recorded: recorded).changes.filter { $0.action != .noop }
    #expect(changes.map(\.address) == [address])
    #expect(changes.first?.action == .update)
    #expect(changes.first?.after?["set"]?.mapValue?["ratio"] == .double(0.5))
  }

  @Test("a saved plan keeps fractions as numbers through its JSON")
  func savedPlanRoundTrip() throws {
    let original = try plan(recorded: [])
    let decoded = try JSONDecoder().decode(Plan.self, from: try JSONEncoder().encode(original))
    let address = ResourceAddress("helm_release.127d.paws")
    let set = decoded.changes.first { $0.address == address }?.after?["set"]
    #expect(set == original.changes.first { $0.address == address }?.after?["set"])
    #expect(set?.mapValue?["ratio"] == .double(0.5))
    #expect(set?.mapValue?["big"] == .double(1.234_567_890_123_456_9e23))
  }
}
