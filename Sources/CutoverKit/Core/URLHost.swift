/// Host names inside URLs, without Foundation's URL parsing (backends are plain `scheme://host:port` strings).
public enum URLHost {
  /// The host of a URL such as `http://127.0.1.3:30001` or `http://[::1]:80/`.
  public static func of(_ url: String) -> String? {
    guard let schemeEnd = url.range(of: "://") else { return nil }
    let rest = url[schemeEnd.upperBound...]
    let hostPort = rest.split(separator: "/", maxSplits: 1).first.map(String.init) ?? String(rest)
    if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
      return String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
    }
    return hostPort.split(separator: ":").first.map(String.init)
  }
}
