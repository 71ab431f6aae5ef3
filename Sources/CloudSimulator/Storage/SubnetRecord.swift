import GRDB

/// A subnet of a simulated network, with Cloud VPS's real name and CIDR. An address asked for by hand may be any
/// in the CIDR (PAWS's VIP `172.16.1.171`, its public address `185.15.56.57`); addresses the simulator picks
/// itself are handed out by `NodeAddressAllocator` in 127.0.0.0/8 whatever the CIDR says, so every address a
/// client might probe stays on this machine.
struct SubnetRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "subnet"

  var id: String
  var networkID: String
  var name: String
  var projectID: String
  var ipVersion: Int
  var cidr: String
  var gatewayIP: String?
  var createdAt: Double

  // MARK: - Premade subnets

  /// The IPv4 subnet of `VXLAN/IPv6-dualstack` that instances (and the PAWS VIP) get their addresses on.
  static let tenantIPv4 = SubnetRecord(
    id: "a69bdf11-cce4-4a0a-9f1e-9e27fa7bc3b4", networkID: NetworkRecord.tenant.id,
    name: "vxlan-dualstack-ipv4", projectID: "admin", ipVersion: 4, cidr: "172.16.0.0/21",
    gatewayIP: "172.16.0.1", createdAt: 1_700_000_000)
  /// The floating-IP range of `wan-transport-eqiad`.
  static let externalIPv4 = SubnetRecord(
    id: "3ac9b1f8-6a1e-4bd1-bb2b-0a6b0ad0c3e7", networkID: NetworkRecord.external.id,
    name: "cloud-eqiad1-floating", projectID: "admin", ipVersion: 4, cidr: "185.15.56.0/25",
    gatewayIP: "185.15.56.1", createdAt: 1_700_000_000)

  /// The premade subnets, as the latest migration leaves them.
  static let premade = [tenantIPv4, externalIPv4]
}

// MARK: - Queries

extension SubnetRecord {
  /// Whether a client may ask for `address` on this subnet: inside the CIDR but neither its network, broadcast
  /// nor gateway address, or a simulated address in 127.0.0.0/8 (see `NeutronAddresses.isAssignable`).
  func accepts(_ address: String) -> Bool {
    if NeutronAddresses.isAssignable(address) { return true }
    guard let range = IPv4Range(cidr: cidr), let value = IPv4Range.value(of: address) else { return false }
    return range.hostAddresses.contains(value) && address != gatewayIP
  }

  /// The allocation pool Neutron reports: the CIDR's host addresses after the gateway.
  var allocationPool: (start: String, end: String)? {
    guard let hosts = IPv4Range(cidr: cidr)?.hostAddresses, hosts.count > 1 else { return nil }
    let gateway = gatewayIP.flatMap(IPv4Range.value(of:))
    let start = gateway == hosts.lowerBound ? hosts.lowerBound + 1 : hosts.lowerBound
    return (IPv4Range.text(of: start), IPv4Range.text(of: hosts.upperBound))
  }

  static func all(network: String, in db: Database) throws -> [SubnetRecord] {
    try SubnetRecord.filter(Column("networkID") == network).order(Column("createdAt"), Column.rowID).fetchAll(db)
  }
}
