/// The desired state of one environment, read from `clusters/<env>.yaml` with every generation's
/// `defaults` already merged in.
public struct DesiredState: Sendable, Equatable, Codable {
  /// The environment's name, such as `eqiad1`.
  public var environment: String
  /// The `clouds.yaml` entry to use; `--simulate` and `--cloud` replace it.
  public var cloud: String?
  /// The OpenStack project (in Cloud VPS its id equals its name).
  public var project: String
  /// Cluster and template names are `<namePrefix>-<generation>`.
  public var namePrefix: String
  /// The generations in file order.
  public var generations: [Generation]
  /// The generation the web proxies point at; nil only when there are no generations.
  public var live: String?
  /// The web proxies in front of the live generation.
  public var webProxies: WebProxies?
  /// The optional haproxy + keepalived tier in front of the live generation.
  public var loadBalancer: LoadBalancerSpec?
  /// Helm chart repositories by name (`ingress-nginx` → its URL), added to helm before a deploy, so `repo/chart`
  /// references and a local chart's dependencies resolve on a fresh machine.
  public var helmRepositories: [String: String] = [:]
  /// Where the recorded state is kept beyond this machine (`state:`).
  public var state = StateSettings()

  public init(
    environment: String, cloud: String?, project: String, namePrefix: String, generations: [Generation],
    live: String?, webProxies: WebProxies?, loadBalancer: LoadBalancerSpec? = nil
  ) {
    self.environment = environment
    self.cloud = cloud
    self.project = project
    self.namePrefix = namePrefix
    self.generations = generations
    self.live = live
    self.webProxies = webProxies
    self.loadBalancer = loadBalancer
  }

  /// The generation with this id.
  public func generation(_ id: String) -> Generation? {
    generations.first { $0.id == id }
  }

  /// The values and chart files this machine holds only as git-crypt ciphertext, each once, in file order.
  public var encryptedFiles: [String] {
    var seen = Set<String>()
    return generations.flatMap { $0.releases.flatMap { $0.encryptedValues ?? [] } }.filter { seen.insert($0).inserted }
  }

  /// The Magnum name of a generation's cluster and template.
  public func clusterName(of generation: String) -> String {
    "\(namePrefix)-\(generation)"
  }
}

/// One numbered blue-green generation: a cluster template, a cluster, and what runs on it.
public struct Generation: Sendable, Equatable, Codable {
  public var id: String
  public var template: TemplateSpec
  public var cluster: ClusterSpec
  /// Helm releases, deployed in this order after the manifests.
  public var releases: [ReleaseSpec]
  /// Plain Kubernetes manifests, applied before the releases.
  public var manifests: [ManifestSpec]

  public init(
    id: String, template: TemplateSpec, cluster: ClusterSpec, releases: [ReleaseSpec], manifests: [ManifestSpec] = []
  ) {
    self.id = id
    self.template = template
    self.cluster = cluster
    self.releases = releases
    self.manifests = manifests
  }
}

/// A Magnum cluster template. Every attribute forces a new template: a template in use never changes.
public struct TemplateSpec: Sendable, Equatable, Codable {
  public var coe: String
  public var image: String
  public var keypair: String
  public var flavor: String
  public var masterFlavor: String
  public var externalNetwork: String
  public var fixedNetwork: String?
  public var fixedSubnet: String?
  public var networkDriver: String?
  public var dockerStorageDriver: String?
  public var dockerVolumeSize: Int?
  public var dnsNameserver: String?
  public var floatingIPEnabled: Bool
  public var masterLBEnabled: Bool
  public var labels: [String: String]

  public init(
    coe: String = "kubernetes", image: String, keypair: String, flavor: String, masterFlavor: String,
    externalNetwork: String, fixedNetwork: String? = nil, fixedSubnet: String? = nil, networkDriver: String? = nil,
    dockerStorageDriver: String? = nil, dockerVolumeSize: Int? = nil, dnsNameserver: String? = nil,
    floatingIPEnabled: Bool = false, masterLBEnabled: Bool = false, labels: [String: String] = [:]
  ) {
    self.coe = coe
    self.image = image
    self.keypair = keypair
    self.flavor = flavor
    self.masterFlavor = masterFlavor
    self.externalNetwork = externalNetwork
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
}

/// A Magnum cluster's shape. Only `workers` changes in place (a resize); the rest forces a new cluster.
public struct ClusterSpec: Sendable, Equatable, Codable {
  public var masters: Int
  public var workers: Int
  /// Minutes Magnum allows the stack to build, and the bound Cutover polls within.
  public var createTimeoutMinutes: Int
  /// Overrides of the template's flavors, keypair and labels; nil means "as the template".
  public var flavor: String?
  public var masterFlavor: String?
  public var keypair: String?
  public var labels: [String: String]?

  public init(
    masters: Int, workers: Int, createTimeoutMinutes: Int = 60, flavor: String? = nil, masterFlavor: String? = nil,
    keypair: String? = nil, labels: [String: String]? = nil
  ) {
    self.masters = masters
    self.workers = workers
    self.createTimeoutMinutes = createTimeoutMinutes
    self.flavor = flavor
    self.masterFlavor = masterFlavor
    self.keypair = keypair
    self.labels = labels
  }
}

/// A Helm release deployed into a generation.
public struct ReleaseSpec: Sendable, Equatable, Codable {
  public var name: String
  public var chart: String
  public var version: String?
  public var namespace: String
  public var values: [String]
  public var set: [String: Value]
  public var timeoutMinutes: Int?
  public var wait: Bool
  public var dependencyUpdate: Bool
  public var sensitive: [String]
  /// The digest (`sha256:…`) of each values file, in `values` order; nil when the file was parsed without reading
  /// the files it names.
  public var valuesSHA256: [String]?
  /// The git blob id of each values file git-crypt encrypts in the repository, as committed (nil for the others);
  /// nil when no values file is so encrypted, or git was not asked.
  public var valuesGitBlobs: [String?]?
  /// The values files and local chart files that are git-crypt ciphertext here (no key to decrypt them): a plan made
  /// with them is a preview.
  public var encryptedValues: [String]?
  /// The digest of a local chart directory's files (without the `charts/` that dependency update fills); nil for a
  /// repository chart, or when the files were not read.
  public var chartSHA256: String?
  /// A local chart's git identity when git-crypt encrypts some of its files: its files' paths and committed blob ids,
  /// digested; nil otherwise.
  public var chartGitIdentity: String?

  public init(
    name: String, chart: String, version: String? = nil, namespace: String, values: [String] = [],
    set: [String: Value] = [:], timeoutMinutes: Int? = nil, wait: Bool = true, dependencyUpdate: Bool = false,
    sensitive: [String] = []
  ) {
    self.name = name
    self.chart = chart
    self.version = version
    self.namespace = namespace
    self.values = values
    self.set = set
    self.timeoutMinutes = timeoutMinutes
    self.wait = wait
    self.dependencyUpdate = dependencyUpdate
    self.sensitive = sensitive
  }
}

/// A plain Kubernetes manifest file applied server-side to a generation (`kubectl apply --server-side -f`).
public struct ManifestSpec: Sendable, Equatable, Codable {
  /// The manifest's name in addresses: `manifest.<gen>.<name>`.
  public var name: String
  /// The file, relative to the directory holding `clusters/`.
  public var file: String
  /// The digest (`sha256:…`) of the file; nil when the file was not read.
  public var sha256: String?
  /// The `kind` of each document in the file, in order.
  public var kinds: [String]

  public init(name: String, file: String, sha256: String? = nil, kinds: [String] = []) {
    self.name = name
    self.file = file
    self.sha256 = sha256
    self.kinds = kinds
  }
}

/// The Cloud VPS web proxies that send each domain to every worker of the live generation.
public struct WebProxies: Sendable, Equatable, Codable {
  /// The ingress NodePort on each worker.
  public var port: Int
  public var domains: [String]
  /// The path `generation verify` asks each worker for, with each domain's `Host`: the hub's health check.
  public var healthPath: String

  /// The health path of JupyterHub, which PAWS runs.
  public static let defaultHealthPath = "/hub/health"

  public init(port: Int, domains: [String], healthPath: String = WebProxies.defaultHealthPath) {
    self.port = port
    self.domains = domains
    self.healthPath = healthPath
  }
}

/// The `state:` settings: where the recorded state is kept, and where it is published.
public struct StateSettings: Sendable, Equatable, Codable {
  /// Where the state is kept.
  public enum Backend: String, Sendable, Equatable, Codable, CaseIterable {
    /// `state/<env>.sqlite` on this machine (the default).
    case local
    /// A PostgreSQL database several machines share, reached through `CUTOVER_PG_URL` or libpq's `PG*` variables.
    case postgresql
  }

  public var backend: Backend
  /// Publishing snapshots to object storage; nil publishes none.
  public var publish: StatePublishing?

  public init(backend: Backend = .local, publish: StatePublishing? = nil) {
    self.backend = backend
    self.publish = publish
  }

  /// A plan saved before `backend` existed reads as the local state.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    backend = try container.decodeIfPresent(Backend.self, forKey: .backend) ?? .local
    publish = try container.decodeIfPresent(StatePublishing.self, forKey: .publish)
  }
}

/// `state.publish`: the container of the environment's project where snapshots of the state go.
public struct StatePublishing: Sendable, Equatable, Codable {
  /// A Swift container name; created private on first use.
  public var container: String

  public init(container: String) {
    self.container = container
  }

  /// Swift's rule: 1 to 256 bytes, no `/`.
  static func isValidContainerName(_ name: String) -> Bool {
    !name.isEmpty && name.utf8.count <= 256 && !name.contains("/")
  }
}
