/// A change to `clusters/<env>.yaml` made by rewriting its lines (set `live:`, remove a generation): planned against
/// before it is written, and written only once the operator said yes, so a refused or cancelled command leaves the
/// file as it was.
struct DesiredStateEdit: Sendable {
  let path: String
  let original: String
  let text: String
  /// The desired state the edited text gives.
  let desired: DesiredState

  /// Reads the file, edits its text with `edit`, and parses the result.
  init(session: OperationSession, edit: (_ text: String, _ path: String) throws -> String) throws {
    path = session.desiredStateFile
    original = try EnvironmentFileRewriter.read(environment: session.environment, path: path)
    text = try edit(original, path)
    desired = try session.desired(parsing: text)
  }

  /// Writes the edited text, refusing when the file changed since it was read.
  func write() throws {
    try EnvironmentFileRewriter.replace(path: path, original: original, with: text)
  }
}

extension OperationSession {
  /// Plans only `targets` (and what they depend on) of `desired`, after settling and refreshing, and prints the
  /// preparation's notes: the plan of a command that changes part of the estate (switch, retire).
  func planTargeted(_ desired: DesiredState, targets: [ResourceAddress], cloud: CloudAccess) async throws
    -> PlanPreparation.Outcome
  {
    let outcome = try await preparation(cloud: cloud).plan(
      environment: environment, desired: desired, mode: .apply, refresh: true, targets: targets)
    for note in outcome.notes { output.warning(note) }
    return outcome
  }

  /// Prints a plan as `cutover plan` does.
  func show(_ plan: Plan) {
    output.write(TextPlanRenderer(color: output.color).render(plan, source: desiredStateFile))
  }
}
