import Crypto
import CutoverKit
import Foundation
import GRDB
import Testing

/// Keyed digests: what state, saved plans and plan output hold of values that may hold a secret.
@Suite("Keyed digests of what may hold a secret")
struct SensitiveDigesterTests {
  private let password = Value.string("vrrp-pw1")

  @Test("a digest names its key and differs under another key; the plain SHA-256 of the value is nowhere in it")
  func keyedDigest() throws {
    let other = SensitiveDigester(key: SymmetricKey(data: [UInt8](repeating: 9, count: 32)))
    let digest = try #require(SensitiveDigester.test.digest(password).stringValue)
    #expect(digest.hasPrefix("hmac-sha256:\(SensitiveDigester.test.keyID):"))
    #expect(SensitiveDigester.isDigest(.string(digest)))
    #expect(other.digest(password) != .string(digest))
    #expect(SensitiveDigester.test.digest(password) == .string(digest), "the same key gives the same digest")
    let plain = String(password.sha256Digest.dropFirst("sha256:".count))
    #expect(!digest.contains(plain))
    #expect(other.isForeignDigest(.string(digest)))
    #expect(!SensitiveDigester.test.isForeignDigest(.string(digest)))
  }

  @Test("the key file is made once (0600) and read back; CUTOVER_DIGEST_KEY wins; a malformed key is refused")
  func keyFile() throws {
    try withTemporaryDirectory { directory in
      let first = try SensitiveDigester.load(environment: [:], directory: directory + "/state/eqiad1")
      let path = directory + "/state/eqiad1/digest.key"
      let attributes = try FileManager.default.attributesOfItem(atPath: path)
      #expect(((attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0) & 0o777 == 0o600)
      let again = try SensitiveDigester.load(environment: [:], directory: directory + "/state/eqiad1")
      #expect(again.keyID == first.keyID)
      #expect(again.digest(password) == first.digest(password))

      let shared = String(repeating: "ab", count: 32)
      let fromVariable = try SensitiveDigester.load(
        environment: ["CUTOVER_DIGEST_KEY": shared], directory: directory + "/state/eqiad1")
      #expect(fromVariable.keyID != first.keyID)
      #expect(
        fromVariable.digest(password)
          == SensitiveDigester(key: SymmetricKey(data: [UInt8](repeating: 0xab, count: 32))).digest(password))

      #expect(throws: CutoverError.self) {
        try SensitiveDigester.load(environment: ["CUTOVER_DIGEST_KEY": "abc"], directory: directory)
      }
      try Data("not a key\n".utf8).write(to: URL(fileURLWithPath: path))
      let error = try #require(throws: CutoverError.self) {
        try SensitiveDigester.load(environment: [:], directory: directory + "/state/eqiad1")
      }
      #expect(error.errorDescription?.contains("digest.key must hold 64 hex digits") == true, "\(error)")
    }
  }

  @Test("state an older Cutover wrote with plain digests is upgraded once to keyed ones, the plain digests gone")
  func legacyStateUpgraded() throws {
    try withTemporaryDirectory { directory in
      let path = directory + "/eqiad1.sqlite"
      let legacyPassword = password.sha256Digest
      let legacyValues = "sha256:" + String(repeating: "0f", count: 32)
      try SQLiteStateStore(path: path, environment: "eqiad1").record([
        RecordedResource(
          address: ResourceAddress("keepalived.lb1"), remoteID: "rendered/lb1/keepalived.conf",
          attributes: ["host": "lb1", "secret": .string(legacyPassword)]),
        RecordedResource(
          address: ResourceAddress("helm_release.127d.paws"), remoteID: "prod/paws",
          attributes: ["release": "paws", "values_sha256": [.string(legacyValues)], "values": ["paws/secrets.yaml"]]),
      ])
      // As an older Cutover left it: no mark that its digests are keyed.
      let queue = try DatabaseQueue(path: path)
      try queue.write { try $0.execute(sql: "DELETE FROM meta WHERE key = 'digests'") }
      try queue.close()

      let store = try SQLiteStateStore(path: path, environment: "eqiad1")
      let digester = SensitiveDigester.test
      try store.upgradeLegacyDigests { ResourceCatalog.standard.upgradingLegacyDigests($0, digester: digester) }
      let keepalived = try #require(try store.resource(ResourceAddress("keepalived.lb1")))
      #expect(keepalived.attributes["secret"] == digester.digest(password), "the keyed digest of the same password")
      let release = try #require(try store.resource(ResourceAddress("helm_release.127d.paws")))
      #expect(release.attributes["values_sha256"] == [digester.digest(.string(legacyValues))])
      #expect(release.attributes["values"] == ["paws/secrets.yaml"], "what is not a digest is left alone")

      var bytes = Data()
      for suffix in ["", "-wal"] { bytes += FileManager.default.contents(atPath: path + suffix) ?? Data() }
      let text = String(decoding: bytes, as: UTF8.self)
      #expect(!text.contains(String(legacyPassword.dropFirst("sha256:".count))), "the plain digest is gone from disk")

      // Once upgraded, it is not read again: a plain digest recorded now (as a test might) stays as it is.
      try store.record([
        RecordedResource(address: ResourceAddress("keepalived.lb2"), remoteID: "x", attributes: ["secret": "sha256:00"])
      ])
      try store.upgradeLegacyDigests { object in
        Issue.record("upgraded twice")
        return object
      }
    }
  }

  @Test("a state recorded with another key says so in the plan, and its sensitive values show as changing")
  func foreignKeyIsAWarning() throws {
    let other = SensitiveDigester(key: SymmetricKey(data: [UInt8](repeating: 9, count: 32)))
    let catalog = ResourceCatalog(types: [SecretTestResource(tokens: ["db": "hunter2"])])
    let recorded = [
      RecordedResource(
        address: ResourceAddress("app_secret.db"), remoteID: "db",
        attributes: ["name": "db", "token": other.digest("hunter2"), "id": "db"])
    ]
    let desired = try Fixture.desiredState("minimal.yaml")
    let request = { (digester: SensitiveDigester) in
      Planner.Request(
        environment: "eqiad1", desired: desired, recorded: recorded, stateVersion: .fixed, digester: digester)
    }
    let underOther = try Planner(catalog: catalog).plan(request(other))
    #expect(!underOther.hasChanges)
    #expect(underOther.warnings.isEmpty)
    let here = try Planner(catalog: catalog).plan(request(.test))
    #expect(here.actionable.map(\.address) == [ResourceAddress("app_secret.db")])
    #expect(here.warnings.contains { $0.hasPrefix("app_secret.db was recorded with another digest key") }, "\(here)")
  }
}
