import ArgumentParser
import CutoverKit
import EnvironmentSettings
import Foundation

/// `cutover`: plan and apply the PAWS estate from `clusters/<env>.yaml`.
@main
struct Cutover: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cutover",
    abstract: "Plan and apply PAWS's blue-green Magnum clusters, web proxies and what runs on them.",
    discussion: """
      Exit codes: 0 success (plan: no changes), 2 plan has changes (with --detailed-exitcode), 1 any other failure
      (a run stopped by SIGINT, SIGTERM or SIGHUP, or that lost its lock, included), 64 usage error, 65 invalid
      desired state, 75 state locked by another run, 128 + N a second signal N quit at once.
      """,
    version: "0.1.0",
    subcommands: [
      ValidateCommand.self, PlanCommand.self, ShowCommand.self, ApplyCommand.self, DestroyCommand.self,
      RefreshCommand.self,
      ImportCommand.self, GenerationCommand.self,
      StateCommand.self, GraphCommand.self, CICommand.self, SimulatorCommand.self,
    ]
  )
}

/// Runs a command body, turning Cutover's errors into one clear line on stderr and the documented exit code.
func reportingErrors(_ body: () async throws -> Void) async throws {
  Terminal.ignoreBrokenPipes()
  do {
    try await body()
  } catch let error as CutoverError {
    Terminal.error(error.errorDescription ?? "\(error)")
    throw ExitCode(error.exitCode)
  } catch let error as EnvironmentSettingError {
    Terminal.error(error.description)
    throw ExitCode(EnvironmentSettingError.exitCode)
  } catch let error as ExitCode {
    throw error
  } catch is CancellationError {
    Terminal.error("interrupted")
    throw ExitCode(1)
  } catch {
    Terminal.error((error as? LocalizedError)?.errorDescription ?? String(describing: error))
    throw ExitCode(1)
  }
}
