import OpenStack

/// One kind of resource Cutover manages. Everything about a type lives in its one conforming file: its
/// attributes, how the desired state expands into resources of this type, and how it creates, reads, updates
/// and deletes them. The planner, state store and renderers are generic over this protocol.
public protocol ResourceType: Sendable {
  /// The address prefix, such as `cluster`.
  var name: String { get }
  /// Which attributes update in place, force replacement, or are computed.
  var schema: ResourceSchema { get }

  /// The resources of this type the desired state asks for.
  func expand(_ state: DesiredState) -> [DesiredResource]
  /// What an operator should know before applying this type's resources (an input that cannot be read here).
  func warnings(_ state: DesiredState) -> [String]
  /// The generation a resource belongs to, for the blue-green guards; nil for shared resources.
  func generation(of address: ResourceAddress) -> String?

  /// Creates the object. Long-running creates record the remote id through the context as soon as the cloud
  /// answers, then wait; a context carrying `resumeRemoteID` waits on that object instead of creating another.
  func create(_ attributes: Attributes, address: ResourceAddress, context: ActionContext) async throws
    -> AppliedResource
  /// Changes the updatable attributes of an existing object.
  func update(_ attributes: Attributes, prior: RecordedResource, context: ActionContext) async throws -> AppliedResource
  /// Deletes the object and waits until it is gone; an object already gone counts as deleted.
  func delete(_ prior: RecordedResource, context: ActionContext) async throws
  /// Reads the object as the cloud has it now; nil when it no longer exists.
  func read(_ prior: RecordedResource, context: ActionContext) async throws -> AppliedResource?
  /// Finds an object an interrupted create may have made, by its name, ignoring objects already recorded. Its
  /// attributes are the cloud's, so a plan compares them with what is desired.
  func find(_ attributes: Attributes, context: ActionContext) async throws -> AppliedResource?
  /// Every object of this type in the cloud, by the name that identifies it (`nameAttribute`) to its remote id; used
  /// to refuse creating what already exists unrecorded.
  func inventory(context: ActionContext) async throws -> [String: String]
  /// Reads an existing object by its remote id, with the cloud's own input values, to adopt it into state
  /// (`cutover import`); nil when the cloud has no such object.
  func adopt(remoteID: String, context: ActionContext) async throws -> AppliedResource?
  /// The attribute holding the name that identifies an object in the cloud (`name`, `domain`).
  var nameAttribute: String { get }
  /// The secrets a resource with these (literal) attributes brings to a run, to mask in everything the run writes:
  /// its sensitive attributes' texts by default; a type whose secret is read from elsewhere adds it.
  func secrets(in attributes: Attributes, local: LocalWorkspace) -> [String]

  // MARK: Guards

  /// The hosts an object serves traffic from (a cluster's node addresses).
  func servingHosts(_ attributes: Attributes) -> [String]
  /// The hosts an object sends traffic to (a web proxy's backends).
  func routedHosts(_ attributes: Attributes) -> [String]
  /// Whether only `destroy` may delete such an object, because deleting it takes more than the object with it.
  var onlyDestroyDeletes: Bool { get }
  /// Whether an object can be replaced by a new one; not when its identity is its address, as a domain's route.
  var isReplaceable: Bool { get }
  /// Why deleting an object takes more than the object (for `onlyDestroyDeletes` types), as the guard says it.
  var deletionRisk: String { get }
  /// Why an object cannot be replaced (for types that are not replaceable), as the guard says it.
  var replacementRefusal: String { get }
  /// The part the type's objects play when traffic moves to another generation (`cutover generation switch`).
  var switchRole: SwitchRole { get }
  /// What a reviewer reads first about a new object in a pull request's plan: attribute names, or dotted paths into
  /// a map attribute (`labels.kube_tag`). Empty: the first of its known attributes.
  var highlights: [String] { get }
}

/// The part a type's objects play in a blue-green switch, which moves exactly the objects that follow `live:`.
public enum SwitchRole: Sendable {
  /// Left alone by a switch.
  case none
  /// Sends traffic to the live generation (web proxies, haproxy backends): moved first.
  case routesTraffic
  /// Points operators at the live generation (the `kube.config` link): moved last, once traffic has, so a switch
  /// that fails half-way never leaves operators' kubectl on a generation traffic has not reached.
  case pointsOperators
}

extension ResourceType {
  public func warnings(_ state: DesiredState) -> [String] { [] }
  /// No listing: a type that cannot list its objects finds no conflicts.
  public func inventory(context: ActionContext) async throws -> [String: String] { [:] }
  /// Not adoptable: a type that cannot read an object by id cannot import one.
  public func adopt(remoteID: String, context: ActionContext) async throws -> AppliedResource? { nil }
  public var nameAttribute: String { "name" }
  public func secrets(in attributes: Attributes, local: LocalWorkspace) -> [String] {
    RunSecrets.sensitiveTexts(of: attributes, schema: schema)
  }
  public func servingHosts(_ attributes: Attributes) -> [String] { [] }
  public func routedHosts(_ attributes: Attributes) -> [String] { [] }
  public var onlyDestroyDeletes: Bool { false }
  public var isReplaceable: Bool { true }
  public var deletionRisk: String { "deleting it takes more than the object with it" }
  public var replacementRefusal: String { "a new one cannot exist beside the old one" }
  public var switchRole: SwitchRole { .none }
  public var highlights: [String] { [] }
}

/// A resource type of the standard catalog: its name is one constant of the type, and everything else reaches it
/// through the type (`ClusterResource.address(generation)`, `address.type == WebProxyResource.typeName`), so no other
/// file spells it.
public protocol NamedResourceType: ResourceType {
  /// The address prefix, such as `cluster`.
  static var typeName: String { get }
}

extension NamedResourceType {
  public var name: String { Self.typeName }

  /// The address of this type's resource named `name`.
  public static func address(_ name: String) -> ResourceAddress {
    ResourceAddress(type: typeName, name: name)
  }
}

/// What the cloud holds for a resource after an action: its id there, and every attribute, computed ones included.
public struct AppliedResource: Sendable, Equatable {
  public var remoteID: String
  public var attributes: Attributes

  public init(remoteID: String, attributes: Attributes) {
    self.remoteID = remoteID
    self.attributes = attributes
  }
}

/// The cloud clients an action talks through, and the local files some resources live in.
public struct CloudClients: Sendable {
  public var magnum: MagnumClient
  public var webProxy: WebProxyClient
  public var neutron: NeutronClient
  public var nova: NovaClient
  public var local: LocalWorkspace
  /// Deploys releases and applies manifests on a generation's cluster.
  public var kubernetes: any KubernetesDriver
  /// The project's object store, where snapshots of the state are published; nil where none is reachable.
  public var objectStore: ObjectStoreClient?

  public init(
    magnum: MagnumClient, webProxy: WebProxyClient, neutron: NeutronClient, nova: NovaClient,
    local: LocalWorkspace = .none, kubernetes: any KubernetesDriver = UnavailableKubernetesDriver()
  ) {
    self.magnum = magnum
    self.webProxy = webProxy
    self.neutron = neutron
    self.nova = nova
    self.local = local
    self.kubernetes = kubernetes
  }

  /// Every client over one Keystone session.
  public init(
    session: OpenStackSession, local: LocalWorkspace = .none,
    kubernetes: any KubernetesDriver = UnavailableKubernetesDriver()
  ) {
    self.init(
      magnum: MagnumClient(session: session), webProxy: WebProxyClient(session: session),
      neutron: NeutronClient(session: session), nova: NovaClient(session: session), local: local,
      kubernetes: kubernetes)
    objectStore = ObjectStoreClient(session: session)
  }
}

/// How long-running cloud work is polled: exponential backoff from `initial` to `maximum`.
public struct PollingPolicy: Sendable {
  public var initial: Duration
  public var maximum: Duration
  public var factor: Double

  public init(initial: Duration = .seconds(2), maximum: Duration = .seconds(20), factor: Double = 1.5) {
    self.initial = initial
    self.maximum = maximum
    self.factor = factor
  }

  /// Quick polling for the simulated cloud, where builds take seconds.
  public static let simulated = PollingPolicy(initial: .milliseconds(100), maximum: .seconds(1), factor: 1.5)

  /// The delay after `delay`.
  func next(after delay: Duration) -> Duration {
    min(maximum, delay * factor)
  }
}

/// Everything an action needs while it runs: the cloud, how to poll, and where to report.
public struct ActionContext: Sendable {
  public var cloud: CloudClients
  /// Digests what may hold a secret the way state records it (a release's values fingerprint, a password).
  public var digester: SensitiveDigester
  public var polling: PollingPolicy
  /// The id an interrupted create of this address recorded: wait on that object rather than create another.
  public var resumeRemoteID: String?
  /// Remote ids that belong to other recorded objects; `find` never adopts them.
  public var knownRemoteIDs: Set<String>
  /// Records the remote id in the journal and state before the action waits on it.
  public var recordRemoteID: @Sendable (String) async throws -> Void
  /// Reports a status change of the object (`CREATE_IN_PROGRESS`), for progress output and the journal.
  public var reportStatus: @Sendable (String) async -> Void
  /// Writes a note to the action's journal entry only (a deliver command's output).
  public var note: @Sendable (String) async -> Void
  /// The run's known secrets: what an action hands to `note`, `reportStatus` or an error is masked with them, and an
  /// action that reads a secret adds it.
  public var secrets: RunSecrets
  /// The lists a refresh reads objects from, each fetched once; nil outside a refresh (each read asks for its object).
  public var listings: CloudListings?
  /// What this action saw after its write, which its read-back takes instead of asking again; nil outside an apply.
  public var sightings: ActionSightings?

  public init(
    cloud: CloudClients, digester: SensitiveDigester, polling: PollingPolicy = .init(), resumeRemoteID: String? = nil,
    knownRemoteIDs: Set<String> = [], recordRemoteID: @escaping @Sendable (String) async throws -> Void = { _ in },
    reportStatus: @escaping @Sendable (String) async -> Void = { _ in },
    note: @escaping @Sendable (String) async -> Void = { _ in }, secrets: RunSecrets = RunSecrets(),
    listings: CloudListings? = nil, sightings: ActionSightings? = nil
  ) {
    self.listings = listings
    self.sightings = sightings
    self.cloud = cloud
    self.digester = digester
    self.polling = polling
    self.resumeRemoteID = resumeRemoteID
    self.knownRemoteIDs = knownRemoteIDs
    self.recordRemoteID = recordRemoteID
    self.reportStatus = reportStatus
    self.note = note
    self.secrets = secrets
  }

  /// The local files of the environment.
  public var local: LocalWorkspace { cloud.local }
}

/// A resource action that could not complete, with the cloud's reason.
public struct ResourceActionError: Error, CustomStringConvertible, Sendable {
  public var message: String
  /// True when the cloud object exists but failed to build (`CREATE_FAILED`): the next plan replaces it.
  public var objectFailed: Bool

  public init(_ message: String, objectFailed: Bool = false) {
    self.message = message
    self.objectFailed = objectFailed
  }

  public var description: String { message }
}
