import Testing

@Suite("Rendered plans match their golden files")
struct GoldenFileTests {
  @Test(
    "each plan renders in each format exactly as its golden file", arguments: GoldenPlan.allCases, PlanFormat.allCases)
  func matchesGoldenFile(plan: GoldenPlan, format: PlanFormat) throws {
    let output = try format.render(plan.plan())
    try GoldenFile.check(output, matches: "\(plan.rawValue).\(format.rawValue)")
  }
}
