import Hummingbird

/// A header name (`HTTPField.Name`, reached through the `HTTPFields` Hummingbird re-exports).
typealias HeaderName = HTTPFields.Element.Name

// MARK: - OpenStack header names

extension HeaderName {
  /// Keystone's header carrying the token a client sends on every call.
  static let authToken = HeaderName("X-Auth-Token")!
  /// Keystone's header carrying a newly issued (or validated) token.
  static let subjectToken = HeaderName("X-Subject-Token")!
  /// The request id every OpenStack service stamps on its responses.
  static let openStackRequestID = HeaderName("x-openstack-request-id")!
  /// Microversion negotiation header (`container-infra 1.10`).
  static let openStackAPIVersion = HeaderName("OpenStack-API-Version")!
  /// Lowest microversion Magnum supports, sent on every Magnum response.
  static let openStackAPIMinimumVersion = HeaderName("OpenStack-API-Minimum-Version")!
  /// Highest microversion Magnum supports, sent on every Magnum response.
  static let openStackAPIMaximumVersion = HeaderName("OpenStack-API-Maximum-Version")!
  /// Nova's older microversion header (`2.64`, no service name).
  static let novaAPIVersion = HeaderName("X-OpenStack-Nova-API-Version")!
  /// Tells a client how many seconds to wait after a 429.
  static let retryAfterSeconds = HeaderName("Retry-After")!
  /// Lists the microversioned headers a response varies on.
  static let varyHeader = HeaderName("Vary")!
}
