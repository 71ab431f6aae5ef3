import CutoverKit
import Foundation
import Testing

/// These run the real daemons (Debian's haproxy and keepalived, installed by `scripts/test`).
@Suite("DaemonConfigCheck has haproxy and keepalived read the rendered files")
struct DaemonConfigCheckTests {
  let checker = DaemonConfigCheck()

  // MARK: - haproxy

  @Test("haproxy -c accepts the rendered PAWS configuration without a warning")
  func haproxyAcceptsPAWS() async throws {
    try requireDaemon("haproxy")
    let report = try await checker.check(LoadBalancerSample.haproxy)
    #expect(report == DaemonConfigCheck.Report(daemon: "haproxy"))
  }

  @Test("haproxy -c accepts frontends whose backends have no servers yet")
  func haproxyAcceptsEmptyBackends() async throws {
    try requireDaemon("haproxy")
    var config = LoadBalancerSample.haproxy
    for index in config.frontends.indices { config.frontends[index].servers = [] }
    let report = try await checker.check(config)
    #expect(report.warnings == [])
  }

  @Test("an unknown haproxy keyword is rejected with haproxy's own message")
  func haproxyRejectsUnknownKeyword() async throws {
    try requireDaemon("haproxy")
    let text = LoadBalancerSample.haproxy.render()
      .replacingOccurrences(of: "  option dontlognull\n", with: "  option dontlognull\n  frobnicate yes\n")
    let error = await #expect(throws: DaemonConfigCheckError.self) {
      try await checker.checkHAProxy(text: text)
    }
    guard case .rejected(let daemon, let file, let message)? = error else {
      Issue.record("expected a rejection, got \(String(describing: error))")
      return
    }
    #expect(daemon == "haproxy" && file == "haproxy.cfg")
    #expect(message.contains("parsing [haproxy.cfg:18] : unknown keyword 'frobnicate' in 'defaults' section"))
    #expect(!message.contains("Fatal errors found"))
    #expect(error?.localizedDescription.hasPrefix("haproxy rejected haproxy.cfg:\n") == true)
  }

  @Test("a server port out of range, rendered without validation, is rejected by haproxy")
  func haproxyRejectsBadPort() async throws {
    try requireDaemon("haproxy")
    var config = LoadBalancerSample.haproxy
    config.frontends[0].port = 99999
    #expect(throws: LoadBalancerConfigError.self) { try config.validate() }
    let error = await #expect(throws: DaemonConfigCheckError.self) {
      try await checker.checkHAProxy(text: config.render())
    }
    #expect(error?.localizedDescription.contains("invalid port '99999'") == true)
  }

  @Test("haproxy warnings do not fail the check; they are returned")
  func haproxyWarningsAreReported() async throws {
    try requireDaemon("haproxy")
    let text = LoadBalancerSample.haproxy.render()
      .replacingOccurrences(of: "  option tcplog\n", with: "  option httplog\n")
    let report = try await checker.checkHAProxy(text: text)
    #expect(report.warnings.count == 3)
    #expect(report.warnings.first?.contains("'option httplog' not usable with frontend 'control_plane_6443'") == true)
  }

  // MARK: - keepalived

  @Test("keepalived --config-test accepts the rendered PAWS configuration")
  func keepalivedAcceptsPAWS() async throws {
    try requireDaemon("keepalived")
    let config = try LoadBalancerSample.keepalivedOnLocalInterface()
    #expect(try await checker.checkKeepalived(text: config.render()) == DaemonConfigCheck.Report(daemon: "keepalived"))
    #expect(try await checker.check(config) == DaemonConfigCheck.Report(daemon: "keepalived"))
  }

  @Test("an interface this machine lacks is replaced by a local one in the copy checked, and said so")
  func keepalivedInterfaceStandIn() async throws {
    try requireDaemon("keepalived")
    let local = try LoadBalancerSample.keepalivedOnLocalInterface().interface
    var config = LoadBalancerSample.keepalived
    config.interface = "cutover-none0"
    let report = try await checker.check(config)
    #expect(
      report.notes == ["checked with interface \(local) in place of cutover-none0, which this machine does not have"])

    let noInterfaces = DaemonConfigCheck(localInterfaces: { [] })
    await #expect(throws: DaemonConfigCheckError.noNetworkInterface(wanted: "cutover-none0")) {
      try await noInterfaces.check(config)
    }
  }

  @Test("an unknown keepalived keyword is rejected with keepalived's own message")
  func keepalivedRejectsUnknownKeyword() async throws {
    try requireDaemon("keepalived")
    let text = try LoadBalancerSample.keepalivedOnLocalInterface().render()
      .replacingOccurrences(of: "  advert_int 1\n", with: "  advert_intx 1\n")
    let error = await #expect(throws: DaemonConfigCheckError.self) {
      try await checker.checkKeepalived(text: text)
    }
    guard case .rejected(let daemon, let file, let message)? = error else {
      Issue.record("expected a rejection, got \(String(describing: error))")
      return
    }
    #expect(daemon == "keepalived" && file == "keepalived.conf")
    #expect(message.contains("(keepalived.conf: Line 18) Unknown keyword 'advert_intx'"))
  }

  @Test("values keepalived would only repair, rendered without validation, are rejected with its complaint")
  func keepalivedRejectsWhatItWouldRepair() async throws {
    try requireDaemon("keepalived")
    var config = try LoadBalancerSample.keepalivedOnLocalInterface()
    config.authSecret = "longer-than-8"
    var error = await #expect(throws: DaemonConfigCheckError.self) {
      try await checker.checkKeepalived(text: config.render())
    }
    #expect(error?.localizedDescription.contains("Truncating auth_pass to 8 characters") == true)

    config = try LoadBalancerSample.keepalivedOnLocalInterface()
    config.virtualRouterID = 300
    error = await #expect(throws: DaemonConfigCheckError.self) {
      try await checker.checkKeepalived(text: config.render())
    }
    #expect(error?.localizedDescription.contains("number '300' outside range [1, 255]") == true)
  }

  @Test("a file with a missing brace is rejected, and keepalived's repeated complaint is shown once")
  func keepalivedRejectsMissingBrace() async throws {
    try requireDaemon("keepalived")
    let text = try LoadBalancerSample.keepalivedOnLocalInterface().render().dropLast(2) + "\n"
    let error = await #expect(throws: DaemonConfigCheckError.self) {
      try await checker.checkKeepalived(text: String(text))
    }
    let description = error?.localizedDescription ?? ""
    #expect(description.components(separatedBy: "missing '}'").count == 2, "\(description)")
  }

  // MARK: - Missing daemons

  @Test("a missing daemon is an error saying to install Debian's package")
  func missingDaemon() async throws {
    let checker = DaemonConfigCheck(
      runner: ProcessRunner(fallbackDirectories: ["/usr/sbin"]), haproxyExecutable: "cutover-no-such-haproxy",
      keepalivedExecutable: "cutover-no-such-keepalived")
    let error = await #expect(throws: DaemonConfigCheckError.self) {
      try await checker.check(LoadBalancerSample.haproxy)
    }
    #expect(error == .daemonNotFound(daemon: "haproxy", searched: ["/usr/sbin"]))
    #expect(
      error?.localizedDescription.hasPrefix(
        "haproxy not found on PATH or in /usr/sbin; install Debian's haproxy (`apt-get install haproxy`)") == true)
    await #expect(throws: DaemonConfigCheckError.daemonNotFound(daemon: "keepalived", searched: ["/usr/sbin"])) {
      try await checker.checkKeepalived(text: "")
    }
  }
}
