import Foundation

/// The desired state the end-to-end tests start from (`Fixtures/eqiad1.yaml`, PAWS's real eqiad1 values) and the
/// edits they make to it, each one replacing a known line so a test reads as the change an operator would make.
struct DesiredStateFixture: Sendable {
  /// The file's lines, without line terminators.
  private(set) var lines: [String]

  /// The file's text.
  var text: String { lines.joined(separator: "\n") + "\n" }

  /// A fixture holding `text` as it is.
  init(text: String) {
    lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
  }

  private init(lines: [String]) {
    self.lines = lines
  }

  /// The fixture as stored: one generation, 127d, live; five workers; two web proxies.
  static func eqiad1() throws -> DesiredStateFixture {
    guard let url = Bundle.module.url(forResource: "eqiad1", withExtension: "yaml", subdirectory: "Fixtures") else {
      throw FixtureError("Fixtures/eqiad1.yaml is not among the IntegrationTests resources")
    }
    let text = try String(contentsOf: url, encoding: .utf8)
    return DesiredStateFixture(lines: text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
  }

  // MARK: - Edits

  /// Sets `defaults.cluster.workers`, which every generation inherits.
  mutating func setDefaultWorkers(_ count: Int) throws {
    let index = try index { $0.hasPrefix("    workers: ") }
    lines[index] = "    workers: \(count)"
  }

  /// Replaces the `generations:` block: each entry is a generation id and its overrides as a YAML flow mapping,
  /// such as `("128a", "{template: {labels: {kube_tag: v1.28.15}}}")`.
  mutating func setGenerations(_ generations: [(id: String, overrides: String)]) throws {
    let start = try index { $0 == "generations:" || $0.hasPrefix("generations: ") }
    var end = start + 1
    while end < lines.count, lines[end].hasPrefix("  ") { end += 1 }
    let block =
      generations.isEmpty ? ["generations: {}"] : ["generations:"] + generations.map { "  \($0.id): \($0.overrides)" }
    lines.replaceSubrange(start..<end, with: block)
  }

  /// Sets `live:`, the generation the web proxies point at.
  mutating func setLive(_ generation: String) throws {
    let index = try index { $0.hasPrefix("live:") }
    lines[index] = "live: \(generation)"
  }

  /// Removes `live:` (valid only with no generation).
  mutating func removeLive() throws {
    lines.remove(at: try index { $0.hasPrefix("live:") })
  }

  /// Inserts `line` after the first line equal to `anchor`.
  mutating func insert(_ line: String, after anchor: String) throws {
    let index = try index { $0 == anchor }
    lines.insert(line, at: index + 1)
  }

  // MARK: - Positions

  /// The 1-based line and column where `fragment` first occurs, as Cutover's diagnostics count them.
  func position(of fragment: String) throws -> (line: Int, column: Int) {
    for (number, line) in lines.enumerated() {
      if let range = line.range(of: fragment) {
        return (number + 1, line.distance(from: line.startIndex, to: range.lowerBound) + 1)
      }
    }
    throw FixtureError("'\(fragment)' does not occur in the desired state")
  }

  /// The index of the first line `matches` accepts.
  func lineIndex(where matches: (String) -> Bool) throws -> Int {
    try index(where: matches)
  }

  /// Inserts `newLines` after the line at `index`.
  mutating func insertLines(_ newLines: [String], after index: Int) {
    lines.insert(contentsOf: newLines, at: index + 1)
  }

  private func index(where matches: (String) -> Bool) throws -> Int {
    guard let index = lines.firstIndex(where: matches) else {
      throw FixtureError("Fixtures/eqiad1.yaml no longer has the line this edit replaces")
    }
    return index
  }
}

/// The fixture does not have the shape an edit expects.
struct FixtureError: Error, CustomStringConvertible {
  var description: String

  init(_ description: String) {
    self.description = description
  }
}

extension DesiredStateFixture {
  /// The haproxy hosts of ``addLoadBalancer(deliver:)``, by name and address.
  static let haproxyHosts = [("paws-k8s-haproxy-1", "172.16.1.20"), ("paws-k8s-haproxy-2", "172.16.1.21")]
  /// The variable the VRRP password is read from.
  static let vrrpSecretVariable = "PAWS_VRRP_SECRET"

  /// Appends the pre-Magnum haproxy + keepalived tier of DESIGN: VIP 172.16.1.171 NAT'd to 185.15.56.57, two hosts,
  /// 6443 to the control plane and 80/443 to the ingress NodePort.
  mutating func addLoadBalancer(deliver: String? = nil) {
    lines.removeLast(lines.last == "" ? 1 : 0)
    lines += [
      "load_balancer:",
      "  network: VXLAN/IPv6-dualstack",
      "  vip: 172.16.1.171",
      "  public_ip: 185.15.56.57",
      "  external_network: wan-transport-eqiad",
      "  hosts:",
    ]
    for (index, host) in Self.haproxyHosts.enumerated() {
      lines.append("    - {name: \(host.0), address: \(host.1), priority: \(150 - 50 * index)}")
    }
    lines += [
      "  ports:",
      "    - {listen: 6443, to: control_plane, port: 6443}",
      "    - {listen: 80, to: ingress, port: 30001}",
      "    - {listen: 443, to: ingress, port: 30001}",
      "  keepalived:",
      "    secret_env: \(Self.vrrpSecretVariable)",
    ]
    if let deliver { lines.append("  deliver: '\(deliver)'") }
  }
}
