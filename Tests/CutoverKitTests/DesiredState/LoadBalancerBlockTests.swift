import CutoverKit
import Foundation
import Testing

/// The optional `load_balancer:` block: defaults derived from `name_prefix`, the resources it expands to, and one
/// clear diagnostic, at the offending line and column, for each kind of mistake.
@Suite("Environment file: load_balancer")
struct LoadBalancerBlockTests {
  /// `environments/minimal.yaml` with a `load_balancer:` block appended; `block` is its body, indented two spaces.
  private func parse(_ block: String) throws -> DesiredState {
    let text = try Fixture.text("environments/minimal.yaml") + "load_balancer:\n" + block
    return try EnvironmentFile.parse(text, environment: "eqiad1", file: "eqiad1.yaml")
  }

  /// The diagnostics of a block that must not parse.
  private func diagnostics(_ block: String, sourceLocation: SourceLocation = #_sourceLocation) -> [Diagnostic] {
    do {
      _ = try parse(block)
      Issue.record("the block was accepted", sourceLocation: sourceLocation)
    } catch CutoverError.invalidDesiredState(let diagnostics) {
      return diagnostics
    } catch {
      Issue.record("expected invalid desired state, got \(error)", sourceLocation: sourceLocation)
    }
    return []
  }

  /// The line of `minimal.yaml` after which the block starts (its `load_balancer:` line is this + 1).
  private var blockLine: Int {
    get throws { try Fixture.text("environments/minimal.yaml").split(separator: "\n").count + 1 }
  }

  static let valid = """
      network: VXLAN/IPv6-dualstack
      vip: 172.16.1.171
      public_ip: 185.15.56.57
      external_network: wan-transport-eqiad
      hosts:
        - {name: paws-k8s-haproxy-1, address: 172.16.1.20}
        - {name: paws-k8s-haproxy-2, address: 172.16.1.21}
      ports:
        - {listen: 6443, to: control_plane, port: 6443}
        - {listen: 443, to: ingress, port: 30001}
      keepalived: {secret_env: PAWS_VRRP_SECRET}

    """

  @Test("a minimal block takes its names and policies from name_prefix, and priorities from the host order")
  func defaults() throws {
    let balancer = try #require(try parse(Self.valid).loadBalancer)
    #expect(balancer.name == "paws")
    #expect(balancer.securityGroup.name == "paws-loadbalancer")
    #expect(balancer.securityGroup.apiFrom == ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"])
    #expect(balancer.serverGroups.map(\.name) == ["paws-k8s-control", "paws-k8s-haproxy", "paws-k8s-worker"])
    #expect(balancer.serverGroups.map(\.policy) == ["anti-affinity", "anti-affinity", "soft-anti-affinity"])
    #expect(balancer.hosts.map(\.priority) == [100, 99])
    #expect(
      balancer.keepalived == .init(interface: "eth0", virtualRouterID: 51, secret: .environment("PAWS_VRRP_SECRET")))
  }

  @Test("the rules keep the internet off the Kubernetes API and let the hosts speak VRRP to each other")
  func securityGroupRules() throws {
    let rules = try #require(try parse(Self.valid).loadBalancer).securityGroupRules
    #expect(rules.contains(SecurityRule(protocol: "tcp", port: 443, remoteIPPrefix: "0.0.0.0/0")))
    #expect(!rules.contains { $0.port == 6443 && $0.remoteIPPrefix == "0.0.0.0/0" })
    #expect(rules.filter { $0.port == 6443 }.count == 3)
    #expect(rules.filter { $0.protocol == "vrrp" }.map(\.remoteIPPrefix) == ["172.16.1.20/32", "172.16.1.21/32"])
  }

  @Test("the block expands to the group, server groups, VIP port, floating IP and a config pair per host")
  func expansion() throws {
    let addresses = ResourceCatalog.standard.expand(try parse(Self.valid)).map(\.address.description)
    for address in [
      "security_group.paws-loadbalancer", "server_group.paws-k8s-control", "server_group.paws-k8s-worker",
      "vip_port.paws", "floating_ip.paws", "keepalived.paws-k8s-haproxy-1", "haproxy.paws-k8s-haproxy-2",
    ] {
      #expect(addresses.contains(address), "\(addresses)")
    }
    let haproxy = try #require(
      ResourceCatalog.standard.expand(try parse(Self.valid)).first {
        $0.address.description == "haproxy.paws-k8s-haproxy-1"
      })
    #expect(haproxy.dependencies.map(\.description) == ["cluster.127d"], "haproxy follows the live cluster")
  }

  @Test("the VRRP password comes from exactly one of secret_file and secret_env, never inline")
  func secretSource() throws {
    let both = diagnostics(
      Self.valid.replacingOccurrences(
        of: "{secret_env: PAWS_VRRP_SECRET}", with: "{secret_env: PAWS_VRRP_SECRET, secret_file: /etc/pw}"))
    #expect(both.count == 1 && both[0].message.contains("exactly one of secret_file or secret_env"), "\(both)")
    let inline = diagnostics(
      Self.valid.replacingOccurrences(of: "{secret_env: PAWS_VRRP_SECRET}", with: "{secret: hunter2}"))
    #expect(inline.contains { $0.message.contains("unknown key 'secret'") }, "\(inline)")
    #expect(!inline.contains { $0.message.contains("hunter2") }, "a diagnostic quotes the inline secret")
  }

  @Test("each mistake is one diagnostic at its own line and column")
  func mistakes() throws {
    let cases: [(from: String, to: String, line: Int, column: Int, says: String)] = [
      ("vip: 172.16.1.171", "vip: 172.16.1.300", 2, 8, "not an IPv4 address"),
      ("address: 172.16.1.21}", "address: 172.16.1.20}", 7, 7, "belongs to two hosts"),
      ("to: ingress", "to: workers", 10, 25, "expected control_plane or ingress"),
      ("listen: 443", "listen: 6443", 10, 7, "listened on twice"),
      ("  external_network: wan-transport-eqiad\n", "", 3, 14, "needs external_network"),
      ("  public_ip: 185.15.56.57\n", "", 3, 21, "is used only with public_ip"),
      ("vip: 172.16.1.171", "vip: 172.16.1.20", 2, 8, "also a host's own address"),
      (
        "{secret_env: PAWS_VRRP_SECRET}", "{secret_env: PAWS_VRRP_SECRET, interface: 'eth0; x'}", 11, 57,
        "not a network interface"
      ),
      ("  network:", "  netwrok:", 1, 3, "did you mean 'network'?"),
    ]
    for mistake in cases {
      let found = diagnostics(Self.valid.replacingOccurrences(of: mistake.from, with: mistake.to))
      let diagnostic = try #require(
        found.first { $0.message.contains(mistake.says) }, "\(mistake.says): \(found.map(\.description))")
      if mistake.line > 0 {
        #expect(
          (diagnostic.line, diagnostic.column) == (try blockLine + mistake.line, mistake.column),
          "\(diagnostic.description)")
      }
    }
  }

  @Test("a secret is read from its file without the trailing newline, or from the environment; a missing one is named")
  func secretReading() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("vrrp-\(UUID().uuidString)").path
    try "pw123456\n".write(toFile: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: file) }
    #expect(try SecretSource.file(file).read() == "pw123456")
    try "pw123456\r\n".write(toFile: file, atomically: true, encoding: .utf8)
    #expect(try SecretSource.file(file).read() == "pw123456", "a CRLF line ending is one character in Swift")
    #expect(try SecretSource.environment("VRRP").read(environment: ["VRRP": "abc"]) == "abc")
    let error = try #require(throws: SecretUnavailable.self) {
      try SecretSource.environment("VRRP").read(environment: [:])
    }
    #expect(error.message == "environment variable VRRP is not set")
  }
}
