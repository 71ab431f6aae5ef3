import GRDB
import Hummingbird

/// Neutron floating IPs under `/network/v2.0/floatingips`: create (201) on an external network with an address
/// from 127.0.0.0/8 (or the one asked for, such as `185.15.56.57`), list, show, associate or disassociate by `PUT {"floatingip":
/// {"port_id": …}}` and delete (204).
struct FloatingIPRoutes {
  let store: CloudStore

  private static let creatable: Set<String> = [
    "floating_network_id", "floating_ip_address", "port_id", "fixed_ip_address", "description", "project_id",
    "tenant_id", "subnet_id",
  ]
  private static let updatable: Set<String> = ["port_id", "fixed_ip_address", "description"]

  private var documents: NeutronDocuments { NeutronDocuments(baseURL: store.endpoint.baseURL) }

  func register(on router: Router<SimulatorRequestContext>) {
    let collection = "/network/v2.0/floatingips"
    router.post(RouterPath(collection)) { request, context in try await create(request, context) }
    router.get(RouterPath(collection)) { request, context in try await list(request, context) }
    router.get(RouterPath(collection + "/:id")) { _, context in try await show(context) }
    router.put(RouterPath(collection + "/:id")) { request, context in try await update(request, context) }
    router.delete(RouterPath(collection + "/:id")) { _, context in try await delete(context) }
  }

  // MARK: - Handlers

  private func create(_ request: Request, _ context: SimulatorRequestContext) async throws -> Response {
    let project = try context.requireToken().projectID
    let attributes = try await NeutronBody.resource("floatingip", in: request, allowed: Self.creatable)
    guard let networkID = try NeutronBody.string(attributes, "floating_network_id") else {
      throw NeutronBody.invalidInput("floating_network_id", "'floating_network_id' is required")
    }
    let wantedAddress = try NeutronBody.string(attributes, "floating_ip_address")
    let portID = try NeutronBody.string(attributes, "port_id")
    let fixedAddress = try NeutronBody.string(attributes, "fixed_ip_address")
    let description = try NeutronBody.string(attributes, "description") ?? ""
    let documents = documents
    let body = try await store.transaction { db, now in
      guard let network = try NetworkRecord.fetchOne(db, key: networkID), network.isVisible(to: project) else {
        throw ServiceError.neutron(.notFound, "NetworkNotFound", "Network \(networkID) could not be found.")
      }
      guard network.isExternal else {
        throw ServiceError.neutron(
          .badRequest, "BadRequest",
          "Bad floatingip request: Network \(networkID) is not a valid external network.")
      }
      let address = try Self.address(wantedAddress, on: network, in: db)
      var floatingIP = FloatingIPRecord(
        id: Identifiers.uuid(), floatingNetworkID: network.id, floatingIPAddress: address, portID: nil,
        fixedIPAddress: nil, projectID: project, description: description, revisionNumber: 1, createdAt: now,
        updatedAt: now)
      var port: PortRecord?
      if let portID {
        port = try Self.associate(&floatingIP, portID: portID, fixedAddress: fixedAddress, in: db)
      }
      try floatingIP.insert(db)
      return documents.floatingIP(floatingIP, port: port)
    }
    return JSONResponse.make(.created, ["floatingip": body])
  }

  private func list(_ request: Request, _ context: SimulatorRequestContext) async throws -> Response {
    let project = try context.requireToken().projectID
    let documents = documents
    let bodies = try await store.transaction { db, _ in
      try FloatingIPRecord.all(project: project, in: db).map { floatingIP in
        documents.floatingIP(floatingIP, port: try floatingIP.portID.flatMap { try PortRecord.fetchOne(db, key: $0) })
      }
    }
    let filtered = NeutronDocuments.filter(bodies, by: NeutronBody.query(request))
    return JSONResponse.make(.ok, ["floatingips": .array(filtered)])
  }

  private func show(_ context: SimulatorRequestContext) async throws -> Response {
    let project = try context.requireToken().projectID
    let id = try context.parameters.require("id")
    let documents = documents
    let body = try await store.transaction { db, _ in
      let floatingIP = try FloatingIPRecord.find(id, project: project, in: db)
      return documents.floatingIP(
        floatingIP, port: try floatingIP.portID.flatMap { try PortRecord.fetchOne(db, key: $0) })
    }
    return JSONResponse.make(.ok, ["floatingip": body])
  }

  /// `port_id` set associates (or moves) the address; `port_id: null` disassociates it.
  private func update(_ request: Request, _ context: SimulatorRequestContext) async throws -> Response {
    let project = try context.requireToken().projectID
    let id = try context.parameters.require("id")
    let attributes = try await NeutronBody.resource(
      "floatingip", in: request, allowed: Self.updatable,
      readOnly: ["id", "floating_ip_address", "floating_network_id", "project_id"])
    let portID = try NeutronBody.string(attributes, "port_id")
    let fixedAddress = try NeutronBody.string(attributes, "fixed_ip_address")
    let description = try NeutronBody.string(attributes, "description")
    let documents = documents
    let body = try await store.transaction { db, now in
      var floatingIP = try FloatingIPRecord.find(id, project: project, in: db)
      var port: PortRecord?
      if attributes.keys.contains("port_id") {
        if let portID {
          port = try Self.associate(&floatingIP, portID: portID, fixedAddress: fixedAddress, in: db)
        } else {
          floatingIP.portID = nil
          floatingIP.fixedIPAddress = nil
        }
      } else {
        port = try floatingIP.portID.flatMap { try PortRecord.fetchOne(db, key: $0) }
      }
      if let description { floatingIP.description = description }
      floatingIP.revisionNumber += 1
      floatingIP.updatedAt = now
      try floatingIP.update(db)
      return documents.floatingIP(floatingIP, port: port)
    }
    return JSONResponse.make(.ok, ["floatingip": body])
  }

  private func delete(_ context: SimulatorRequestContext) async throws -> Response {
    let project = try context.requireToken().projectID
    let id = try context.parameters.require("id")
    try await store.transaction { db, _ in
      _ = try FloatingIPRecord.find(id, project: project, in: db).delete(db)
    }
    return JSONResponse.empty(.noContent)
  }

  // MARK: - Addresses

  /// The address asked for (checked: in the external subnet's CIDR or in 127.0.0.0/8, and free), else a fresh
  /// one in 127.0.0.0/8 from the allocator.
  private static func address(_ wanted: String?, on network: NetworkRecord, in db: Database) throws -> String {
    guard let wanted else {
      while true {
        let address = try PortRoutes.freshAddress(network: network.id, in: db)
        if try FloatingIPRecord.filter(Column("floatingIPAddress") == address).fetchCount(db) == 0 { return address }
      }
    }
    guard try SubnetRecord.all(network: network.id, in: db).contains(where: { $0.accepts(wanted) }) else {
      throw ServiceError.neutron(
        .badRequest, "InvalidIpForNetwork",
        "IP address \(wanted) is not a valid IP for any of the subnets on the "
          + "specified network.")
    }
    let taken = try FloatingIPRecord.filter(Column("floatingIPAddress") == wanted).fetchCount(db) > 0
    guard try !taken && !PortRecord.isAddressInUse(wanted, network: network.id, in: db) else {
      throw ServiceError.neutron(
        .conflict, "IpAddressAlreadyAllocated",
        "IP address \(wanted) already allocated in subnet \(SubnetRecord.externalIPv4.id)")
    }
    return wanted
  }

  /// Points the floating IP at the port's fixed address (the one given, else its first IPv4 address); 409 when
  /// another floating IP already holds that fixed address.
  private static func associate(
    _ floatingIP: inout FloatingIPRecord, portID: String, fixedAddress: String?, in db: Database
  ) throws -> PortRecord {
    let port = try PortRecord.find(portID, project: floatingIP.projectID, in: db)
    let candidates = port.fixedIPs.map(\.ipAddress).filter { NeutronAddresses.octets($0) != nil }
    guard let address = fixedAddress ?? candidates.first else {
      throw ServiceError.neutron(
        .badRequest, "BadRequest", "Bad floatingip request: Port \(portID) does not have any IPv4 address.")
    }
    guard candidates.contains(address) else {
      throw ServiceError.neutron(
        .badRequest, "BadRequest",
        "Bad floatingip request: Port \(portID) does not have fixed ip \(address).")
    }
    let holders = try FloatingIPRecord.filter(Column("portID") == portID).fetchAll(db)
    if let other = holders.first(where: { $0.id != floatingIP.id && $0.fixedIPAddress == address }) {
      throw ServiceError.neutron(
        .conflict, "FloatingIPPortAlreadyAssociated",
        "Cannot associate floating IP \(floatingIP.floatingIPAddress) (\(floatingIP.id)) with port \(portID) using "
          + "fixed IP \(address), as that fixed IP already has a floating IP on external network "
          + "\(other.floatingNetworkID).")
    }
    floatingIP.portID = port.id
    floatingIP.fixedIPAddress = address
    return port
  }
}
