// MARK: - DecodingErrorSummary

/// A one-line account of why a JSON body could not be decoded: what was wrong and where.
enum DecodingErrorSummary {
  static func describe(_ error: any Error) -> String {
    guard let decodingError = error as? DecodingError else { return "\(error)" }
    switch decodingError {
    case .keyNotFound(let key, let context):
      return "missing \"\(key.stringValue)\"\(location(context.codingPath))"
    case .valueNotFound(_, let context):
      return "null where a value is needed\(location(context.codingPath))"
    case .typeMismatch(let type, let context):
      return "expected \(type)\(location(context.codingPath))"
    case .dataCorrupted(let context):
      return "\(context.debugDescription)\(location(context.codingPath))"
    @unknown default:
      return "\(decodingError)"
    }
  }

  private static func location(_ path: [any CodingKey]) -> String {
    guard !path.isEmpty else { return "" }
    let text = path.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
    return " at " + (text.hasPrefix(".") ? String(text.dropFirst()) : text)
  }
}
