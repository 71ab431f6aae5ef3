import Hummingbird

/// The JSON documents the simulated Kubernetes side answers with.
enum KubernetesDocuments {
  /// `{"name", "namespace", "revision", "status", "chart", "version", "values_sha256", "set_sha256", "wait",
  /// "last_deployed"}`, the fields of `helm status -o json` a client compares.
  static func release(_ release: ReleaseRecord) -> JSONValue {
    [
      "name": .string(release.name),
      "namespace": .string(release.namespace),
      "revision": .int(release.revision),
      "status": .string(release.status.rawValue),
      "chart": .string(release.chart),
      "version": .optional(release.version),
      "values_sha256": .string(release.valuesSHA256),
      "set_sha256": .optional(release.setSHA256),
      "wait": .bool(release.wait),
      "last_deployed": .string(WireTimestamp.kubernetes(release.lastDeployed)),
    ]
  }

  /// `{"name", "revision", "status", "sha256", "kinds", "last_applied"}`.
  static func manifest(_ manifest: ManifestRecord) -> JSONValue {
    [
      "name": .string(manifest.name),
      "revision": .int(manifest.revision),
      "status": .string(manifest.status.rawValue),
      "sha256": .string(manifest.sha256),
      "kinds": .strings(manifest.kinds),
      "last_applied": .string(WireTimestamp.kubernetes(manifest.lastApplied)),
    ]
  }

  /// `{"cluster": {"uuid", "name", "status"}, "nodes": [{"name", "role", "address", "ready", "kubelet_version"}]}`:
  /// what `kubectl get nodes -o wide` tells; the API only answers for a complete cluster, so every node is ready.
  static func nodes(of cluster: ClusterRecord, at now: Double) -> JSONValue {
    let kubeletVersion = JSONValue.optional(cluster.labels["kube_tag"])
    return [
      "cluster": [
        "uuid": .string(cluster.uuid), "name": .string(cluster.name),
        "status": .string(cluster.lifecycle(at: now).status.rawValue),
      ],
      "nodes": .array(
        cluster.nodes.map { node in
          [
            "name": .string(node.name), "role": .string(node.role.rawValue), "address": .string(node.address),
            "ready": true, "kubelet_version": kubeletVersion,
          ]
        }),
    ]
  }

  /// A Kubernetes `Status` failure carrying the object as it was recorded in `details`.
  static func failure(_ status: HTTPResponse.Status, _ message: String, details: JSONValue) -> Response {
    JSONResponse.make(
      status,
      [
        "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure", "message": .string(message),
        "reason": "InternalError", "code": .int(status.code), "details": details,
      ])
  }
}

// MARK: - Request bodies

/// The bodies the Kubernetes side accepts.
enum KubernetesBodies {
  struct Release: Sendable {
    var chart: String
    var version: String?
    var valuesSHA256: String
    var setSHA256: String?
    var wait: Bool
  }

  struct Manifest: Sendable {
    var sha256: String
    var kinds: [String]
  }

  /// `{"chart", "version"?, "values_sha256", "set_sha256"?, "wait"?}` (`wait` defaults to true).
  static func release(_ body: JSONValue?) throws -> Release {
    guard let body, body.objectValue != nil else {
      throw ServiceError.badRequest("the body must be a JSON object with chart and values_sha256")
    }
    return Release(
      chart: try requiredString("chart", in: body), version: try optionalString("version", in: body),
      valuesSHA256: try requiredString("values_sha256", in: body),
      setSHA256: try optionalString("set_sha256", in: body),
      wait: try optionalBool("wait", in: body) ?? true)
  }

  /// `{"sha256", "kinds": [String]}`.
  static func manifest(_ body: JSONValue?) throws -> Manifest {
    guard let body, body.objectValue != nil else {
      throw ServiceError.badRequest("the body must be a JSON object with sha256 and kinds")
    }
    let kinds = body["kinds"]?.arrayValue?.compactMap(\.stringValue)
    guard let kinds, kinds.count == body["kinds"]?.arrayValue?.count else {
      throw ServiceError.badRequest("kinds must be a list of strings")
    }
    return Manifest(sha256: try requiredString("sha256", in: body), kinds: kinds)
  }

  private static func requiredString(_ key: String, in body: JSONValue) throws -> String {
    guard let value = body[key]?.stringValue, !value.isEmpty else {
      throw ServiceError.badRequest("\(key) is required and must be a non-empty string")
    }
    return value
  }

  private static func optionalString(_ key: String, in body: JSONValue) throws -> String? {
    guard let value = body[key], !value.isNull else { return nil }
    guard let text = value.stringValue else { throw ServiceError.badRequest("\(key) must be a string or null") }
    return text
  }

  private static func optionalBool(_ key: String, in body: JSONValue) throws -> Bool? {
    guard let value = body[key], !value.isNull else { return nil }
    guard let flag = value.boolValue else { throw ServiceError.badRequest("\(key) must be true or false") }
    return flag
  }
}

// MARK: - Names

/// Kubernetes' naming rules (RFC 1123 labels; subdomains when dots are allowed).
enum KubernetesNames {
  static func check(_ name: String, kind: String, maximumLength: Int, allowingDots: Bool = false) throws {
    let allowed = name.unicodeScalars.allSatisfy { scalar in
      ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-" || (allowingDots && scalar == ".")
    }
    let edgesAlphanumeric = [name.first, name.last].allSatisfy { $0.map { $0 != "-" && $0 != "." } ?? false }
    guard !name.isEmpty, name.count <= maximumLength, allowed, edgesAlphanumeric else {
      throw ServiceError.badRequest(
        "invalid \(kind) \"\(name)\": a lowercase RFC 1123 name of at most \(maximumLength) characters must consist "
          + "of lower case alphanumeric characters\(allowingDots ? ", '.'" : "") or '-', and must start and end "
          + "with an alphanumeric character")
    }
  }
}
