// MARK: - ClusterTemplate

/// A Magnum cluster template as `GET /clustertemplates/{id}` and `POST /clustertemplates` return it.
///
/// `keypair_id` and `flavor_id` may be null in newer Magnum (both can be given per cluster); they read as "".
/// `labels` missing or null reads as `[:]`, and non-string label values as their text.
public struct ClusterTemplate: Codable, Sendable, Equatable {
  public var uuid: String
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
  public var createdAt: String?
  public var updatedAt: String?

  public init(
    uuid: String, name: String, coe: String, imageID: String, keypairID: String, flavorID: String,
    masterFlavorID: String? = nil, externalNetworkID: String? = nil, fixedNetwork: String? = nil,
    fixedSubnet: String? = nil, networkDriver: String? = nil, dockerStorageDriver: String? = nil,
    dockerVolumeSize: Int? = nil, dnsNameserver: String? = nil, floatingIPEnabled: Bool? = nil,
    masterLBEnabled: Bool? = nil, labels: [String: String] = [:], createdAt: String? = nil, updatedAt: String? = nil
  ) {
    self.uuid = uuid
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
    self.createdAt = createdAt
    self.updatedAt = updatedAt
  }

  enum CodingKeys: String, CodingKey {
    case uuid
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
    case createdAt = "created_at"
    case updatedAt = "updated_at"
  }

  // MARK: - Decoding

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    uuid = try container.decode(String.self, forKey: .uuid)
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
    createdAt = try container.decodeIfPresent(String.self, forKey: .createdAt)
    updatedAt = try container.decodeIfPresent(String.self, forKey: .updatedAt)
  }
}
