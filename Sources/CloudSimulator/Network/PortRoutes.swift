import GRDB
import Hummingbird

/// Neutron ports under `/network/v2.0/ports`: create (201) with addresses handed out in 127.0.0.0/8, list
/// (filtered by attributes such as `name`), show, update (`allowed_address_pairs` replaced as a whole, `name`,
/// `security_groups`, `description`) and delete (204, which also disassociates floating IPs from the port).
struct PortRoutes {
  let store: CloudStore

  private static let creatable: Set<String> = [
    "network_id", "name", "fixed_ips", "security_groups", "allowed_address_pairs", "description", "admin_state_up",
    "device_id", "device_owner", "project_id", "tenant_id",
  ]
  private static let updatable: Set<String> = [
    "name", "security_groups", "allowed_address_pairs", "description", "admin_state_up", "device_id", "device_owner",
  ]

  private var documents: NeutronDocuments { NeutronDocuments(baseURL: store.endpoint.baseURL) }

  func register(on router: Router<SimulatorRequestContext>) {
    let collection = "/network/v2.0/ports"
    router.post(RouterPath(collection)) { request, context in try await create(request, context) }
    router.get(RouterPath(collection)) { request, context in try await list(request, context) }
    router.get(RouterPath(collection + "/:id")) { _, context in try await show(context) }
    router.put(RouterPath(collection + "/:id")) { request, context in try await update(request, context) }
    router.delete(RouterPath(collection + "/:id")) { _, context in try await delete(context) }
  }

  // MARK: - Handlers

  private func create(_ request: Request, _ context: SimulatorRequestContext) async throws -> Response {
    let project = try context.requireToken().projectID
    let attributes = try await NeutronBody.resource("port", in: request, allowed: Self.creatable)
    guard let networkID = try NeutronBody.string(attributes, "network_id") else {
      throw NeutronBody.invalidInput("network_id", "'network_id' is required")
    }
    let wantedIPs = try Self.fixedIPRequests(attributes["fixed_ips"])
    let name = try NeutronBody.string(attributes, "name") ?? ""
    let description = try NeutronBody.string(attributes, "description") ?? ""
    let securityGroups = try NeutronBody.strings(attributes, "security_groups")
    let adminStateUp = attributes["admin_state_up"]?.boolValue ?? true
    let deviceID = try NeutronBody.string(attributes, "device_id") ?? ""
    let deviceOwner = try NeutronBody.string(attributes, "device_owner") ?? ""
    let documents = documents
    let body = try await store.transaction { db, now in
      guard let network = try NetworkRecord.fetchOne(db, key: networkID), network.isVisible(to: project) else {
        throw ServiceError.neutron(.notFound, "NetworkNotFound", "Network \(networkID) could not be found.")
      }
      let mac = NeutronAddresses.macAddress()
      let port = PortRecord(
        id: Identifiers.uuid(), name: name, networkID: network.id, projectID: project, macAddress: mac,
        fixedIPs: try Self.allocate(wantedIPs, on: network, in: db),
        allowedAddressPairs: try Self.addressPairs(attributes["allowed_address_pairs"], portMAC: mac),
        securityGroups: try Self.checkedSecurityGroups(securityGroups ?? [], project: project, in: db),
        description: description, deviceID: deviceID, deviceOwner: deviceOwner, adminStateUp: adminStateUp,
        revisionNumber: 1, createdAt: now, updatedAt: now)
      try port.insert(db)
      return documents.port(port)
    }
    return JSONResponse.make(.created, ["port": body])
  }

  private func list(_ request: Request, _ context: SimulatorRequestContext) async throws -> Response {
    let project = try context.requireToken().projectID
    let documents = documents
    let ports = try await store.transaction { db, _ in try PortRecord.all(project: project, in: db) }
    let filtered = NeutronDocuments.filter(ports.map(documents.port), by: NeutronBody.query(request))
    return JSONResponse.make(.ok, ["ports": .array(filtered)])
  }

  private func show(_ context: SimulatorRequestContext) async throws -> Response {
    let project = try context.requireToken().projectID
    let id = try context.parameters.require("id")
    let port = try await store.transaction { db, _ in try PortRecord.find(id, project: project, in: db) }
    return JSONResponse.make(.ok, ["port": documents.port(port)])
  }

  private func update(_ request: Request, _ context: SimulatorRequestContext) async throws -> Response {
    let project = try context.requireToken().projectID
    let id = try context.parameters.require("id")
    let attributes = try await NeutronBody.resource(
      "port", in: request, allowed: Self.updatable, readOnly: ["id", "network_id", "mac_address", "project_id"])
    let name = try NeutronBody.string(attributes, "name")
    let description = try NeutronBody.string(attributes, "description")
    let securityGroups = try NeutronBody.strings(attributes, "security_groups")
    let deviceID = try NeutronBody.string(attributes, "device_id")
    let deviceOwner = try NeutronBody.string(attributes, "device_owner")
    let documents = documents
    let body = try await store.transaction { db, now in
      var port = try PortRecord.find(id, project: project, in: db)
      if let name { port.name = name }
      if let description { port.description = description }
      if let deviceID { port.deviceID = deviceID }
      if let deviceOwner { port.deviceOwner = deviceOwner }
      if let adminStateUp = attributes["admin_state_up"]?.boolValue { port.adminStateUp = adminStateUp }
      if let securityGroups {
        port.securityGroups = try Self.checkedSecurityGroups(securityGroups, project: project, in: db)
      }
      if let pairs = attributes["allowed_address_pairs"] {
        port.allowedAddressPairs = try Self.addressPairs(pairs, portMAC: port.macAddress)
      }
      port.revisionNumber += 1
      port.updatedAt = now
      try port.update(db)
      return documents.port(port)
    }
    return JSONResponse.make(.ok, ["port": body])
  }

  private func delete(_ context: SimulatorRequestContext) async throws -> Response {
    let project = try context.requireToken().projectID
    let id = try context.parameters.require("id")
    try await store.transaction { db, now in
      let port = try PortRecord.find(id, project: project, in: db)
      for var floatingIP in try FloatingIPRecord.filter(Column("portID") == port.id).fetchAll(db) {
        floatingIP.portID = nil
        floatingIP.fixedIPAddress = nil
        floatingIP.revisionNumber += 1
        floatingIP.updatedAt = now
        try floatingIP.update(db)
      }
      try port.delete(db)
    }
    return JSONResponse.empty(.noContent)
  }

  // MARK: - Addresses

  /// A wanted fixed IP: a subnet, an address, or both.
  private struct FixedIPRequest: Sendable {
    var subnetID: String?
    var ipAddress: String?
  }

  private static func fixedIPRequests(_ value: JSONValue?) throws -> [FixedIPRequest] {
    guard let value, !value.isNull else { return [] }
    guard let items = value.arrayValue else {
      throw NeutronBody.invalidInput("fixed_ips", "Invalid data format for fixed IP")
    }
    return try items.map { item in
      guard let object = item.objectValue else {
        throw NeutronBody.invalidInput("fixed_ips", "Invalid data format for fixed IP: '\(item.serializedString())'")
      }
      if let unknown = object.keys.first(where: { $0 != "subnet_id" && $0 != "ip_address" }) {
        throw NeutronBody.invalidInput("fixed_ips", "Unrecognized fixed IP attribute '\(unknown)'")
      }
      return FixedIPRequest(
        subnetID: try NeutronBody.string(object, "subnet_id"), ipAddress: try NeutronBody.string(object, "ip_address"))
    }
  }

  /// The port's addresses: those asked for (checked: valid on their subnet, in its CIDR or in 127.0.0.0/8, and
  /// free), or one fresh address in 127.0.0.0/8 from the allocator on the network's first IPv4 subnet.
  private static func allocate(
    _ wanted: [FixedIPRequest], on network: NetworkRecord, in db: Database
  ) throws -> [PortRecord.FixedIP] {
    let subnets = try SubnetRecord.all(network: network.id, in: db).filter { $0.ipVersion == 4 }
    guard let defaultSubnet = subnets.first else {
      throw ServiceError.neutron(
        .badRequest, "IpAddressGenerationFailure", "No more IP addresses available on network \(network.id).")
    }
    let requests = wanted.isEmpty ? [FixedIPRequest()] : wanted
    var allocated: [PortRecord.FixedIP] = []
    for request in requests {
      var subnet = defaultSubnet
      if let subnetID = request.subnetID {
        guard let match = subnets.first(where: { $0.id == subnetID }) else {
          throw ServiceError.neutron(
            .badRequest, "InvalidInput",
            "Invalid input for operation: Failed to create port on network \(network.id), because fixed_ips "
              + "included invalid subnet \(subnetID).")
        }
        subnet = match
      }
      if let address = request.ipAddress {
        if request.subnetID == nil {
          // Neutron puts an address asked for without a subnet on the subnet whose CIDR holds it.
          guard let match = subnets.first(where: { $0.accepts(address) }) else {
            throw ServiceError.neutron(
              .badRequest, "InvalidIpForNetwork",
              "IP address \(address) is not a valid IP for any of the subnets on the specified network.")
          }
          subnet = match
        }
        guard subnet.accepts(address) else {
          throw ServiceError.neutron(
            .badRequest, "InvalidIpForSubnet",
            "IP address \(address) is not a valid IP for the specified subnet.")
        }
        let taken = allocated.contains { $0.ipAddress == address }
        guard try !taken && !PortRecord.isAddressInUse(address, network: network.id, in: db) else {
          throw ServiceError.neutron(
            .conflict, "IpAddressAlreadyAllocated", "IP address \(address) already allocated in subnet \(subnet.id)")
        }
        allocated.append(PortRecord.FixedIP(subnetID: subnet.id, ipAddress: address))
      } else {
        let address = try freshAddress(network: network.id, in: db)
        allocated.append(PortRecord.FixedIP(subnetID: subnet.id, ipAddress: address))
      }
    }
    return allocated
  }

  /// The next allocator address no port on the network holds (an address chosen by hand may already be there).
  static func freshAddress(network: String, in db: Database) throws -> String {
    while true {
      guard let address = try NodeAddressAllocator.allocate(1, in: db).first else {
        throw ServiceError.neutron(
          .conflict, "IpAddressGenerationFailure", "No more IP addresses available on network \(network).")
      }
      if try !PortRecord.isAddressInUse(address, network: network, in: db) { return address }
    }
  }

  /// `allowed_address_pairs`: each with an `ip_address` (address or CIDR), the MAC defaulting to the port's.
  private static func addressPairs(_ value: JSONValue?, portMAC: String) throws -> [PortRecord.AddressPair] {
    guard let value, !value.isNull else { return [] }
    guard let items = value.arrayValue else {
      throw NeutronBody.invalidInput("allowed_address_pairs", "Allowed address pairs must be a list.")
    }
    var pairs: [PortRecord.AddressPair] = []
    for item in items {
      guard let object = item.objectValue, let address = object["ip_address"]?.stringValue else {
        throw ServiceError.neutron(
          .badRequest, "AllowedAddressPairsMissingIP", "AllowedAddressPair must contain ip_address")
      }
      guard NeutronAddresses.isPrefix(address) else {
        throw NeutronBody.invalidInput("allowed_address_pairs", "'\(address)' is not a valid IP address")
      }
      let pair = PortRecord.AddressPair(ipAddress: address, macAddress: object["mac_address"]?.stringValue ?? portMAC)
      guard !pairs.contains(pair) else {
        throw ServiceError.neutron(
          .badRequest, "DuplicateAddressPairInRequest",
          "Request contains duplicate address pair: mac_address \(pair.macAddress) ip_address \(pair.ipAddress).")
      }
      pairs.append(pair)
    }
    return pairs
  }

  private static func checkedSecurityGroups(_ ids: [String], project: String, in db: Database) throws -> [String] {
    for id in ids {
      _ = try SecurityGroupRecord.find(id, project: project, in: db)
    }
    return ids
  }
}
