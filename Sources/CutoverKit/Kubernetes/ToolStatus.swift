/// What ``KubernetesToolCheck`` found out about one tool.
public struct ToolStatus: Sendable, Equatable {
  /// `helm` or `kubectl`.
  public var tool: String
  /// Where the executable is, when it was found.
  public var path: String?
  /// Its version, when it could be read.
  public var version: ToolVersion?
  /// One line saying why Cutover cannot use it, or `nil` when it can.
  public var problem: String?

  public init(tool: String, path: String? = nil, version: ToolVersion? = nil, problem: String? = nil) {
    self.tool = tool
    self.path = path
    self.version = version
    self.problem = problem
  }

  /// Whether Cutover can run this tool.
  public var isUsable: Bool { problem == nil }
}

/// What ``KubernetesToolCheck`` found out about helm and kubectl.
public struct KubernetesToolReport: Sendable, Equatable {
  public var helm: ToolStatus
  public var kubectl: ToolStatus

  public init(helm: ToolStatus, kubectl: ToolStatus) {
    self.helm = helm
    self.kubectl = kubectl
  }

  /// The problem lines, helm's first, for a plan to print before anything runs; empty when both tools are usable.
  public var problems: [String] { [helm.problem, kubectl.problem].compactMap { $0 } }
}
