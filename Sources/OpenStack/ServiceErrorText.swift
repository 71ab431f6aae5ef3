import Foundation

// MARK: - ServiceErrorText

/// The error text a service put in a response body, read from whichever shape that service uses:
/// Keystone `{"error": {"message"}}`, Magnum `{"errors": [{"title", "detail", "request_id"}]}`, Neutron
/// `{"NeutronError": {"message"}}`, Nova `{"itemNotFound": {"message"}}` (any single wrapper key), the web proxy's
/// `{"error": "…"}` or plain text, older WSME `{"error_message": …}`/`{"faultstring": …}`, and HTML error pages.
struct ServiceErrorText: Equatable {
  /// The service's own words, on one line; empty when the body said nothing useful.
  var message: String
  /// A request id found inside the body (Magnum repeats it there).
  var requestID: String?

  /// Longest message kept; the rest is cut with an ellipsis.
  static let maximumLength = 600

  init(message: String, requestID: String? = nil) {
    self.message = message
    self.requestID = requestID
  }

  init(body: Data) {
    if let object = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) {
      let (text, requestID) = Self.text(fromJSON: object)
      self.init(message: Self.oneLine(text ?? ""), requestID: requestID)
      if message.isEmpty, let raw = String(data: body, encoding: .utf8) {
        message = Self.oneLine(raw)
      }
      return
    }
    let raw = String(data: body, encoding: .utf8) ?? String(decoding: body, as: UTF8.self)
    let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
    if trimmed.hasPrefix("<") {
      self.init(message: Self.oneLine(Self.text(fromHTML: trimmed)))
    } else {
      self.init(message: Self.oneLine(trimmed))
    }
  }

  /// The `{"error": …}` text of a body, if the body is a JSON object with a non-null `error` key (the web proxy
  /// answers a malformed request with 200 and such a body).
  static func errorInSuccessBody(_ body: Data) -> String? {
    guard body.range(of: Data(#""error""#.utf8)) != nil,
      let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
      let error = object["error"], !(error is NSNull)
    else { return nil }
    let text = Self.text(fromJSON: ["error": error]).text ?? "\(error)"
    return oneLine(text)
  }

  // MARK: - JSON shapes

  private static func text(fromJSON object: Any) -> (text: String?, requestID: String?) {
    if let string = object as? String { return (string, nil) }
    guard let dictionary = object as? [String: Any] else { return (nil, nil) }

    if let errors = dictionary["errors"] as? [[String: Any]], !errors.isEmpty {
      let texts = errors.map(magnumErrorText).filter { !$0.isEmpty }
      let requestID = errors.lazy.compactMap { $0["request_id"] as? String }.first { !$0.isEmpty }
      return (texts.joined(separator: "; "), requestID)
    }
    if let error = dictionary["error"] {
      if let string = error as? String { return (string, nil) }
      if let nested = error as? [String: Any] {
        return (firstText(in: nested, keys: ["message", "detail", "title"]), nil)
      }
    }
    if let errorMessage = dictionary["error_message"] {
      if let string = errorMessage as? String {
        if let data = string.data(using: .utf8), let inner = try? JSONSerialization.jsonObject(with: data) {
          let innerText = text(fromJSON: inner).text
          if let innerText, !innerText.isEmpty { return (innerText, nil) }
        }
        return (string, nil)
      }
      return text(fromJSON: errorMessage)
    }
    if let direct = firstText(in: dictionary, keys: ["faultstring", "message", "detail", "description", "title"]) {
      return (direct, nil)
    }
    // Neutron's NeutronError, Nova's itemNotFound/badRequest/conflictingRequest…: one key wrapping the error.
    if dictionary.count == 1, let wrapped = dictionary.values.first as? [String: Any] {
      return (firstText(in: wrapped, keys: ["message", "detail", "title", "type"]), nil)
    }
    return (nil, nil)
  }

  /// Magnum's `title` and `detail`, joined when they say different things.
  private static func magnumErrorText(_ error: [String: Any]) -> String {
    let title = (error["title"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    let detail = (error["detail"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    if title.isEmpty { return detail }
    if detail.isEmpty || detail == title { return title }
    if detail.hasPrefix(title) { return detail }
    return "\(title): \(detail)"
  }

  private static func firstText(in dictionary: [String: Any], keys: [String]) -> String? {
    for key in keys {
      if let text = dictionary[key] as? String, !text.trimmingCharacters(in: .whitespaces).isEmpty {
        return text
      }
    }
    return nil
  }

  // MARK: - Text

  /// An HTML error page's title or first heading, else its text without tags.
  private static func text(fromHTML html: String) -> String {
    for tag in ["title", "h1"] {
      if let open = html.range(of: "<\(tag)>", options: .caseInsensitive),
        let close = html.range(of: "</\(tag)>", options: .caseInsensitive, range: open.upperBound..<html.endIndex)
      {
        let inner = html[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        if !inner.isEmpty { return inner }
      }
    }
    return html.replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression)
  }

  /// Whitespace (newlines included) collapsed to single spaces, cut to ``maximumLength``.
  static func oneLine(_ text: String) -> String {
    let words = text.split(whereSeparator: { $0.isWhitespace || $0.isNewline })
    let line = words.joined(separator: " ")
    guard line.count > maximumLength else { return line }
    return String(line.prefix(maximumLength)) + "…"
  }
}
