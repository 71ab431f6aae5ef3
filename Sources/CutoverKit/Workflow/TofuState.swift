import Foundation

/// Reads the resources of an OpenTofu state: the JSON of `tofu state pull` (format version 4) or of
/// `tofu show -json` (`values.root_module`).
enum TofuState {
  /// One managed resource instance.
  struct Instance: Equatable {
    /// The tofu address, such as `openstack_containerinfra_cluster_v1.k8s_127d`.
    var address: String
    var type: String
    var resourceName: String
    var id: String
    /// The object's `name` attribute, when it has one.
    var name: String?
  }

  /// The Cutover resource type each OpenStack provider type maps to.
  static let cutoverType: [String: String] = [
    "openstack_containerinfra_clustertemplate_v1": ClusterTemplateResource.typeName,
    "openstack_containerinfra_cluster_v1": ClusterResource.typeName,
    "openstack_networking_secgroup_v2": SecurityGroupResource.typeName,
    "openstack_compute_servergroup_v2": ServerGroupResource.typeName,
    "openstack_networking_port_v2": VIPPortResource.typeName,
    "openstack_networking_floatingip_v2": FloatingIPResource.typeName,
  ]

  /// Tofu types Cutover does not adopt as objects of their own, with the note the import table shows for them.
  static let heldElsewhere: [String: String] = [
    "openstack_networking_secgroup_rule_v2":
      "not adopted on its own: Cutover manages it as part of security_group (its rules)",
    "openstack_networking_floatingip_associate_v2":
      "not adopted on its own: Cutover manages it as part of floating_ip (its port_id)",
    "openstack_networking_port_secgroup_associate_v2":
      "not adopted: the haproxy hosts' ports are the operator's; attach the security group when booting them",
  ]

  /// Every managed instance in the document.
  /// - Throws: `CutoverError.usage` when the document is neither shape.
  static func instances(in data: Data) throws -> [Instance] {
    guard let document = try? Value(json: data), let root = document.mapValue else {
      throw CutoverError.usage(
        "the tofu state is not JSON (expected the output of `tofu state pull` or `tofu show -json`)")
    }
    if let resources = root["resources"]?.listValue {
      return resources.flatMap { resource -> [Instance] in
        let fields = resource.mapValue ?? [:]
        guard fields["mode"]?.stringValue ?? "managed" == "managed", let type = fields["type"]?.stringValue,
          let name = fields["name"]?.stringValue
        else { return [] }
        let module = fields["module"]?.stringValue.map { $0 + "." } ?? ""
        return (fields["instances"]?.listValue ?? []).compactMap { instance in
          let attributes = instance.mapValue?["attributes"]?.mapValue ?? [:]
          guard let id = attributes["id"]?.stringValue else { return nil }
          return Instance(
            address: "\(module)\(type).\(name)", type: type, resourceName: name, id: id,
            name: attributes["name"]?.stringValue ?? attributes["address"]?.stringValue)
        }
      }
    }
    if let module = root["values"]?.mapValue?["root_module"]?.mapValue {
      return showInstances(module)
    }
    throw CutoverError.usage(
      "the tofu state has neither `resources` (tofu state pull) nor `values.root_module` (tofu show -json)")
  }

  private static func showInstances(_ module: [String: Value]) -> [Instance] {
    let own = (module["resources"]?.listValue ?? []).compactMap { resource -> Instance? in
      let fields = resource.mapValue ?? [:]
      guard fields["mode"]?.stringValue ?? "managed" == "managed", let type = fields["type"]?.stringValue,
        let name = fields["name"]?.stringValue, let values = fields["values"]?.mapValue,
        let id = values["id"]?.stringValue
      else { return nil }
      return Instance(
        address: fields["address"]?.stringValue ?? "\(type).\(name)", type: type, resourceName: name, id: id,
        name: values["name"]?.stringValue ?? values["address"]?.stringValue)
    }
    let children = (module["child_modules"]?.listValue ?? []).compactMap(\.mapValue).flatMap(showInstances)
    return own + children
  }
}
