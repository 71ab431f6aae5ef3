import Foundation

/// The lease on an environment's state held by one run: who, where, doing what, and when it last proved alive.
public struct LockLease: Sendable, Equatable {
  public var environment: String
  /// A random token that only the holder knows; release and heartbeat check it.
  public var token: String
  public var holder: String
  public var host: String
  public var pid: Int32
  public var command: String
  public var acquiredAt: Date
  public var heartbeatAt: Date

  public init(
    environment: String, token: String, holder: String, host: String, pid: Int32, command: String, acquiredAt: Date,
    heartbeatAt: Date
  ) {
    self.environment = environment
    self.token = token
    self.holder = holder
    self.host = host
    self.pid = pid
    self.command = command
    self.acquiredAt = acquiredAt
    self.heartbeatAt = heartbeatAt
  }

  /// When the lease was taken, in UTC ISO 8601.
  public var acquiredAtText: String { Timestamps.format(acquiredAt) }

  /// Whether the lease no longer holds. On this host that is exactly when its process is gone: a live holder that
  /// was paused (suspended, a stalled VM) keeps its lease however old its heartbeat. From another host, where the
  /// process cannot be seen, a heartbeat older than `ttl` means the holder is gone.
  public func isExpired(now: Date, ttl: TimeInterval, localHost: String) -> Bool {
    if host == localHost { return !ProcessIdentity.isAlive(pid: pid) }
    return now.timeIntervalSince(heartbeatAt) > ttl
  }
}

/// Who and where this process is, as recorded in leases and the journal.
public struct ProcessIdentity: Sendable {
  public var user: String
  public var host: String
  public var pid: Int32

  public init(user: String, host: String, pid: Int32) {
    self.user = user
    self.host = host
    self.pid = pid
  }

  /// This process.
  public static var current: ProcessIdentity {
    let environment = ProcessInfo.processInfo.environment
    let user = environment["USER"] ?? environment["LOGNAME"] ?? accountName() ?? String(getuid())
    return ProcessIdentity(user: user, host: ProcessInfo.processInfo.hostName, pid: getpid())
  }

  private static func accountName() -> String? {
    guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return nil }
    return String(cString: name)
  }

  /// Whether a process with this id runs on this host. A zombie (killed, not yet reaped by its parent) does not.
  static func isAlive(pid: Int32) -> Bool {
    if pid <= 0 { return false }
    guard kill(pid, 0) == 0 || errno != ESRCH else { return false }
    // /proc/PID/stat is "PID (COMMAND) STATE …"; the command may hold spaces and parentheses, so read after the last ')'.
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return true }
    let state = stat[stat.index(after: close)...].drop { $0 == " " }.first
    return state != "Z" && state != "X"
  }
}

/// UTC timestamps as the state store and outputs show them.
public enum Timestamps {
  public static func format(_ date: Date) -> String {
    date.formatted(Date.ISO8601FormatStyle())
  }
}
