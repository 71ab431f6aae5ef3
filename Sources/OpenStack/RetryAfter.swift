import Foundation

// MARK: - RetryAfter

/// Reads a `Retry-After` header: delay seconds (`120`, also `1.5`) or an HTTP date.
enum RetryAfter {
  static func parse(_ value: String?, now: Date = Date()) -> Duration? {
    guard let text = value?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
    if let seconds = Double(text), seconds.isFinite {
      return .milliseconds(Int64((max(seconds, 0) * 1000).rounded()))
    }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
    guard let date = formatter.date(from: text) else { return nil }
    let seconds = max(date.timeIntervalSince(now), 0)
    return .milliseconds(Int64((seconds * 1000).rounded()))
  }
}
