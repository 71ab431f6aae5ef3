import Foundation

/// Durations, and the line ending an apply, as progress output shows them.
public enum Format {
  /// `12s`, `3m4s`.
  public static func seconds(_ duration: Duration) -> String {
    let total = Int(duration.components.seconds)
    return total >= 60 ? "\(total / 60)m\(total % 60)s" : "\(total)s"
  }

  /// `0.42 s`, `12.3 s`: for a step whose length matters below a second (a switch).
  public static func precise(_ duration: Duration) -> String {
    let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    return seconds < 10 ? String(format: "%.2f s", seconds) : String(format: "%.1f s", seconds)
  }

  /// `Apply complete! Resources: 0 added, 4 changed, 0 destroyed. (3s)`: the line that ends a successful apply.
  public static func completion(_ result: ApplyResult, mode: Plan.Mode) -> String {
    let verb = mode == .destroy ? "Destroy" : "Apply"
    return "\(verb) complete! Resources: \(result.summary). (\(seconds(result.elapsed)))"
  }
}
