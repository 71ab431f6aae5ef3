import Hummingbird

/// Neutron's API discovery under `/network/v2.0`: the root listing its collections, and the API extensions the
/// simulated Neutron implements (`GET /extensions`, `GET /extensions/{alias}`), which clients such as
/// openstacksdk read before choosing what to send. Extensions it does not implement (tagging, for one) are
/// absent, so clients do not use them.
struct NeutronExtensionRoutes {
  let store: CloudStore

  /// Alias, name and description of every extension whose attributes the simulator's documents carry.
  static let extensions: [(alias: String, name: String, description: String)] = [
    ("allowed-address-pairs", "Allowed Address Pairs", "Provides allowed address pairs"),
    ("binding", "Port Binding", "Expose port bindings of a virtual port to external application"),
    ("data-plane-status", "Port data plane status extension", "Port data plane status extension"),
    ("external-net", "Neutron external network", "Adds external network attribute to network resource."),
    ("extra_dhcp_opt", "Neutron Extra DHCP options", "Extra options configuration for DHCP."),
    ("fip-port-details", "Floating IP Port Details Extension", "Add port_details attribute to Floating IP resource"),
    ("ip_allocation", "IP Allocation", "IP allocation extension."),
    ("net-mtu", "Network MTU", "Provides MTU attribute for a network resource."),
    ("network_availability_zone", "Network Availability Zone", "Availability zone support for network."),
    ("port-security", "Port Security", "Provides port security"),
    ("project-id", "project_id field enabled", "Extension that indicates that project_id field is enabled."),
    (
      "router", "Neutron L3 Router",
      "Router abstraction for basic L3 forwarding between L2 Neutron networks and access to external networks via a NAT gateway."
    ),
    ("security-group", "security-group", "The security groups extension."),
    ("standard-attr-description", "standard-attr-description", "Extension to add descriptions to standard attributes"),
    (
      "standard-attr-revisions", "Resource revision numbers",
      "This extension will display the revision number of neutron resources."
    ),
    (
      "standard-attr-timestamp", "Resource timestamps",
      "Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes."
    ),
    ("stateful-security-group", "Stateful security group", "Indicates if the security group is stateful or not"),
  ]

  /// Collections under `/network/v2.0` the simulator serves, as (resource, collection).
  static let resources = [
    ("network", "networks"), ("subnet", "subnets"), ("port", "ports"), ("floatingip", "floatingips"),
    ("security_group", "security-groups"), ("security_group_rule", "security-group-rules"),
  ]

  func register(on router: Router<SimulatorRequestContext>) {
    router.get("/network/v2.0") { _, _ in JSONResponse.make(.ok, root) }
    router.get("/network/v2.0/extensions") { _, _ in
      JSONResponse.make(.ok, ["extensions": .array(Self.extensions.map(Self.document))])
    }
    router.get("/network/v2.0/extensions/:alias") { _, context in
      let alias = try context.parameters.require("alias")
      guard let found = Self.extensions.first(where: { $0.alias == alias }) else {
        throw ServiceError.neutron(.notFound, "HTTPNotFound", "Extension with alias \(alias) does not exist")
      }
      return JSONResponse.make(.ok, ["extension": Self.document(found)])
    }
  }

  // MARK: - Documents

  /// `GET /v2.0`: `{"resources": [{"name", "collection", "links"}]}`.
  private var root: JSONValue {
    let base = store.endpoint.baseURL + "/network/v2.0/"
    return [
      "resources": .array(
        Self.resources.map { name, collection in
          [
            "name": .string(name), "collection": .string(collection),
            "links": [["href": .string(base + collection), "rel": "self"]],
          ]
        })
    ]
  }

  private static func document(_ entry: (alias: String, name: String, description: String)) -> JSONValue {
    [
      "alias": .string(entry.alias), "name": .string(entry.name), "description": .string(entry.description),
      "updated": "2013-01-01T10:00:00-00:00", "links": [],
    ]
  }
}
