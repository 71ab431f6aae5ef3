import CutoverKit
import Foundation
import Testing

/// The load-balancer tier PAWS ran before Magnum, with servers on loopback addresses, as every test here sees it.
enum LoadBalancerSample {
  static let controlPlane = ["127.0.0.11", "127.0.0.12", "127.0.0.13"]
  static let workers = ["127.0.0.21", "127.0.0.22", "127.0.0.23"]

  static var haproxy: HAProxyConfig {
    HAProxyConfig(
      host: "paws-k8s-haproxy-1",
      frontends: [
        .init(listen: 6443, target: "control_plane", port: 6443, servers: controlPlane),
        .init(listen: 80, target: "ingress", port: 30001, servers: workers),
        .init(listen: 443, target: "ingress", port: 30001, servers: workers),
      ])
  }

  static var keepalived: KeepalivedConfig {
    KeepalivedConfig(
      host: "paws-k8s-haproxy-1", interface: "eth0", virtualRouterID: 51, priority: 150, vip: "172.16.1.171",
      sourceAddress: "172.16.1.10", peers: ["172.16.1.11"], authSecret: "s3cret")
  }

  /// The PAWS keepalived configuration on an interface this machine has, since keepalived's check refuses others.
  static func keepalivedOnLocalInterface() throws -> KeepalivedConfig {
    let interface = try #require(
      DaemonConfigCheck.networkInterfaces().first,
      "keepalived refuses loopback and missing interfaces, and this machine has no other network interface")
    var config = keepalived
    config.interface = interface
    return config
  }
}

/// Fails the test, with what to install, when a daemon the load-balancer checks need is missing: CI installs both
/// (`scripts/test`), so a missing daemon is a broken machine, never a reason to skip.
func requireDaemon(_ daemon: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
  do {
    _ = try ProcessRunner().locate(daemon)
  } catch {
    Issue.record(
      "\(daemon) is not installed: `apt-get install \(daemon)` (Debian's package; scripts/test installs it). \(error)",
      sourceLocation: sourceLocation)
    throw error
  }
}

/// A fresh directory per test for stand-in executables and files, removed when the body returns.
func withScratchDirectory<Result>(_ body: (URL) async throws -> Result) async throws -> Result {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("cutover-lb-tests-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: url) }
  return try await body(url)
}

/// Writes an executable shell script named `name` into `directory` and returns its path.
@discardableResult
func writeScript(_ name: String, in directory: URL, _ body: String, executable: Bool = true) throws -> String {
  let path = directory.appendingPathComponent(name).path
  let created = FileManager.default.createFile(
    atPath: path, contents: Data("#!/bin/sh\n\(body)\n".utf8),
    attributes: [.posixPermissions: executable ? 0o755 : 0o644])
  try #require(created, "could not write \(path)")
  return path
}
