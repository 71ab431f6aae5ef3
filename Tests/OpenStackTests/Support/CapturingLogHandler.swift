import Logging
import Synchronization

// MARK: - LogCapture

/// Collects every log line (message and metadata) a ``Logger`` made with ``logger`` writes.
final class LogCapture: Sendable {
  private let lines = Mutex<[String]>([])

  var logger: Logger {
    var logger = Logger(label: "test.openstack") { _ in CapturingLogHandler(capture: self) }
    logger.logLevel = .trace
    return logger
  }

  var captured: [String] { lines.withLock { $0 } }

  fileprivate func append(_ line: String) {
    lines.withLock { $0.append(line) }
  }
}

// MARK: - CapturingLogHandler

/// A `LogHandler` writing into a ``LogCapture``.
struct CapturingLogHandler: LogHandler {
  let capture: LogCapture
  var metadata: Logger.Metadata = [:]
  var logLevel: Logger.Level = .trace

  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  func log(event: LogEvent) {
    let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
    let metadataText = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    capture.append("\(event.level) \(event.message) \(metadataText)")
  }
}
