// MARK: - ClusterTemplateCreateRequest

/// The body of `POST /clustertemplates`: the template's fields without `uuid` and timestamps; nil fields are
/// left out of the JSON so Magnum applies its defaults.
public struct ClusterTemplateCreateRequest: Codable, Sendable, Equatable {
  public var name: String
  public var coe: String
  public var imageID: String
  public var keypairID: String
  public var flavorID: String
  public var masterFlavorID: String?
  public var externalNetworkID: String?
  public var fixedNetwork: String?
  public var fixedSubnet: String?
  public var networkDriver: String?
  public var dockerStorageDriver: String?
  public var dockerVolumeSize: Int?
  public var dnsNameserver: String?
  public var floatingIPEnabled: Bool?
  public var masterLBEnabled: Bool?
  public var labels: [String: String]

  public init(
    name: String, coe: String = "kubernetes", imageID: String, keypairID: String, flavorID: String,
    masterFlavorID: String? = nil, externalNetworkID: String? = nil, fixedNetwork: String? = nil,
    fixedSubnet: String? = nil, networkDriver: String? = nil, dockerStorageDriver: String? = nil,
    dockerVolumeSize: Int? = nil, dnsNameserver: String? = nil, floatingIPEnabled: Bool? = nil,
    masterLBEnabled: Bool? = nil, labels: [String: String] = [:]
  ) {
    self.name = name
    self.coe = coe
    self.imageID = imageID
    self.keypairID = keypairID
    self.flavorID = flavorID
    self.masterFlavorID = masterFlavorID
    self.externalNetworkID = externalNetworkID
    self.fixedNetwork = fixedNetwork
    self.fixedSubnet = fixedSubnet
    self.networkDriver = networkDriver
    self.dockerStorageDriver = dockerStorageDriver
    self.dockerVolumeSize = dockerVolumeSize
    self.dnsNameserver = dnsNameserver
    self.floatingIPEnabled = floatingIPEnabled
    self.masterLBEnabled = masterLBEnabled
    self.labels = labels
  }

  enum CodingKeys: String, CodingKey {
    case name
    case coe
    case imageID = "image_id"
    case keypairID = "keypair_id"
    case flavorID = "flavor_id"
    case masterFlavorID = "master_flavor_id"
    case externalNetworkID = "external_network_id"
    case fixedNetwork = "fixed_network"
    case fixedSubnet = "fixed_subnet"
    case networkDriver = "network_driver"
    case dockerStorageDriver = "docker_storage_driver"
    case dockerVolumeSize = "docker_volume_size"
    case dnsNameserver = "dns_nameserver"
    case floatingIPEnabled = "floating_ip_enabled"
    case masterLBEnabled = "master_lb_enabled"
    case labels
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    name = try container.decode(String.self, forKey: .name)
    coe = try container.decode(String.self, forKey: .coe)
    imageID = try container.decode(String.self, forKey: .imageID)
    keypairID = try container.decodeIfPresent(String.self, forKey: .keypairID) ?? ""
    flavorID = try container.decodeIfPresent(String.self, forKey: .flavorID) ?? ""
    masterFlavorID = try container.decodeIfPresent(String.self, forKey: .masterFlavorID)
    externalNetworkID = try container.decodeIfPresent(String.self, forKey: .externalNetworkID)
    fixedNetwork = try container.decodeIfPresent(String.self, forKey: .fixedNetwork)
    fixedSubnet = try container.decodeIfPresent(String.self, forKey: .fixedSubnet)
    networkDriver = try container.decodeIfPresent(String.self, forKey: .networkDriver)
    dockerStorageDriver = try container.decodeIfPresent(String.self, forKey: .dockerStorageDriver)
    dockerVolumeSize = try container.decodeIfPresent(Int.self, forKey: .dockerVolumeSize)
    dnsNameserver = try container.decodeIfPresent(String.self, forKey: .dnsNameserver)
    floatingIPEnabled = try container.decodeIfPresent(Bool.self, forKey: .floatingIPEnabled)
    masterLBEnabled = try container.decodeIfPresent(Bool.self, forKey: .masterLBEnabled)
    labels = try container.decodeLabelsIfPresent(forKey: .labels) ?? [:]
  }

  /// Writes every set field; empty `keypairID`/`flavorID` are left out (Magnum then uses its default or the
  /// cluster's own keypair).
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(name, forKey: .name)
    try container.encode(coe, forKey: .coe)
    try container.encode(imageID, forKey: .imageID)
    if !keypairID.isEmpty { try container.encode(keypairID, forKey: .keypairID) }
    if !flavorID.isEmpty { try container.encode(flavorID, forKey: .flavorID) }
    try container.encodeIfPresent(masterFlavorID, forKey: .masterFlavorID)
    try container.encodeIfPresent(externalNetworkID, forKey: .externalNetworkID)
    try container.encodeIfPresent(fixedNetwork, forKey: .fixedNetwork)
    try container.encodeIfPresent(fixedSubnet, forKey: .fixedSubnet)
    try container.encodeIfPresent(networkDriver, forKey: .networkDriver)
    try container.encodeIfPresent(dockerStorageDriver, forKey: .dockerStorageDriver)
    try container.encodeIfPresent(dockerVolumeSize, forKey: .dockerVolumeSize)
    try container.encodeIfPresent(dnsNameserver, forKey: .dnsNameserver)
    try container.encodeIfPresent(floatingIPEnabled, forKey: .floatingIPEnabled)
    try container.encodeIfPresent(masterLBEnabled, forKey: .masterLBEnabled)
    try container.encode(labels, forKey: .labels)
  }
}
