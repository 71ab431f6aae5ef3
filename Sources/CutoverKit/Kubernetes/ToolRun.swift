/// What a successful helm or kubectl run printed, for the journal.
public struct ToolRun: Sendable, Equatable {
  /// The command's display form, secrets redacted.
  public var command: String
  /// Its standard output and error, interleaved, with any secret of the command scrubbed; only the last
  /// ``ProcessRunner/outputLimit`` bytes.
  public var output: String

  public init(command: String, output: String) {
    self.command = command
    self.output = output
  }
}
