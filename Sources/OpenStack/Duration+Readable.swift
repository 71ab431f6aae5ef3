// MARK: - Readable durations

extension Duration {
  /// A short human form: "200 ms", "1.5 s", "60 s".
  var readable: String {
    let seconds = Double(components.seconds) + Double(components.attoseconds) / 1e18
    if seconds < 1 {
      return "\(Int((seconds * 1000).rounded())) ms"
    }
    if seconds == seconds.rounded() {
      return "\(Int(seconds)) s"
    }
    return "\((seconds * 10).rounded() / 10) s"
  }

  /// This duration in seconds as a floating-point number.
  var inSeconds: Double {
    Double(components.seconds) + Double(components.attoseconds) / 1e18
  }
}
