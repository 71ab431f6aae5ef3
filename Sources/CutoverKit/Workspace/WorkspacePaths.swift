import Foundation

/// Where an environment's files live: `clusters/<env>.yaml`, `state/<env>.sqlite`, and the simulated cloud beside it.
public struct WorkspacePaths: Sendable, Equatable {
  public var clustersDirectory: String
  public var stateDirectory: String

  public init(clustersDirectory: String = "clusters", stateDirectory: String = "state") {
    self.clustersDirectory = clustersDirectory
    self.stateDirectory = stateDirectory
  }

  public func desiredStateFile(_ environment: String) -> String {
    join(clustersDirectory, "\(environment).yaml")
  }

  public func stateFile(_ environment: String) -> String {
    join(stateDirectory, "\(environment).sqlite")
  }

  /// The simulated cloud of `--simulate`, kept beside the real state so consecutive commands share it.
  public func simulatedCloudFile(_ environment: String) -> String {
    join(stateDirectory, "\(environment).simulated-cloud.sqlite")
  }

  /// `state/<env>`: the environment's kubeconfigs and rendered load-balancer configs.
  public func localDirectory(_ environment: String) -> String {
    join(stateDirectory, environment)
  }

  /// Where relative chart, values-file and manifest paths of the desired state resolve: the directory holding the
  /// clusters directory (`.` for the default `clusters`), so `paws/secrets.yaml` sits beside `clusters/`.
  public var sourceDirectory: String {
    // Absolute and standardized first, so `.`, `./` and `clusters/.` name the directory they mean.
    let clusters = LocalWorkspace.absolute(clustersDirectory.isEmpty ? "." : clustersDirectory)
    return (clusters as NSString).deletingLastPathComponent
  }

  private func join(_ directory: String, _ file: String) -> String {
    directory.isEmpty || directory == "." ? file : directory.hasSuffix("/") ? directory + file : directory + "/" + file
  }
}

/// Checks an environment name before it becomes part of a path.
public enum EnvironmentName {
  public static func validate(_ name: String) throws {
    guard TextPattern.environmentName.matches(name) else {
      throw CutoverError.usage("'\(name)' is not an environment name (letters, digits, '-' and '_'), such as eqiad1")
    }
  }
}
