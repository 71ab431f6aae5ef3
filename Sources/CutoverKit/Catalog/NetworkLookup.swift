import OpenStack

/// Finding Neutron networks by the name an environment file uses, the way the `openstack` CLI accepts a name or an id.
enum NetworkLookup {
  /// The id of the network named (or with id) `nameOrID`.
  static func networkID(_ nameOrID: String, context: ActionContext) async throws -> String {
    let named = try await context.cloud.neutron.networks(name: nameOrID)
    if named.count == 1 { return named[0].id }
    if named.count > 1 {
      throw ResourceActionError("\(named.count) networks are named '\(nameOrID)'; name it by id instead")
    }
    if let byID = try await context.cloud.neutron.networks().first(where: { $0.id == nameOrID }) { return byID.id }
    throw ResourceActionError("no Neutron network is named '\(nameOrID)'")
  }

  /// The name the environment file would use for a network id: its name when that name is unique, else the id.
  static func networkName(id: String, context: ActionContext) async throws -> String {
    let networks = try await context.cloud.neutron.networks()
    guard let network = networks.first(where: { $0.id == id }) else { return id }
    return networks.filter { $0.name == network.name }.count == 1 ? network.name : id
  }

  /// The port holding `address` as a fixed IP, if any (a haproxy host's port).
  static func port(holding address: String, context: ActionContext) async throws -> NetworkPort? {
    try await context.cloud.neutron.ports(fixedIPAddress: address).first { $0.ipAddresses.contains(address) }
  }
}
