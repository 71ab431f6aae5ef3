import Testing
import Yams

@testable import CutoverKit

/// Cutover resolves a plain scalar's tag by scanning its text; Yams' default resolver does it with regular
/// expressions. The two must agree on every text, so the environment file reads `3`, `yes`, `~` or `1:30` as before.
@Suite("PlainScalarTag")
struct PlainScalarTagTests {
  /// What Yams' default resolver makes of a plain scalar.
  private static func yams(_ text: String) -> Yams.Tag.Name {
    Resolver.default.resolveTag(of: Node.scalar(Node.Scalar(text)))
  }

  /// Texts at the edges of each rule.
  static let edges: [String] = [
    "", "~", "null", "Null", "NULL", "nULL", "nil", "yes", "Yes", "YES", "yES", "no", "y", "n", "true", "True",
    "tRUE", "on", "ON", "off", "OFF", "Off", "<<", "<", "=", "==", "0", "00", "07", "08", "0_", "-0", "+0", "0o", "0o7",
    "0o8", "0b", "0b1", "0b2", "0b_", "0x", "0xF", "0xg", "0x_", "1", "12", "1_000", "-12", "+12", "-", "+", "1:30",
    "1:60", "1:5", "1:05:09", "0:30", "1:", ":1", "1:30.5", "0:30.", "1:2:3.", "1:60.5", "1.", ".5", "._", "-.5",
    ".5e3", ".5e+3", ".5E-3", "1e5", "1E+5", "1e", "1.5e", "1.5e-", "-1.5e-3", "1_0.0_1", "1..2", ".inf", "-.inf",
    "+.Inf", ".INF", ".iNF", ".nan", ".NaN", ".NAN", "-.nan", "inf", "nan", "2001-12-14", "2001-1-14", "2001-12-1",
    "2001-12-14t21:59:43.10-05:00", "2001-12-14T21:59:43Z", "2001-12-14 21:59:43.10 -5", "2001-12-14\t21:59:43",
    "2001-12-14 21:59:43 ", "2001-12-14 21:59:43 +05:3", "2001-12-14 21:59:43+0530", "2001-12-14 1:59:43",
    "2001-12-14 21:9:43", "20011-12-14", "2001-12-14T", "128a", "127d", "0005m", "paws", "hub-paws.wmcloud.org",
    "1.2.3", "v1", "3s", "0.5", "1,000", "12 ", " 12", "１２", "ℤ",
  ]

  @Test("the edges of every rule resolve as Yams' default resolver resolves them")
  func edgesAgree() {
    for text in Self.edges {
      #expect(PlainScalarTag.of(text) == Self.yams(text), "\(text.debugDescription)")
    }
  }

  @Test("ten thousand texts made of the rules' own characters resolve as Yams resolves them")
  func generatedTextsAgree() {
    // Characters every rule turns on, drawn with a fixed seed so a failure can be repeated.
    let alphabet = Array("0123456789_+-.:eExXbBoOTtZ abfnaNiI~<=\t")
    var generator = SplitMix64(seed: 0x5EED)
    var disagreements: [String] = []
    for _ in 0..<10_000 {
      let length = Int(generator.next() % 12)
      let text = String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
      if PlainScalarTag.of(text) != Self.yams(text) { disagreements.append(text) }
    }
    #expect(disagreements.isEmpty, "\(disagreements.prefix(10).map(\.debugDescription))")
  }

  @Test("a quoted or explicitly tagged scalar keeps its tag; a mapping and a sequence theirs")
  func tagsStand() throws {
    let node = try #require(
      try Yams.compose(yaml: "plain: 3\nquoted: \"3\"\ntagged: !!str 3\nmap: {a: 1}\nlist: [1]\n", .basic))
    let mapping = try #require(node.mapping)
    #expect(mapping["plain"]?.tagName == .int)
    #expect(mapping["quoted"]?.tagName == .str)
    #expect(mapping["tagged"]?.tagName == .str)
    #expect(mapping["map"]?.tagName == .map)
    #expect(mapping["list"]?.tagName == .seq)
  }
}

/// A small deterministic generator (SplitMix64), so generated cases are the same on every run.
private struct SplitMix64: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var value = state
    value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
    value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
    return value ^ (value >> 31)
  }
}
