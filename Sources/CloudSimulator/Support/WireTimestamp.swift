import Foundation

/// The timestamp spellings the simulated services use on the wire.
enum WireTimestamp {
  // MARK: - Formats

  /// Keystone: `2018-01-15T22:14:05.000000Z` (microseconds, UTC, `Z`).
  static func keystone(_ secondsSince1970: Double) -> String {
    let whole = secondsSince1970.rounded(.down)
    let micros = min(Int(((secondsSince1970 - whole) * 1_000_000).rounded()), 999_999)
    return utcComponents(whole) { date, time in
      "\(date)T\(time)." + String(format: "%06d", micros) + "Z"
    }
  }

  /// Magnum: `2016-08-29T06:51:31+00:00` (whole seconds, explicit UTC offset).
  static func magnum(_ secondsSince1970: Double) -> String {
    utcComponents(secondsSince1970.rounded(.down)) { date, time in "\(date)T\(time)+00:00" }
  }

  /// Neutron: `2016-12-21T01:36:04Z` (whole seconds, UTC, `Z`).
  static func neutron(_ secondsSince1970: Double) -> String {
    utcComponents(secondsSince1970.rounded(.down)) { date, time in "\(date)T\(time)Z" }
  }

  /// Kubernetes and Helm: RFC 3339 `2016-12-21T01:36:04Z` (whole seconds, UTC, `Z`), as `metav1.Time` writes it.
  static func kubernetes(_ secondsSince1970: Double) -> String {
    neutron(secondsSince1970)
  }

  // MARK: - Calendar

  fileprivate static func utcComponents(_ seconds: Double, _ compose: (String, String) -> String) -> String {
    // The C library's UTC breakdown: a calendar per timestamp cost more than the rest of a response.
    var whole = time_t(seconds.rounded(.down))
    var parts = tm()
    gmtime_r(&whole, &parts)
    let date = String(format: "%04d-%02d-%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday))
    let time = String(format: "%02d:%02d:%02d", Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    return compose(date, time)
  }
}

// MARK: - Swift (object storage)

extension WireTimestamp {
  /// Swift's listings: `2016-12-21T01:36:04.123456` (microseconds, UTC, no zone).
  static func swiftListing(_ secondsSince1970: Double) -> String {
    let whole = secondsSince1970.rounded(.down)
    let micros = min(Int(((secondsSince1970 - whole) * 1_000_000).rounded()), 999_999)
    return utcComponents(whole) { date, time in "\(date)T\(time)." + String(format: "%06d", micros) }
  }

  /// Swift's `X-Timestamp`: seconds since 1970 with five decimals, `1733374838.12345`.
  static func swiftTimestamp(_ secondsSince1970: Double) -> String {
    String(format: "%.5f", secondsSince1970)
  }

  /// An HTTP date (`Last-Modified`): `Sat, 05 Dec 2026 05:00:38 GMT`.
  static func httpDate(_ secondsSince1970: Double) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
    return formatter.string(from: Date(timeIntervalSince1970: secondsSince1970.rounded(.up)))
  }
}
