import Foundation
import TestSupport
import Testing

/// Settings Cutover reads from the environment: a value out of bounds exits 64 with one line naming the variable and
/// what it accepts, before anything is done.
@Suite("Environment settings")
struct EnvironmentSettingsTests {
  @Test(
    "a lock time to live that is not a number of seconds from 1 to 86400 exits 64, naming the variable",
    arguments: ["inf", "1e300", "0", "soon"])
  func lockTTL(text: String) async throws {
    let workspace = try Workspace.with(try DesiredStateFixture.eqiad1())
    let result = try await workspace.plan(environment: ["CUTOVER_LOCK_TTL_SECONDS": text])
    try requireExit(64, result)
    #expect(
      result.stderr
        == "error: CUTOVER_LOCK_TTL_SECONDS must be a number of seconds (or a duration such as 2m) from 1 to 86400, "
        + "found \"\(text)\"\n",
      "\(result)")
  }

  @Test("a simulator setting out of its bounds exits 64, naming the variable")
  func simulatorSetting() async throws {
    let workspace = try Workspace.with(try DesiredStateFixture.eqiad1())
    let result = try await workspace.plan(environment: ["CUTOVER_SIMULATOR_ERROR_RATE": "2"])
    try requireExit(64, result)
    #expect(
      result.stderr == "error: CUTOVER_SIMULATOR_ERROR_RATE must be a fraction from 0 to 1, found \"2\"\n", "\(result)")
  }
}
