import Crypto
import Foundation

// MARK: - ObjectStoreClient

/// OpenStack Swift's object-store API (catalog type `object-store`, endpoint `…/v1/AUTH_{project}`) over an
/// ``OpenStackSession``: containers and their read ACL, objects written with their MD5 checked, and listings followed
/// page by page. Cloud VPS serves this API from Ceph's rados gateway; both answer as used here.
public struct ObjectStoreClient: Sendable {
  public static let serviceTypes = ["object-store"]

  public let session: OpenStackSession

  public init(session: OpenStackSession) {
    self.session = session
  }

  /// What `HEAD` of a container says.
  public struct Container: Sendable, Equatable {
    public var objectCount: Int
    public var bytesUsed: Int
    /// `X-Container-Read`; nil when the container has none (private to its project).
    public var readACL: String?

    public init(objectCount: Int, bytesUsed: Int, readACL: String?) {
      self.objectCount = objectCount
      self.bytesUsed = bytesUsed
      self.readACL = readACL
    }

    /// Whether the read ACL lets anyone read (`.r:*`, a referrer rule) or list (`.rlistings`) without a token.
    public var isPublic: Bool {
      guard let readACL else { return false }
      return readACL.split(separator: ",").contains { rule in
        let rule = rule.trimmingCharacters(in: .whitespaces)
        return rule.hasPrefix(".r:") || rule == ".rlistings"
      }
    }
  }

  /// One object of a listing.
  public struct Entry: Sendable, Equatable, Decodable {
    public var name: String
    public var bytes: Int
    public var hash: String
    public var lastModified: String?

    enum CodingKeys: String, CodingKey {
      case name, bytes, hash
      case lastModified = "last_modified"
    }
  }

  /// What storing an object answered.
  public struct Stored: Sendable, Equatable {
    /// The MD5 of the bytes, in hex, as the store computed it.
    public var etag: String
    public var requestID: String?
  }

  /// Why a write was not done.
  public enum WriteRefusal: Error, Sendable, Equatable {
    /// `If-None-Match: *` and the name exists (412).
    case exists(object: String)
  }

  // MARK: - Containers

  /// The container's counts and read ACL; nil when it does not exist.
  public func container(_ name: String) async throws -> Container? {
    let path = Self.path(name)
    do {
      let response = try await send("HEAD", path)
      return Container(
        objectCount: response.header("x-container-object-count").flatMap { Int($0) } ?? 0,
        bytesUsed: response.header("x-container-bytes-used").flatMap { Int($0) } ?? 0,
        readACL: response.header("x-container-read").flatMap { $0.isEmpty ? nil : $0 })
    } catch let error as OpenStackError where error.kind == .http && error.status == 404 {
      return nil
    }
  }

  /// Creates a private container (no read ACL); an existing one is left as it is (Swift answers 202).
  public func createContainer(_ name: String) async throws {
    _ = try await send("PUT", Self.path(name), idempotent: true)
  }

  // MARK: - Objects

  /// Stores `data` as `object`, sending its MD5 so the store refuses bytes damaged on the way (422), and checking the
  /// ETag it answers.
  /// - Parameter exclusive: sends `If-None-Match: *`: the write happens only if no object has that name.
  /// - Throws: ``WriteRefusal/exists(object:)`` when `exclusive` and the name exists; ``OpenStackError`` otherwise.
  @discardableResult
  public func put(
    container: String, object: String, data: Data, contentType: String, exclusive: Bool = false
  ) async throws -> Stored {
    let path = Self.path(container, object)
    let md5 = Self.md5(data)
    var headers = [("Content-Type", contentType), ("ETag", md5)]
    if exclusive { headers.append(("If-None-Match", "*")) }
    let response: HTTPResponse
    do {
      response = try await send("PUT", path, body: data, headers: headers, idempotent: true)
    } catch let error as OpenStackError where error.kind == .http && error.status == 412 && exclusive {
      throw WriteRefusal.exists(object: object)
    }
    let etag = (response.header("etag") ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    guard etag.isEmpty || etag == md5 else {
      throw OpenStackError(
        service: "object-store", method: "PUT", path: path, status: response.status,
        message: "the store answered ETag \(etag) for bytes whose MD5 is \(md5)", requestID: response.requestID,
        kind: .invalidResponse)
    }
    return Stored(etag: md5, requestID: response.requestID)
  }

  /// The bytes of an object; nil when it (or its container) does not exist.
  public func get(container: String, object: String) async throws -> Data? {
    do {
      return try await send("GET", Self.path(container, object), headers: [("Accept", "*/*")]).body
    } catch let error as OpenStackError where error.kind == .http && error.status == 404 {
      return nil
    }
  }

  /// Deletes an object; one already gone counts as done.
  public func delete(container: String, object: String) async throws {
    do {
      _ = try await send("DELETE", Self.path(container, object))
    } catch let error as OpenStackError where error.kind == .http && error.status == 404 {
      return
    }
  }

  /// Every object of the container whose name begins with `prefix`, in name order, page after page (`marker`).
  public func list(container: String, prefix: String = "") async throws -> [Entry] {
    var entries: [Entry] = []
    var marker = ""
    while true {
      var query = "?format=json&prefix=\(Self.queryValue(prefix))"
      if !marker.isEmpty { query += "&marker=\(Self.queryValue(marker))" }
      let path = Self.path(container) + query
      let response = try await send("GET", path)
      guard response.status != 204, !response.body.isEmpty else { return entries }
      let page = try response.decoded([Entry].self, service: "object-store", method: "GET", path: path)
      guard let last = page.last, last.name > marker else { return entries }
      entries += page
      marker = last.name
    }
  }

  // MARK: - Helpers

  private func send(
    _ method: String, _ path: String, body: Data? = nil, headers: [(String, String)] = [], idempotent: Bool? = nil
  ) async throws -> HTTPResponse {
    try await session.send(
      serviceTypes: Self.serviceTypes, method: method, path: path, body: body, headers: headers,
      idempotent: idempotent)
  }

  /// `/{container}` or `/{container}/{object}`, each part percent-encoded (an object's `/` kept).
  static func path(_ container: String, _ object: String? = nil) -> String {
    var path = "/" + PathSegment.encode(container)
    if let object {
      path +=
        "/"
        + object.split(separator: "/", omittingEmptySubsequences: false)
        .map { PathSegment.encode(String($0)) }.joined(separator: "/")
    }
    return path
  }

  private static func queryValue(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~/"))) ?? text
  }

  public static func md5(_ data: Data) -> String {
    Insecure.MD5.hash(data: data).map { String(format: "%02x", $0) }.joined()
  }
}
