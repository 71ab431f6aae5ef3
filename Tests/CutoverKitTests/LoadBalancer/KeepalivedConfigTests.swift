import CutoverKit
import Foundation
import Testing

@Suite("KeepalivedConfig renders a load-balancer host's keepalived.conf")
struct KeepalivedConfigTests {
  @Test("the PAWS configuration renders exactly as its golden file")
  func golden() throws {
    try GoldenFile.check(LoadBalancerSample.keepalived.render(), matches: "keepalived-paws.conf")
  }

  @Test("the redacted text differs only in the password")
  func redacted() {
    let config = LoadBalancerSample.keepalived
    #expect(config.render().contains("    auth_pass s3cret\n"))
    #expect(!config.renderRedacted().contains("s3cret"))
    #expect(config.renderRedacted().contains("    auth_pass \(KeepalivedConfig.redactedSecret)\n"))
    #expect(
      config.renderRedacted()
        == config.render().replacingOccurrences(of: "auth_pass s3cret", with: "auth_pass REDACTED"))
  }

  @Test("peers are rendered sorted, a given VIP prefix is kept, and the options show up")
  func options() {
    var config = LoadBalancerSample.keepalived
    config.peers = ["172.16.1.12", "172.16.1.9", "172.16.1.12"]
    config.vip = "172.16.1.171/24"
    config.preempt = false
    config.checkHAProxy = false
    config.sourceAddress = nil
    let text = config.render()
    #expect(text.contains("  unicast_peer {\n    172.16.1.9\n    172.16.1.12\n  }\n"))
    #expect(text.contains("    172.16.1.171/24\n"))
    #expect(text.contains("  advert_int 1\n  nopreempt\n  unicast_peer {"))
    #expect(!text.contains("track_process"))
    #expect(!text.contains("unicast_src_ip"))

    config.peers = []
    #expect(!config.render().contains("unicast_peer"))
  }

  @Test(
    "a router id or priority out of range is rejected, not left to keepalived's fallback",
    arguments: [
      (0, 150, LoadBalancerConfigError.virtualRouterIDOutOfRange(0)),
      (256, 150, .virtualRouterIDOutOfRange(256)),
      (51, 0, .priorityOutOfRange(0)),
      (51, 255, .priorityOutOfRange(255)),
    ])
  func numbers(virtualRouterID: Int, priority: Int, expected: LoadBalancerConfigError) {
    var config = LoadBalancerSample.keepalived
    config.virtualRouterID = virtualRouterID
    config.priority = priority
    #expect(throws: expected) { try config.validate() }
  }

  @Test(
    "passwords keepalived would truncate or that would break the file are rejected",
    arguments: [
      ("", LoadBalancerConfigError.emptySecret),
      ("123456789", .secretTooLong(bytes: 9)),
      ("pässwört", .secretTooLong(bytes: 10)),
      ("ab cd", .secretHasUnsafeCharacter),
      ("ab\"cd", .secretHasUnsafeCharacter),
      ("ab'cd", .secretHasUnsafeCharacter),
      ("ab\tcd", .secretHasUnsafeCharacter),
      ("ab#cd", .secretHasUnsafeCharacter),
      ("ab}", .secretHasUnsafeCharacter),
    ])
  func secrets(secret: String, expected: LoadBalancerConfigError) {
    var config = LoadBalancerSample.keepalived
    config.authSecret = secret
    #expect(throws: expected) { try config.validate() }
  }

  @Test("the error for a long password says keepalived would truncate it")
  func longSecretMessage() {
    #expect(LoadBalancerConfigError.secretTooLong(bytes: 12).localizedDescription.contains("truncate"))
  }

  @Test("addresses and names are checked")
  func addresses() {
    var config = LoadBalancerSample.keepalived
    config.vip = "172.16.1.999"
    #expect(throws: LoadBalancerConfigError.self) { try config.validate() }
    config.vip = "172.16.1.171/33"
    #expect(throws: LoadBalancerConfigError.self) { try config.validate() }
    config = LoadBalancerSample.keepalived
    config.peers = ["paws-k8s-haproxy-2"]
    #expect(
      throws: LoadBalancerConfigError.invalidAddress(
        field: "keepalived peer", value: "paws-k8s-haproxy-2", expected: "an IPv4 address")
    ) { try config.validate() }
    config = LoadBalancerSample.keepalived
    config.sourceAddress = "::1"
    #expect(throws: LoadBalancerConfigError.self) { try config.validate() }
    config = LoadBalancerSample.keepalived
    config.interface = "eth0 eth1"
    #expect(throws: LoadBalancerConfigError.self) { try config.validate() }
  }

  @Test("the PAWS configuration is valid, including the longest password keepalived keeps")
  func valid() throws {
    var config = LoadBalancerSample.keepalived
    try config.validate()
    config.authSecret = "Abc-1234"
    try config.validate()
  }
}
