import Crypto
import Foundation
import Synchronization

/// Files that git-crypt keeps encrypted in the repository (PAWS's `paws/secrets.yaml`), told apart without the key.
///
/// Without the key (CI) such a file in the working tree is the ciphertext itself, starting with `\0GITCRYPT\0`, and
/// its git blob id is the hash of those bytes. With the key (the bastion) the working tree holds the plaintext, and
/// the blob id of what git would commit is `git hash-object` of it, which runs git-crypt's clean filter. git-crypt
/// encrypts deterministically, so the two ids are equal exactly when the content is: recorded at apply time, the id
/// tells a preview whether an encrypted file changed, and no key or content is needed.
enum GitCryptFiles {
  /// The ten bytes an encrypted file begins with.
  static let header = Data([0] + Array("GITCRYPT".utf8) + [0])

  /// What a plan shows for the content of an encrypted file it cannot read; compared to the recorded blob id.
  static let standInPrefix = "git-crypt blob "
  static let standInSuffix = " (encrypted here; content not shown)"

  static func isEncrypted(_ data: Data) -> Bool {
    data.starts(with: header)
  }

  /// The stand-in digest of an encrypted file's content: its blob id, worded for a plan.
  static func standIn(blob: String) -> String {
    standInPrefix + blob + standInSuffix
  }

  /// The blob id in a stand-in; nil for a real digest.
  static func blob(inStandIn text: String) -> String? {
    guard text.hasPrefix(standInPrefix), text.hasSuffix(standInSuffix) else { return nil }
    return String(text.dropFirst(standInPrefix.count).dropLast(standInSuffix.count))
  }

  /// git's blob id of these bytes (`git hash-object --no-filters`): SHA-1 of `blob <size>\0` and the bytes.
  static func blobID(_ data: Data) -> String {
    var hash = Insecure.SHA1()
    hash.update(data: Data("blob \(data.count)\0".utf8))
    hash.update(data: data)
    return FileDigest.hex(bytes: hash.finalize())
  }

  /// The blob id git would commit for each of `files` (paths relative to `base`) that git-crypt filters, keyed by
  /// path; empty when `base` has no `.gitattributes` naming git-crypt, is not in a git work tree, or git is missing.
  /// A file that is ciphertext here is hashed as it is; a plaintext one by `git hash-object`, through the filter.
  static func committedBlobs(of files: [String], in base: String) -> [String: String] {
    guard !files.isEmpty, namesGitCrypt(base) else { return [:] }
    let key = base + "\0" + files.joined(separator: "\0")
    let stamps = files.map { stamp(SourceFiles.resolve($0, in: base)) }
    if let cached = cache.withLock({ $0[key] }), cached.stamps == stamps { return cached.blobs }
    var blobs: [String: String] = [:]
    // `PATH: filter: VALUE`, a line per file, in order.
    let attributes = (run(["check-attr", "filter", "--"] + files, in: base) ?? "").split(separator: "\n")
    let filtered = files.filter { file in attributes.contains { $0 == "\(file): filter: git-crypt" } }
    var plaintext: [String] = []
    for file in filtered {
      guard let data = FileManager.default.contents(atPath: SourceFiles.resolve(file, in: base)) else { continue }
      if isEncrypted(data) { blobs[file] = blobID(data) } else { plaintext.append(file) }
    }
    if !plaintext.isEmpty, let output = run(["hash-object", "--"] + plaintext, in: base) {
      let ids = output.split(separator: "\n").map(String.init)
      if ids.count == plaintext.count {
        for (file, id) in zip(plaintext, ids) { blobs[file] = id }
      }
    }
    cache.withLock { $0[key] = (stamps, blobs) }
    return blobs
  }

  /// Whether `base/.gitattributes` names git-crypt at all: no git is run for a repository that uses none.
  private static func namesGitCrypt(_ base: String) -> Bool {
    guard let data = FileManager.default.contents(atPath: base + "/.gitattributes") else { return false }
    return String(decoding: data, as: UTF8.self).contains("git-crypt")
  }

  /// Size and modification time: a file edited since it was hashed is hashed again.
  private static func stamp(_ path: String) -> String {
    let attributes = try? FileManager.default.attributesOfItem(atPath: path)
    let size = (attributes?[.size] as? NSNumber)?.intValue ?? -1
    let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
    return "\(size):\(modified)"
  }

  private static let cache = Mutex<[String: (stamps: [String], blobs: [String: String])]>([:])

  /// `git -C base ARGUMENTS`'s standard output; nil when it cannot run or fails.
  private static func run(_ arguments: [String], in base: String) -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "-C", base] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    do { try process.run() } catch { return nil }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    return String(decoding: data, as: UTF8.self)
  }
}
