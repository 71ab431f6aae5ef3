import Foundation

/// Adopts objects that already exist in the cloud into state, so Cutover manages them from then on without
/// recreating them: one object by address and id, or everything a `tofu state pull` / `tofu show -json` document
/// holds that maps to an address of the desired state.
public struct Importer: Sendable {
  public var catalog: ResourceCatalog
  public var store: any StateJournal
  public var cloud: CloudClients
  /// Digests what is adopted of values that may hold a secret, as state records them.
  public var digester: SensitiveDigester

  public init(
    catalog: ResourceCatalog = .standard, store: any StateJournal, cloud: CloudClients, digester: SensitiveDigester
  ) {
    self.catalog = catalog
    self.store = store
    self.cloud = cloud
    self.digester = digester
  }

  /// A context for reading and writing objects outside an apply.
  var context: ActionContext { ActionContext(cloud: cloud, digester: digester) }

  /// One line of an import's report.
  public struct Row: Sendable, Equatable {
    /// Where the object came from: a tofu resource address, or the cloud.
    public var source: String
    /// The Cutover address it was adopted as; nil when it was not.
    public var address: ResourceAddress?
    public var remoteID: String
    /// Why it was not adopted, or a note on how it was.
    public var note: String
  }

  /// Adopts one object. Call with the lock held.
  /// - Throws: `CutoverError.usage` when the address is not in the desired state, is already recorded, or the cloud
  ///   has no such object.
  public func importOne(address: ResourceAddress, remoteID: String, desired: DesiredState) async throws -> Row {
    let resources = Dictionary(
      catalog.expand(desired).map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
    guard let resource = resources[address], catalog[address.type] != nil else {
      throw CutoverError.usage("\(address) is not in the desired state of \(desired.environment); add it first")
    }
    if let recorded = try store.resource(address) {
      throw CutoverError.usage("\(address) is already recorded (\(recorded.remoteID ?? "no id")); nothing to import")
    }
    let row = try await adopt(resource, remoteID: remoteID, source: "cloud")
    guard row.address != nil else { throw CutoverError.usage("\(address): \(row.note)") }
    return row
  }

  /// Adopts every object of a tofu state document that maps to an address of the desired state: Magnum cluster
  /// templates and clusters by their name (`<name_prefix>-<generation>`), and, since tofu never held them, the web
  /// proxies of the desired state that exist in the cloud. Call with the lock held.
  /// - Returns: a row for each object considered, adopted or not, and why.
  public func importTofuState(_ data: Data, desired: DesiredState) async throws -> [Row] {
    let instances = try TofuState.instances(in: data)
    let resources = catalog.expand(desired)
    var rows: [Row] = []
    var adopted = Set<ResourceAddress>()
    for instance in instances {
      if let note = TofuState.heldElsewhere[instance.type] {
        rows.append(Row(source: instance.address, address: nil, remoteID: instance.id, note: note))
        continue
      }
      guard let type = TofuState.cutoverType[instance.type] else {
        rows.append(
          Row(
            source: instance.address, address: nil, remoteID: instance.id,
            note: "not adopted: Cutover has no resource type for \(instance.type)"))
        continue
      }
      // An exact name first; the tofu resource name (`template_127d`) only when no name matches.
      let candidates = resources.filter { $0.address.type == type && !adopted.contains($0.address) }
      let nameAttribute = catalog[type]?.nameAttribute ?? "name"
      let match =
        candidates.first { $0.attributes[nameAttribute] == .value(.string(instance.name ?? "")) }
        ?? candidates.first { instance.resourceName.hasSuffix("_" + $0.address.name) }
      guard let match else {
        rows.append(
          Row(
            source: instance.address, address: nil, remoteID: instance.id,
            note: "not adopted: no \(type) of the desired state is named \(instance.name ?? instance.resourceName)"))
        continue
      }
      rows.append(try await adopt(match, remoteID: instance.id, source: instance.address))
      if rows.last?.address != nil { adopted.insert(match.address) }
    }
    for resource in resources
    where resource.address.type == WebProxyResource.typeName && !adopted.contains(resource.address) {
      guard try store.resource(resource.address) == nil,
        let domain = resource.attributes[WebProxyResource.Attribute.domain].flatMap({ expression -> String? in
          if case .value(let value) = expression { return value.stringValue }
          return nil
        })
      else { continue }
      rows.append(try await adopt(resource, remoteID: domain, source: "web proxy (cloud)"))
    }
    rows += try await writeKubeconfigs(resources)
    rows += await adoptReleases(resources)
    return rows
  }

  /// Writes the kubeconfig of every adopted cluster that has none recorded, as an apply would, so the plan after
  /// an import shows no changes. A cluster not yet `CREATE_COMPLETE` gets its kubeconfig from the next apply.
  func writeKubeconfigs(_ resources: [DesiredResource]) async throws -> [Row] {
    guard let type = catalog[KubeconfigResource.typeName] else { return [] }
    var rows: [Row] = []
    for resource in resources where resource.address.type == type.name {
      guard try store.resource(resource.address) == nil else { continue }
      var attributes: Attributes = [:]
      for (name, expression) in resource.attributes {
        switch expression {
        case .value(let value): attributes[name] = value
        case .reference(let reference):
          guard let value = reference.resolved(in: try store.resource(reference.address)) else { continue }
          attributes[name] = value
        }
      }
      guard attributes.count == resource.attributes.count else { continue }
      do {
        let written = try await type.create(attributes, address: resource.address, context: context)
        try store.record([
          RecordedResource(
            address: resource.address, remoteID: written.remoteID,
            attributes: type.schema.recordable(written.attributes, digester: digester),
            dependencies: resource.dependencies)
        ])
        rows.append(
          Row(
            source: "Magnum certificates API", address: resource.address, remoteID: written.remoteID,
            note: "written for the adopted cluster"))
      } catch {
        rows.append(
          Row(
            source: "Magnum certificates API", address: nil, remoteID: "",
            note: "\(resource.address) not written: \(Executor.describe(error)); the next apply writes it"))
      }
    }
    return rows
  }

  private func adopt(_ resource: DesiredResource, remoteID: String, source: String) async throws -> Row {
    guard let type = catalog[resource.address.type] else {
      return Row(source: source, address: nil, remoteID: remoteID, note: "not adopted: unknown type")
    }
    if let recorded = try store.resource(resource.address) {
      return Row(
        source: source, address: nil, remoteID: remoteID,
        note: "not adopted: \(resource.address) is already recorded (\(recorded.remoteID ?? "no id"))")
    }
    guard let object = try await type.adopt(remoteID: remoteID, context: context) else {
      return Row(source: source, address: nil, remoteID: remoteID, note: "not adopted: the cloud has no such object")
    }
    func refused(_ why: String) -> Row {
      Row(source: source, address: nil, remoteID: remoteID, note: "not adopted: " + why)
    }
    // The object must be the one the address describes: adopting another would plan its replacement.
    if case .value(let wanted)? = resource.attributes[type.nameAttribute],
      let actual = object.attributes[type.nameAttribute], actual != wanted
    {
      return refused("it is named \(actual), but \(resource.address) wants \(wanted)")
    }
    if let holder = try store.resources().first(where: { $0.remoteID == object.remoteID }) {
      return refused("it is already recorded as \(holder.address)")
    }
    let status: RecordedResource.Status
    switch object.attributes["status"]?.stringValue ?? "" {
    case let cloudStatus where cloudStatus.hasPrefix("DELETE"):
      return refused("it is being deleted (\(cloudStatus))")
    case "CREATE_FAILED": status = .tainted
    case "CREATE_IN_PROGRESS": status = .creating
    default: status = .ready
    }
    try store.record([
      RecordedResource(
        address: resource.address, remoteID: object.remoteID,
        attributes: type.schema.recordable(object.attributes, digester: digester),
        dependencies: resource.dependencies, status: status)
    ])
    let note =
      status == .ready ? "adopted" : "adopted as \(status.rawValue) (the cloud says \(object.attributes["status"]!))"
    return Row(source: source, address: resource.address, remoteID: object.remoteID, note: note)
  }
}
