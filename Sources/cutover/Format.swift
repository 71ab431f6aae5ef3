/// Durations as progress lines show them.
enum Format {
  /// `12s`, `3m4s`.
  static func seconds(_ duration: Duration) -> String {
    let total = Int(duration.components.seconds)
    return total >= 60 ? "\(total / 60)m\(total % 60)s" : "\(total)s"
  }
}
