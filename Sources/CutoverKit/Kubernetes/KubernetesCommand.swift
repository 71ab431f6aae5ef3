import Foundation

/// One helm or kubectl command line, with the form of it that may be printed.
///
/// The real arguments go to the process; ``displayArguments`` go to logs, plans, the journal and error messages,
/// with every sensitive `set:` value replaced by `(sensitive)`. Keeping both in one value means no code path can
/// print a command line without the redaction having been decided where the line was built.
public struct KubernetesCommand: Sendable, Equatable {
  /// The program's name as configured (`helm`, `kubectl`) or a path to it; shown first in the display form.
  public var tool: String
  /// The arguments passed to the process, secrets included.
  public var arguments: [String]
  /// The arguments as they may be printed.
  public var displayArguments: [String]
  /// Texts of sensitive values that must not appear in output Cutover keeps (see
  /// ``SensitiveValuePolicy/secretTexts(in:)``).
  public var secretTexts: [String]

  public init(tool: String, arguments: [String], displayArguments: [String]? = nil, secretTexts: [String] = []) {
    self.tool = tool
    self.arguments = arguments
    self.displayArguments = displayArguments ?? arguments
    self.secretTexts = secretTexts
  }

  /// The command as one line a shell would accept, secrets redacted: what logs and error messages show.
  public var displayLine: String { ProcessRunner.displayLine([tool] + displayArguments) }

  /// The text with every secret of this command replaced by `(sensitive)`.
  public func scrubbed(_ text: String) -> String {
    SensitiveValuePolicy.scrub(text, secrets: secretTexts)
  }
}
