/// The `keepalived.conf` of one load-balancer host: one VRRP instance that floats the VIP between the haproxy hosts.
///
/// Every host starts as `BACKUP` and the priorities decide: a host that starts as `MASTER` claims the VIP before it
/// has heard the others, so a rebooted host would briefly fight the current holder. With all hosts `BACKUP`, a host
/// listens for adverts first and takes the VIP only if it has the highest priority (or nobody holds it). Adverts go
/// by unicast to ``peers`` because OpenStack networks drop multicast VRRP.
public struct KeepalivedConfig: Sendable, Equatable {
  /// What ``renderRedacted()`` writes instead of the secret. It is itself a valid password, so the redacted text can
  /// be checked by keepalived without the secret ever being written to disk.
  public static let redactedSecret = "REDACTED"

  /// The host this file is for, such as `paws-k8s-haproxy-1`; keepalived's `router_id`.
  public var host: String
  /// The network interface VRRP runs on and the VIP is added to, such as `eth0`.
  public var interface: String
  /// The VRRP virtual router id, 1 to 255, the same on every host of the pair and unique on the network.
  public var virtualRouterID: Int
  /// This host's VRRP priority, 1 to 254: the highest holds the VIP.
  public var priority: Int
  /// The floating IPv4 address, such as `172.16.1.171`; rendered as a /32 unless a prefix is given.
  public var vip: String
  /// This host's own address, the source of its unicast adverts; keepalived picks the interface's first when `nil`.
  public var sourceAddress: String?
  /// The other hosts' addresses, which get this host's adverts by unicast. Rendered sorted.
  public var peers: [String]
  /// The VRRP `PASS` password, at most 8 characters: it keeps a stray VRRP speaker with the same router id out of the
  /// election, nothing more (it crosses the network in clear text).
  public var authSecret: String
  /// Whether the host gives up the VIP while no `haproxy` process runs, so the VIP never sits on a host that
  /// cannot serve it.
  public var checkHAProxy: Bool
  /// Whether a higher-priority host that comes back takes the VIP back. Off (`nopreempt`) avoids a second
  /// interruption when the preferred host returns, at the price of the VIP staying where it landed.
  public var preempt: Bool

  public init(
    host: String, interface: String, virtualRouterID: Int, priority: Int, vip: String, sourceAddress: String? = nil,
    peers: [String], authSecret: String, checkHAProxy: Bool = true, preempt: Bool = true
  ) {
    self.host = host
    self.interface = interface
    self.virtualRouterID = virtualRouterID
    self.priority = priority
    self.vip = vip
    self.sourceAddress = sourceAddress
    self.peers = peers
    self.authSecret = authSecret
    self.checkHAProxy = checkHAProxy
    self.preempt = preempt
  }

  // MARK: - Validation

  /// Checks what keepalived would silently repair or misread instead of refusing: it truncates a long password and
  /// replaces an out-of-range priority with 100, and two hosts that disagree about either split the VIP.
  ///
  /// - Throws: ``LoadBalancerConfigError`` naming the first value that is wrong.
  public func validate() throws(LoadBalancerConfigError) {
    guard HAProxyConfig.isSafeName(host) else { throw .invalidName(field: "keepalived host", value: host) }
    guard HAProxyConfig.isSafeName(interface), interface.utf8.count <= 15 else {
      throw .invalidName(field: "keepalived interface (at most 15 characters)", value: interface)
    }
    guard (1...255).contains(virtualRouterID) else { throw .virtualRouterIDOutOfRange(virtualRouterID) }
    guard (1...254).contains(priority) else { throw .priorityOutOfRange(priority) }
    guard IPAddressText.isIPv4WithOptionalPrefix(vip) else {
      throw .invalidAddress(field: "keepalived VIP", value: vip, expected: "an IPv4 address, with an optional /prefix")
    }
    if let sourceAddress, !IPAddressText.isIPv4(sourceAddress) {
      throw .invalidAddress(field: "keepalived source address", value: sourceAddress, expected: "an IPv4 address")
    }
    for peer in peers where !IPAddressText.isIPv4(peer) {
      throw .invalidAddress(field: "keepalived peer", value: peer, expected: "an IPv4 address")
    }
    try Self.validateSecret(authSecret)
  }

  static func validateSecret(_ secret: String) throws(LoadBalancerConfigError) {
    guard !secret.isEmpty else { throw .emptySecret }
    guard secret.utf8.count <= 8 else { throw .secretTooLong(bytes: secret.utf8.count) }
    let unsafe: Set<Character> = ["\"", "'", "\\", "{", "}", "#", "!"]
    guard secret.allSatisfy({ $0.isASCII && !$0.isWhitespace && !$0.isNewline && !unsafe.contains($0) }),
      secret.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) })
    else { throw .secretHasUnsafeCharacter }
  }

  // MARK: - Rendering

  /// The file's text, secret included: only for delivery to the host. It does not validate: call ``validate()``
  /// first.
  public func render() -> String {
    render(secret: authSecret)
  }

  /// The text with the secret replaced by ``redactedSecret``, for digests and anything shown to people.
  public func renderRedacted() -> String {
    render(secret: Self.redactedSecret)
  }

  private func render(secret: String) -> String {
    var lines = [
      "# keepalived.conf for \(host)",
      "# Generated by Cutover: the next apply overwrites any change made here.",
      "",
      "global_defs {",
      "  router_id \(host)",
      "}",
    ]
    if checkHAProxy {
      // keepalived watches the process table itself: no script, so no script user, no script security settings
      // and no dependency on pidof or killall. Weight 0 puts the instance in FAULT while haproxy is not running,
      // which gives up the VIP instead of merely lowering the priority.
      lines += [
        "",
        "vrrp_track_process haproxy_running {",
        "  process haproxy",
        "  weight 0",
        "}",
      ]
    }
    lines += [
      "",
      "vrrp_instance haproxy_vip {",
      "  state BACKUP",
      "  interface \(interface)",
      "  virtual_router_id \(virtualRouterID)",
      "  priority \(priority)",
      "  advert_int 1",
    ]
    if !preempt { lines.append("  nopreempt") }
    if let sourceAddress { lines.append("  unicast_src_ip \(sourceAddress)") }
    let sortedPeers = Array(Set(peers)).sorted(by: IPAddressText.ascending)
    if !sortedPeers.isEmpty {
      lines += ["  unicast_peer {"] + sortedPeers.map { "    \($0)" } + ["  }"]
    }
    lines += [
      "  authentication {",
      "    auth_type PASS",
      "    auth_pass \(secret)",
      "  }",
      "  virtual_ipaddress {",
      "    \(vip.contains("/") ? vip : vip + "/32")",
      "  }",
    ]
    if checkHAProxy {
      lines += ["  track_process {", "    haproxy_running", "  }"]
    }
    lines.append("}")
    return lines.joined(separator: "\n") + "\n"
  }
}
