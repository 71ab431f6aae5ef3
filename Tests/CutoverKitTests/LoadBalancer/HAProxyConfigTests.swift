import CutoverKit
import Testing

@Suite("HAProxyConfig renders a load-balancer host's haproxy.cfg")
struct HAProxyConfigTests {
  @Test("the PAWS configuration renders exactly as its golden file")
  func golden() throws {
    try GoldenFile.check(LoadBalancerSample.haproxy.render(), matches: "haproxy-paws.cfg")
  }

  @Test("the text does not depend on the order or repetition of servers")
  func deterministic() {
    var shuffled = LoadBalancerSample.haproxy
    shuffled.frontends[0].servers = ["127.0.0.13", "127.0.0.11", "127.0.0.12", "127.0.0.11"]
    shuffled.frontends[1].servers.reverse()
    #expect(shuffled.render() == LoadBalancerSample.haproxy.render())
    #expect(LoadBalancerSample.haproxy.render() == LoadBalancerSample.haproxy.render())
  }

  @Test("IPv4 servers are ordered numerically, IPv6 servers are bracketed")
  func serverLines() throws {
    let config = HAProxyConfig(
      host: "lb",
      frontends: [.init(listen: 6443, target: "control_plane", port: 6443, servers: ["::1", "10.0.0.10", "10.0.0.9"])])
    try config.validate()
    let servers = config.render().split(separator: "\n").filter { $0.hasPrefix("  server ") }
    #expect(
      servers == [
        "  server 10.0.0.9 10.0.0.9:6443 check", "  server 10.0.0.10 10.0.0.10:6443 check",
        "  server ::1 [::1]:6443 check",
      ])
  }

  @Test("a frontend without servers renders a backend with a comment and no server line")
  func emptyBackend() throws {
    let config = HAProxyConfig(
      host: "lb", frontends: [.init(listen: 80, target: "ingress", port: 30001, servers: [])],
      bindAddress: "172.16.1.171")
    try config.validate()
    let text = config.render()
    #expect(text.contains("backend ingress_80\n  balance leastconn\n  option tcp-check\n"))
    #expect(text.contains("  # No servers: haproxy closes every connection until the next apply adds some.\n"))
    #expect(!text.contains("  server "))
    #expect(text.contains("  bind 172.16.1.171:80\n"))
  }

  @Test(
    "values haproxy would refuse or misread are rejected by validate",
    arguments: [
      (
        HAProxyConfig(host: "lb", frontends: [.init(listen: 0, target: "ingress", port: 30001, servers: [])]),
        LoadBalancerConfigError.portOutOfRange(field: "haproxy listen port", port: 0)
      ),
      (
        HAProxyConfig(host: "lb", frontends: [.init(listen: 80, target: "ingress", port: 65536, servers: [])]),
        .portOutOfRange(field: "haproxy server port of ingress_80", port: 65536)
      ),
      (
        HAProxyConfig(
          host: "lb",
          frontends: [
            .init(listen: 443, target: "ingress", port: 30001, servers: []),
            .init(listen: 443, target: "control_plane", port: 6443, servers: []),
          ]),
        .duplicateListenPort(443)
      ),
      (
        HAProxyConfig(
          host: "lb", frontends: [.init(listen: 80, target: "ingress", port: 30001, servers: ["10.0.0.300"])]),
        .invalidAddress(field: "haproxy server of ingress_80", value: "10.0.0.300", expected: "an IP address")
      ),
      (
        HAProxyConfig(host: "lb", frontends: [.init(listen: 80, target: "the ingress", port: 30001, servers: [])]),
        .invalidName(field: "haproxy frontend target", value: "the ingress")
      ),
      (
        HAProxyConfig(host: "lb\nglobal", frontends: []),
        .invalidName(field: "haproxy host", value: "lb\nglobal")
      ),
      (
        HAProxyConfig(host: "lb", frontends: [], bindAddress: "localhost"),
        .invalidAddress(field: "haproxy bind address", value: "localhost", expected: "* or an IP address")
      ),
    ])
  func validation(config: HAProxyConfig, expected: LoadBalancerConfigError) {
    #expect(throws: expected) { try config.validate() }
  }

  @Test("the PAWS configuration is valid")
  func pawsIsValid() throws {
    try LoadBalancerSample.haproxy.validate()
  }
}
