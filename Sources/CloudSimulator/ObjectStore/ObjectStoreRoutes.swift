import Foundation
import GRDB
import Hummingbird

/// OpenStack Swift's object-store API under `/object-store/v1/AUTH_{project}`: the account (its containers), each
/// container (its objects, its read ACL) and each object, as far as a client that publishes and reads snapshots and
/// the `openstack container …` / `openstack object …` commands need it:
///
/// - `GET`/`HEAD` of the account lists containers; `PUT` of a container creates it (201, or 202 when it exists),
///   `X-Container-Read` sets its read ACL and `X-Remove-Container-Read` clears it, `POST` updates it, `DELETE`
///   removes an empty one (409 otherwise).
/// - `GET` of a container lists its objects, `?format=json` as JSON, else one name per line (204 when empty), with
///   `prefix`, `delimiter`, `marker`, `end_marker` and `limit`.
/// - `PUT` of an object stores it and answers its ETag (the MD5 of the bytes in hex); `If-None-Match: *` answers
///   412 when the name exists (`If-Match` is ignored, as real Swift ignores it on `PUT`); an `ETag` sent that the bytes
///   do not match answers 422. `GET`, `HEAD` and `DELETE` do what they say.
///
/// The account must be the token's own project's (403 otherwise); anonymous reads of public containers are not
/// served.
struct ObjectStoreRoutes {
  let store: CloudStore

  /// Objects larger than this are refused (413); Swift's own limit is 5 GiB.
  static let maximumObjectSize = 256 << 20
  /// The most entries one listing returns, as Swift's `container_listing_limit`.
  static let listingLimit = 10_000

  func register(on router: Router<SimulatorRequestContext>) {
    let account = "/object-store/v1/:account"
    for path in [account, account + "/:container", account + "/:container/**"] {
      router.get(RouterPath(path)) { request, context in try await respond(request, context) }
      router.head(RouterPath(path)) { request, context in try await respond(request, context) }
      router.put(RouterPath(path)) { request, context in try await respond(request, context) }
      router.post(RouterPath(path)) { request, context in try await respond(request, context) }
      router.delete(RouterPath(path)) { request, context in try await respond(request, context) }
    }
  }

  /// What a request names: the account's project, and a container and an object when it names them.
  private struct Target {
    var project: String
    var container: String?
    var object: String?
  }

  private func respond(_ request: Request, _ context: SimulatorRequestContext) async throws -> Response {
    let target = try target(of: request, context)
    let head = request.method == .head
    switch (target.container, target.object) {
    case (nil, _):
      switch request.method {
      case .get, .head: return try await listContainers(target.project, request, head: head)
      default: throw ServiceError(.methodNotAllowed, "The method is not allowed for this resource.")
      }
    case (let container?, nil):
      switch request.method {
      case .get, .head: return try await listObjects(target.project, container, request, head: head)
      case .put: return try await putContainer(target.project, container, request)
      case .post: return try await postContainer(target.project, container, request)
      case .delete: return try await deleteContainer(target.project, container)
      default: throw ServiceError(.methodNotAllowed, "The method is not allowed for this resource.")
      }
    case (let container?, let object?):
      switch request.method {
      case .get, .head: return try await getObject(target.project, container, object, head: head)
      case .put: return try await putObject(target.project, container, object, request)
      case .delete: return try await deleteObject(target.project, container, object)
      default: throw ServiceError(.methodNotAllowed, "The method is not allowed for this resource.")
      }
    }
  }

  /// The account, container and object of the path (percent-decoded; an object name may hold `/`), the account
  /// checked against the token's project.
  private func target(of request: Request, _ context: SimulatorRequestContext) throws -> Target {
    let prefix = APIService.objectStorePrefix + "/v1/"
    let path = request.uri.path
    guard path.hasPrefix(prefix) else { throw ServiceError.notFound("The resource could not be found.") }
    var rest = Substring(path.dropFirst(prefix.count))
    let account = rest.prefix { $0 != "/" }
    rest = rest.dropFirst(account.count)
    if rest.first == "/" { rest = rest.dropFirst() }
    let containerPart = rest.prefix { $0 != "/" }
    rest = rest.dropFirst(containerPart.count)
    if rest.first == "/" { rest = rest.dropFirst() }
    let project = try context.requireToken().projectID
    guard account == "AUTH_" + project else {
      throw ServiceError(.forbidden, "The token is not scoped to account \(account).")
    }
    let container = containerPart.isEmpty ? nil : String(containerPart).removingPercentEncoding
    let object = rest.isEmpty ? nil : String(rest).removingPercentEncoding
    return Target(project: project, container: container, object: object)
  }

  // MARK: - Account

  private func listContainers(_ project: String, _ request: Request, head: Bool) async throws -> Response {
    let (containers, usage) = try await store.transaction { db, _ in
      (try ObjectContainerRecord.all(project: project, in: db), try StoredObjectRecord.usage(project: project, in: db))
    }
    var headers: HTTPFields = [:]
    headers[.accountContainerCount] = String(containers.count)
    headers[.accountObjectCount] = String(usage.values.reduce(0) { $0 + $1.count })
    headers[.accountBytesUsed] = String(usage.values.reduce(0) { $0 + $1.bytes })
    headers[.swiftTimestamp] = WireTimestamp.swiftTimestamp(containers.map(\.createdAt).min() ?? 0)
    let entries = containers.map { container in
      Listed(name: container.name) {
        [
          "name": .string(container.name), "count": .int(usage[container.name]?.count ?? 0),
          "bytes": .int(usage[container.name]?.bytes ?? 0),
          "last_modified": .string(WireTimestamp.swiftListing(container.createdAt)),
        ]
      }
    }
    return try listing(entries, request, headers: headers, head: head)
  }

  // MARK: - Containers

  private func listObjects(
    _ project: String, _ container: String, _ request: Request, head: Bool
  ) async throws -> Response {
    let (record, objects) = try await store.transaction { db, _ in
      guard let record = try ObjectContainerRecord.find(project: project, name: container, in: db) else {
        throw Self.notFound
      }
      return (record, try StoredObjectRecord.listing(project: project, container: container, in: db))
    }
    var headers: HTTPFields = [:]
    headers[.containerObjectCount] = String(objects.count)
    headers[.containerBytesUsed] = String(objects.reduce(0) { $0 + $1.bytes })
    headers[.swiftTimestamp] = WireTimestamp.swiftTimestamp(record.createdAt)
    headers[.storagePolicy] = "Policy-0"
    if let acl = record.readACL { headers[.containerRead] = acl }
    let entries = objects.map { object in
      Listed(name: object.name) {
        [
          "name": .string(object.name), "hash": .string(object.etag), "bytes": .int(object.bytes),
          "content_type": .string(object.contentType),
          "last_modified": .string(WireTimestamp.swiftListing(object.lastModified)),
        ]
      }
    }
    return try listing(entries, request, headers: headers, head: head)
  }

  private func putContainer(_ project: String, _ container: String, _ request: Request) async throws -> Response {
    try Self.checkName(container, what: "Container")
    let acl = Self.readACL(request.headers)
    let created = try await store.transaction { db, now -> Bool in
      if var record = try ObjectContainerRecord.find(project: project, name: container, in: db) {
        if let acl { record.readACL = acl.isEmpty ? nil : acl }
        try record.update(db)
        return false
      }
      try ObjectContainerRecord(
        project: project, name: container, readACL: acl?.isEmpty == false ? acl : nil, createdAt: now
      )
      .insert(db)
      return true
    }
    return Self.emptyText(created ? .created : .accepted)
  }

  private func postContainer(_ project: String, _ container: String, _ request: Request) async throws -> Response {
    let acl = Self.readACL(request.headers)
    try await store.transaction { db, _ in
      guard var record = try ObjectContainerRecord.find(project: project, name: container, in: db) else {
        throw Self.notFound
      }
      if let acl { record.readACL = acl.isEmpty ? nil : acl }
      try record.update(db)
    }
    return JSONResponse.empty(.noContent)
  }

  private func deleteContainer(_ project: String, _ container: String) async throws -> Response {
    try await store.transaction { db, _ in
      guard let record = try ObjectContainerRecord.find(project: project, name: container, in: db) else {
        throw Self.notFound
      }
      let count = try StoredObjectRecord.filter(Column("project") == project && Column("container") == container)
        .fetchCount(db)
      guard count == 0 else {
        throw ServiceError(.conflict, "There was a conflict when trying to complete your request.")
      }
      try record.delete(db)
    }
    return JSONResponse.empty(.noContent)
  }

  /// The read ACL a request sets: `X-Container-Read`'s value, "" when `X-Remove-Container-Read` clears it, nil when
  /// it says nothing of it.
  private static func readACL(_ headers: HTTPFields) -> String? {
    if headers[.removeContainerRead] != nil { return "" }
    return headers[.containerRead]
  }

  // MARK: - Objects

  private func getObject(_ project: String, _ container: String, _ name: String, head: Bool) async throws -> Response {
    let object = try await store.transaction { db, _ in
      guard try ObjectContainerRecord.find(project: project, name: container, in: db) != nil,
        let object = try StoredObjectRecord.find(project: project, container: container, name: name, in: db)
      else { throw Self.notFound }
      return object
    }
    var headers = Self.objectHeaders(object)
    headers[.contentType] = object.contentType
    if head {
      headers[.contentLength] = String(object.data.count)
      return Response(status: .ok, headers: headers)
    }
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: object.data)))
  }

  private func putObject(
    _ project: String, _ container: String, _ name: String, _ request: Request
  ) async throws -> Response {
    try Self.checkName(name, what: "Object")
    let exclusive: Bool
    switch request.headers[.ifNoneMatch] {
    case nil: exclusive = false
    case "*": exclusive = true
    default: throw ServiceError.badRequest("If-None-Match only supports *")
    }
    var body: ByteBuffer
    do {
      body = try await request.body.collect(upTo: Self.maximumObjectSize)
    } catch {
      throw ServiceError(.contentTooLarge, "Your request is too large.")
    }
    let data = Data(body.readBytes(length: body.readableBytes) ?? [])
    let etag = StoredObjectRecord.etag(of: data)
    if let sent = request.headers[.eTag], sent.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) != etag {
      throw ServiceError(.unprocessableContent, "Unable to process the contained instructions")
    }
    let metadata = Dictionary(
      request.headers.filter { $0.name.canonicalName.hasPrefix("x-object-meta-") }.map { field in
        (String(field.name.canonicalName.dropFirst("x-object-meta-".count)), field.value)
      }, uniquingKeysWith: { _, last in last })
    let contentType = request.headers[.contentType] ?? "application/octet-stream"
    let object = try await store.transaction { db, now in
      guard try ObjectContainerRecord.find(project: project, name: container, in: db) != nil else {
        throw Self.notFound
      }
      if exclusive, try StoredObjectRecord.find(project: project, container: container, name: name, in: db) != nil {
        throw ServiceError(.preconditionFailed, "A precondition for this request was not met.")
      }
      let object = StoredObjectRecord(
        project: project, container: container, name: name, data: data, etag: etag, contentType: contentType,
        metadata: metadata, lastModified: now)
      try object.save(db)
      return object
    }
    var headers = Self.objectHeaders(object)
    headers[.contentType] = "text/html; charset=UTF-8"
    return Response(status: .created, headers: headers, body: .init(byteBuffer: ByteBuffer()))
  }

  private func deleteObject(_ project: String, _ container: String, _ name: String) async throws -> Response {
    try await store.transaction { db, _ in
      guard let object = try StoredObjectRecord.find(project: project, container: container, name: name, in: db)
      else { throw Self.notFound }
      try object.delete(db)
    }
    return JSONResponse.empty(.noContent)
  }

  private static func objectHeaders(_ object: StoredObjectRecord) -> HTTPFields {
    var headers: HTTPFields = [:]
    headers[.eTag] = object.etag
    headers[.lastModified] = WireTimestamp.httpDate(object.lastModified)
    headers[.swiftTimestamp] = WireTimestamp.swiftTimestamp(object.lastModified)
    for (key, value) in object.metadata.sorted(by: { $0.key < $1.key }) {
      if let name = HeaderName("X-Object-Meta-" + key) { headers[name] = value }
    }
    return headers
  }

  /// Swift's limits on names: 256 bytes for a container (no `/`), 1,024 for an object.
  private static func checkName(_ name: String, what: String) throws {
    let limit = what == "Container" ? 256 : 1024
    guard name.utf8.count <= limit else {
      throw ServiceError.badRequest("\(what) name length of \(name.utf8.count) longer than \(limit)")
    }
  }

  // MARK: - Listings

  /// An entry of a listing, its JSON made only when it is sent.
  private struct Listed {
    var name: String
    var json: () -> JSONValue
  }

  /// A listing after `prefix`, `delimiter`, `marker`, `end_marker` and `limit`: JSON with `?format=json`, else one
  /// name per line; an empty plain listing answers 204, as Swift does.
  private func listing(_ entries: [Listed], _ request: Request, headers: HTTPFields, head: Bool) throws -> Response {
    let query = request.uri.queryParameters
    let prefix = query["prefix"].map(String.init) ?? ""
    let delimiter = query["delimiter"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
    let marker = query["marker"].map(String.init) ?? ""
    let endMarker = query["end_marker"].map(String.init)
    var limit = Self.listingLimit
    if let text = query["limit"] {
      guard let value = Int(text), value >= 0 else { throw ServiceError.badRequest("Invalid limit") }
      guard value <= Self.listingLimit else {
        throw ServiceError(.preconditionFailed, "Maximum limit is \(Self.listingLimit)")
      }
      limit = value
    }
    var names: [String] = []
    var bodies: [JSONValue] = []
    var subdirectories: Set<String> = []
    for entry in entries where entry.name.hasPrefix(prefix) && entry.name > marker {
      if let endMarker, entry.name >= endMarker { break }
      guard names.count < limit else { break }
      if let delimiter, let range = entry.name.dropFirst(prefix.count).range(of: delimiter) {
        let subdirectory = String(entry.name[..<range.upperBound])
        if subdirectories.insert(subdirectory).inserted, subdirectory > marker {
          names.append(subdirectory)
          bodies.append(["subdir": .string(subdirectory)])
        }
        continue
      }
      names.append(entry.name)
      bodies.append(entry.json())
    }
    let json = query["format"] == "json"
    var headers = headers
    if head { return Response(status: .noContent, headers: headers) }
    if json {
      return JSONResponse.make(.ok, .array(bodies), headers: headers)
    }
    guard !names.isEmpty else { return Response(status: .noContent, headers: headers) }
    headers[.contentType] = "text/plain; charset=utf-8"
    let text = names.map { $0 + "\n" }.joined()
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
  }

  // MARK: - Errors

  private static var notFound: ServiceError { .notFound("The resource could not be found.") }

  private static func emptyText(_ status: HTTPResponse.Status) -> Response {
    Response(
      status: status, headers: [.contentType: "text/html; charset=UTF-8"], body: .init(byteBuffer: ByteBuffer()))
  }
}

// MARK: - Swift's header names

extension HeaderName {
  static let containerRead = HeaderName("X-Container-Read")!
  static let removeContainerRead = HeaderName("X-Remove-Container-Read")!
  static let containerObjectCount = HeaderName("X-Container-Object-Count")!
  static let containerBytesUsed = HeaderName("X-Container-Bytes-Used")!
  static let accountContainerCount = HeaderName("X-Account-Container-Count")!
  static let accountObjectCount = HeaderName("X-Account-Object-Count")!
  static let accountBytesUsed = HeaderName("X-Account-Bytes-Used")!
  static let swiftTimestamp = HeaderName("X-Timestamp")!
  static let storagePolicy = HeaderName("X-Storage-Policy")!
  /// Swift's own request id, sent beside `x-openstack-request-id`.
  static let transactionID = HeaderName("X-Trans-Id")!
}
