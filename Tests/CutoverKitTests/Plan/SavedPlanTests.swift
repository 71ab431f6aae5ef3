import CutoverKit
import Foundation
import Testing

@Suite("Saved plans")
struct SavedPlanTests {
  @Test("a saved plan reads back equal to the plan that was written")
  func roundTrip() throws {
    try withTemporaryDirectory { directory in
      let plan = try GoldenPlan.everyKindOfChange.plan()
      let path = directory + "/plans/eqiad1.plan"
      try SavedPlan.write(plan, to: path, digester: .test)
      #expect(try SavedPlan.read(from: path) == plan)
    }
  }

  @Test("reading a file that is not a plan is a usage error naming the file")
  func notAPlan() throws {
    let path = try Fixture.path("environments/eqiad1.yaml")
    let error = try #require(throws: CutoverError.self) { try SavedPlan.read(from: path) }
    #expect(error.exitCode == 64)
    #expect(error.errorDescription?.hasPrefix("\(path): not a Cutover plan file") == true)
  }

  @Test(
    "a saved plan never holds a sensitive value in plain text")
  func savedPlanHoldsNoSecret() throws {
    try withTemporaryDirectory { directory in
      let path = directory + "/eqiad1.plan"
      try SavedPlan.write(GoldenPlan.sensitive.plan(), to: path, digester: .test)
      let text = try String(contentsOfFile: path, encoding: .utf8)
      for secret in GoldenPlan.secrets.values {
        #expect(!text.contains(secret))
      }
    }
  }
}
