/// Renders Neutron resources the way Neutron's API does (field names and value formats from the API reference
/// samples), and filters lists by query parameters as Neutron does.
struct NeutronDocuments {
  let baseURL: String

  // MARK: - Versions

  /// `GET /network/`: the one API version, v2.0.
  var versions: JSONValue {
    [
      "versions": [
        [
          "id": "v2.0", "status": "CURRENT",
          "links": [["href": .string(baseURL + "/network/v2.0/"), "rel": "self"]],
        ]
      ]
    ]
  }

  // MARK: - Networks and subnets

  func network(_ record: NetworkRecord, subnets: [String]) -> JSONValue {
    [
      "id": .string(record.id),
      "name": .string(record.name),
      "status": "ACTIVE",
      "admin_state_up": true,
      "subnets": .strings(subnets),
      "shared": .bool(record.isShared),
      "router:external": .bool(record.isExternal),
      "mtu": .int(record.mtu),
      "description": .string(record.description),
      "project_id": .string(record.projectID),
      "tenant_id": .string(record.projectID),
      "port_security_enabled": true,
      "availability_zones": ["nova"],
      "tags": [],
      "revision_number": 1,
      "created_at": .string(WireTimestamp.neutron(record.createdAt)),
      "updated_at": .string(WireTimestamp.neutron(record.createdAt)),
    ]
  }

  func subnet(_ record: SubnetRecord) -> JSONValue {
    [
      "id": .string(record.id),
      "name": .string(record.name),
      "network_id": .string(record.networkID),
      "ip_version": .int(record.ipVersion),
      "cidr": .string(record.cidr),
      "gateway_ip": .optional(record.gatewayIP),
      "enable_dhcp": true,
      "allocation_pools": .array(
        record.allocationPool.map { [["start": .string($0.start), "end": .string($0.end)]] } ?? []),
      "dns_nameservers": [],
      "host_routes": [],
      "project_id": .string(record.projectID),
      "tenant_id": .string(record.projectID),
      "description": "",
      "tags": [],
      "revision_number": 0,
      "created_at": .string(WireTimestamp.neutron(record.createdAt)),
      "updated_at": .string(WireTimestamp.neutron(record.createdAt)),
    ]
  }

  // MARK: - Ports

  func port(_ record: PortRecord) -> JSONValue {
    [
      "id": .string(record.id),
      "name": .string(record.name),
      "network_id": .string(record.networkID),
      "mac_address": .string(record.macAddress),
      "fixed_ips": .array(
        record.fixedIPs.map { ["subnet_id": .string($0.subnetID), "ip_address": .string($0.ipAddress)] }),
      "allowed_address_pairs": .array(
        record.allowedAddressPairs.map { ["ip_address": .string($0.ipAddress), "mac_address": .string($0.macAddress)] }
      ),
      "security_groups": .strings(record.securityGroups),
      "admin_state_up": .bool(record.adminStateUp),
      "status": record.deviceID.isEmpty ? "DOWN" : "ACTIVE",
      "device_id": .string(record.deviceID),
      "device_owner": .string(record.deviceOwner),
      "description": .string(record.description),
      "port_security_enabled": true,
      "ip_allocation": "immediate",
      "data_plane_status": .null,
      "extra_dhcp_opts": [],
      "binding:vnic_type": "normal",
      "project_id": .string(record.projectID),
      "tenant_id": .string(record.projectID),
      "tags": [],
      "revision_number": .int(record.revisionNumber),
      "created_at": .string(WireTimestamp.neutron(record.createdAt)),
      "updated_at": .string(WireTimestamp.neutron(record.updatedAt)),
    ]
  }

  // MARK: - Floating IPs

  /// The floating IP, with `port_details` of its port when associated.
  func floatingIP(_ record: FloatingIPRecord, port: PortRecord?) -> JSONValue {
    let portDetails: JSONValue =
      port.map { port in
        [
          "name": .string(port.name),
          "network_id": .string(port.networkID),
          "mac_address": .string(port.macAddress),
          "admin_state_up": .bool(port.adminStateUp),
          "status": port.deviceID.isEmpty ? "DOWN" : "ACTIVE",
          "device_id": .string(port.deviceID),
          "device_owner": .string(port.deviceOwner),
        ]
      } ?? .null
    return [
      "id": .string(record.id),
      "floating_ip_address": .string(record.floatingIPAddress),
      "floating_network_id": .string(record.floatingNetworkID),
      "port_id": .optional(record.portID),
      "fixed_ip_address": .optional(record.fixedIPAddress),
      "router_id": record.portID == nil ? .null : .string(Self.routerID),
      "status": record.portID == nil ? "DOWN" : "ACTIVE",
      "description": .string(record.description),
      "dns_domain": "",
      "dns_name": "",
      "port_details": portDetails,
      "port_forwardings": [],
      "qos_policy_id": .null,
      "project_id": .string(record.projectID),
      "tenant_id": .string(record.projectID),
      "tags": [],
      "revision_number": .int(record.revisionNumber),
      "created_at": .string(WireTimestamp.neutron(record.createdAt)),
      "updated_at": .string(WireTimestamp.neutron(record.updatedAt)),
    ]
  }

  /// The router between the tenant and external networks that NATs every floating IP.
  static let routerID = "d23abc8d-2991-4a55-ba98-2aaea84cc72f"

  // MARK: - Security groups

  func securityGroup(_ record: SecurityGroupRecord, rules: [SecurityGroupRuleRecord]) -> JSONValue {
    [
      "id": .string(record.id),
      "name": .string(record.name),
      "description": .string(record.description),
      "security_group_rules": .array(rules.map(rule)),
      "stateful": true,
      "shared": false,
      "project_id": .string(record.projectID),
      "tenant_id": .string(record.projectID),
      "tags": [],
      "revision_number": .int(record.revisionNumber),
      "created_at": .string(WireTimestamp.neutron(record.createdAt)),
      "updated_at": .string(WireTimestamp.neutron(record.updatedAt)),
    ]
  }

  func rule(_ record: SecurityGroupRuleRecord) -> JSONValue {
    [
      "id": .string(record.id),
      "security_group_id": .string(record.securityGroupID),
      "direction": .string(record.direction),
      "ethertype": .string(record.ethertype),
      "protocol": .optional(record.protocol),
      "port_range_min": record.portRangeMin.map(JSONValue.int) ?? .null,
      "port_range_max": record.portRangeMax.map(JSONValue.int) ?? .null,
      "remote_ip_prefix": .optional(record.remoteIPPrefix),
      "remote_group_id": .optional(record.remoteGroupID),
      "remote_address_group_id": .null,
      "normalized_cidr": .optional(record.remoteIPPrefix),
      "description": .string(record.description),
      "belongs_to_default_sg": false,
      "project_id": .string(record.projectID),
      "tenant_id": .string(record.projectID),
      "revision_number": .int(record.revisionNumber),
      "created_at": .string(WireTimestamp.neutron(record.createdAt)),
      "updated_at": .string(WireTimestamp.neutron(record.updatedAt)),
    ]
  }

  // MARK: - Filtering

  /// Query parameters that are not attribute filters.
  private static let nonFilters: Set<String> = ["fields", "limit", "marker", "page_reverse", "sort_dir", "sort_key"]

  /// The documents whose attributes equal every filter (`?name=x&network_id=y`), each cut down to the `fields`
  /// asked for, if any. A repeated filter matches any of its values, a list attribute matches when it contains the
  /// value, and `fixed_ips=ip_address=X` (or `subnet_id=`, `ip_address_substr=`) matches a port holding such an
  /// address, as in Neutron.
  static func filter(_ documents: [JSONValue], by query: [(String, String)]) -> [JSONValue] {
    var wanted: [String: Set<String>] = [:]
    for (name, value) in query where !nonFilters.contains(name) {
      wanted[name, default: []].insert(value)
    }
    let fields = query.filter { $0.0 == "fields" }.map(\.1)
    let matching = documents.filter { document in
      wanted.allSatisfy { name, values in
        if name == "fixed_ips" { return holdsFixedIP(document, matching: values) }
        switch document[name] {
        case .string(let text): return values.contains(text)
        case .bool(let flag):
          return values.contains(flag ? "true" : "false") || values.contains(flag ? "True" : "False")
        case .int(let number): return values.contains(String(number))
        case .array(let items): return items.contains { $0.stringValue.map(values.contains) ?? false }
        case .null: return values.contains("")
        default: return false
        }
      }
    }
    return fields.isEmpty ? matching : matching.map { select(fields, of: $0) }
  }

  /// Whether a port has, for each kind of `fixed_ips` filter (`ip_address=…`, `subnet_id=…`,
  /// `ip_address_substr=…`), a fixed IP matching one of its values.
  private static func holdsFixedIP(_ document: JSONValue, matching filters: Set<String>) -> Bool {
    let fixedIPs = document["fixed_ips"]?.arrayValue ?? []
    var byKind: [String: [String]] = [:]
    for filter in filters {
      let parts = filter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      guard parts.count == 2 else { return false }
      byKind[String(parts[0]), default: []].append(String(parts[1]))
    }
    return byKind.allSatisfy { kind, values in
      fixedIPs.contains { fixedIP in
        switch kind {
        case "ip_address_substr":
          let address = fixedIP["ip_address"]?.stringValue ?? ""
          return values.contains { address.contains($0) }
        default:
          return fixedIP[kind]?.stringValue.map(values.contains) ?? false
        }
      }
    }
  }

  /// Only the named attributes of a document (`?fields=id&fields=name`).
  static func select(_ fields: [String], of document: JSONValue) -> JSONValue {
    guard let object = document.objectValue else { return document }
    return .object(object.filter { fields.contains($0.key) })
  }
}
