import CutoverKit
import Testing

/// The shapes names and ids must have, matched over the whole text.
@Suite("TextPattern")
struct TextPatternTests {
  @Test(
    "each pattern takes its examples",
    arguments: [
      (TextPattern.generationID, ["128a", "0", "127d-2"]),
      (TextPattern.magnumName, ["paws", "P", "paws_k8s.1-a"]),
      (TextPattern.manifestName, ["a", "default-storageclass", "x1"]),
      (TextPattern.helmRepositoryName, ["jupyterhub", "ingress-nginx", "a.b_c"]),
      (TextPattern.domain, ["hub-paws.wmcloud.org", "ab", "a1"]),
      (TextPattern.hostName, ["paws-k8s-haproxy-1", "H", "a.b"]),
      (TextPattern.interfaceName, ["eth0", "ens3.100", "br:0@x-y_z", "abcdefghijklmno"]),
      (TextPattern.environmentVariable, ["PAWS_VRRP_SECRET", "_x", "a1"]),
      (TextPattern.objectName, ["paws", "0005m", "a_b.c-d"]),
      (TextPattern.environmentName, ["eqiad1", "E", "a_b-c"]),
    ])
  func takes(pattern: TextPattern, examples: [String]) {
    for example in examples { #expect(pattern.matches(example), "\(example)") }
  }

  @Test(
    "each pattern refuses what its first, middle or last character or its length rules out",
    arguments: [
      (TextPattern.generationID, ["", "-128a", "128A", "128_a", "12 8"]),
      (TextPattern.magnumName, ["", "1paws", "_paws", "paws!"]),
      (TextPattern.manifestName, ["", "-a", "a-", "A", "a_b"]),
      (TextPattern.helmRepositoryName, ["", ".a", "A", "a/b"]),
      (TextPattern.domain, ["", "a", "-a.org", "a.org.", "a.org-", "A.org", "a_b.org"]),
      (TextPattern.hostName, ["", "-a", ".a", "a_b"]),
      (TextPattern.interfaceName, ["", "abcdefghijklmnop", "eth 0", "eth/0"]),
      (TextPattern.environmentVariable, ["", "1A", "A-B", "A.B"]),
      (TextPattern.objectName, ["", "_a", ".a", "a b", "a/b"]),
      (TextPattern.environmentName, ["", "_e", "e.1", "e/1"]),
    ])
  func refuses(pattern: TextPattern, examples: [String]) {
    for example in examples { #expect(!pattern.matches(example), "\(example)") }
  }

  @Test("a trailing newline, a character outside ASCII or a NUL never passes")
  func refusesWhatAnchoredExpressionsLetThrough() {
    let all: [TextPattern] = [
      .generationID, .magnumName, .manifestName, .helmRepositoryName, .domain, .hostName, .interfaceName,
      .environmentVariable, .objectName, .environmentName,
    ]
    for pattern in all {
      for text in ["ab1\n", "ab1\r", "ab\u{0}1", "abé1", "ab１", "ab1 "] {
        #expect(!pattern.matches(text), "\(pattern) took \(text.debugDescription)")
      }
    }
  }

  @Test("a substring is matched as the text it holds")
  func substrings() {
    let text = "helm_release.128a.paws"
    let parts = text.split(separator: ".")
    #expect(TextPattern.generationID.matches(parts[1]))
    #expect(!TextPattern.generationID.matches(parts[0]))
  }
}
