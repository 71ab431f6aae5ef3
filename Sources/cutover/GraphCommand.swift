import ArgumentParser
import CutoverKit

/// `cutover graph ENV`: the dependency graph of the desired resources.
struct GraphCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "graph", abstract: "Print the dependency graph of ENV's resources (Graphviz dot).")

  @Argument(help: "The environment.") var environment: String
  @Option(help: "dot is the only format.") var format = "dot"
  @OptionGroup var global: GlobalOptions

  func validate() throws {
    guard format == "dot" else { throw ValidationError("--format: only dot is supported") }
  }

  func run() async throws {
    try await reportingErrors {
      let desired = try global.session(environment).desired()
      var lines = ["digraph \"\(environment)\" {", "  rankdir = \"LR\";"]
      for resource in ResourceCatalog.standard.expand(desired) {
        lines.append("  \"\(resource.address)\";")
        for dependency in resource.dependencies {
          lines.append("  \"\(resource.address)\" -> \"\(dependency)\";")
        }
      }
      lines.append("}")
      Terminal.line(lines.joined(separator: "\n"))
    }
  }
}
